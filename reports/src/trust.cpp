// allowed_signers files (ssh-keygen(1) "ALLOWED SIGNERS"): principals [options] key [comment].
#include "lockdiag/reports/trust.h"

#include "lockdiag/reports/ssh.h"

namespace lockdiag::reports {
namespace {

bool glob(std::string_view p, std::string_view s) {
  // Iterative * / ? matcher with one backtrack point: linear-ish, no recursion.
  std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi, ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++, mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1, si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::string_view next_token(std::string_view& line) {
  // A token ends at a space outside double quotes.
  std::size_t i = 0;
  bool quoted = false;
  for (; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (!quoted && (line[i] == ' ' || line[i] == '\t')) break;
  }
  const auto tok = line.substr(0, i);
  line.remove_prefix(i);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  return tok;
}

}  // namespace

bool pattern_list_matches(std::string_view patterns, std::string_view value) {
  bool matched = false;
  while (!patterns.empty()) {
    const auto comma = patterns.find(',');
    auto p = patterns.substr(0, comma);
    patterns = comma == std::string_view::npos ? std::string_view{} : patterns.substr(comma + 1);
    const bool negate = !p.empty() && p.front() == '!';
    if (negate) p.remove_prefix(1);
    if (glob(p, value)) {
      if (negate) return false;
      matched = true;
    }
  }
  return matched;
}

Result<std::vector<AllowedSigner>> parse_allowed_signers(std::string_view text, std::string_view source,
                                                         std::vector<std::string>* warnings) {
  if (text.size() > 1024 * 1024) return fail(std::string(source) + ": allowed_signers file is larger than 1 MiB");
  std::vector<AllowedSigner> out;
  std::size_t lineno = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++lineno;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    const std::string where = std::string(source) + ":" + std::to_string(lineno);
    auto skip = [&](const std::string& why) {
      if (warnings) warnings->push_back(where + ": skipped: " + why);
    };
    AllowedSigner s;
    s.source = where;
    s.principals = next_token(line);
    std::string_view tok = next_token(line);
    if (tok != ssh::kEd25519) {  // options first
      std::string_view opts = tok;
      bool ok = true;
      while (!opts.empty() && ok) {
        std::size_t i = 0;
        bool quoted = false;
        for (; i < opts.size(); ++i) {
          if (opts[i] == '"') quoted = !quoted;
          if (!quoted && opts[i] == ',') break;
        }
        const auto opt = opts.substr(0, i);
        opts = i < opts.size() ? opts.substr(i + 1) : std::string_view{};
        if (opt == "cert-authority") {
          s.cert_authority = true;
        } else if (opt.starts_with("namespaces=\"") && opt.size() >= 13 && opt.back() == '"') {
          s.namespaces = opt.substr(12, opt.size() - 13);
        } else {
          skip("option " + std::string(opt) + " is not one lockdiag checks");
          ok = false;
        }
      }
      if (!ok) continue;
      tok = next_token(line);
    }
    if (tok != ssh::kEd25519) {
      skip("key type " + std::string(tok) + " is not ssh-ed25519");
      continue;
    }
    const auto b64 = next_token(line);
    auto blob = ssh::unbase64(b64);
    auto key = blob ? ssh::parse_key_blob(*blob) : Result<PublicKey>(std::unexpected(blob.error()));
    if (!key) {
      skip("damaged key: " + key.error().message);
      continue;
    }
    s.key = *key;
    s.company = line;
    out.push_back(std::move(s));
  }
  return out;
}

std::string allowed_signers_line(const PublicKey& ca, std::string_view company) {
  std::string line = "* cert-authority,namespaces=\"" + std::string(kReportNamespace) + "\" " +
                     std::string(ssh::kEd25519) + " " + ssh::base64(ssh::key_blob(ca));
  if (!company.empty()) line += " " + std::string(company);
  return line + "\n";
}

}  // namespace lockdiag::reports
