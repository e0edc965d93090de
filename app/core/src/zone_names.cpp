// Zone-name listing, nearest matches for a typo, and the laptop's own zone.
#include <algorithm>
#include <cstdio>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <system_error>

#include "lockdiag/app/tzif.h"

namespace lockdiag::app {

namespace {

bool is_tzif(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  char m[4] = {};
  return in.read(m, 4) && m[0] == 'T' && m[1] == 'Z' && m[2] == 'i' && m[3] == 'f';
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string last_part(const std::string& s) {
  const auto slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

}  // namespace

std::vector<std::string> zone_names(const std::filesystem::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(root, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const auto rel = it->path().lexically_relative(root).generic_string();
    if (it->is_directory(ec)) {
      if (rel == "posix" || rel == "right") it.disable_recursion_pending();
      continue;
    }
    if (rel == "localtime" || rel == "posixrules" || rel == "Factory" || !it->is_regular_file(ec)) continue;
    if (is_tzif(it->path())) out.push_back(rel);
    if (out.size() > 4000) break;  // a hostile TZDIR cannot make this unbounded
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> nearest_zone_names(const std::string& name, const std::vector<std::string>& names,
                                            std::size_t count) {
  const std::string n = lower(name), tail = last_part(n);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const std::string& z : names) {
    const std::string lz = lower(z);
    std::size_t d = std::min(distance(n, lz), distance(tail, last_part(lz)) + 1);
    if (lz.find(tail) != std::string::npos && tail.size() >= 3) d = std::min<std::size_t>(d, 1);
    scored.emplace_back(d, z);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && out.size() < count; ++i) out.push_back(scored[i].second);
  return out;
}

std::string system_zone_name() {
  if (const char* tz = std::getenv("TZ"); tz && *tz) {
    std::string s = tz[0] == ':' ? tz + 1 : tz;
    if (load_zone(s)) return s;
  }
  std::error_code ec;
  const auto target = std::filesystem::read_symlink("/etc/localtime", ec);
  if (!ec) {
    const std::string t = target.generic_string();
    const auto at = t.find("zoneinfo/");
    if (at != std::string::npos) return t.substr(at + 9);
  }
  std::ifstream in("/etc/timezone");
  std::string s;
  if (in >> s && load_zone(s)) return s;
  return "UTC";
}

std::expected<std::string, std::string> resolve_zone(const std::string& requested, const std::filesystem::path& root) {
  const std::string name = requested.empty() ? system_zone_name() : requested;
  auto tz = load_zone(name, root);
  if (tz) return name;
  std::string msg = tz.error();
  if (msg.starts_with("unknown time zone") || msg.find("not a time zone name") != std::string::npos) {
    const auto near = nearest_zone_names(name, zone_names(root));
    if (!near.empty()) {
      msg += "; nearest: ";
      for (std::size_t i = 0; i < near.size(); ++i) msg += (i ? ", " : "") + near[i];
    }
  }
  return std::unexpected(msg);
}

std::string format_offset(int32_t offset_s) {
  const int32_t a = offset_s < 0 ? -offset_s : offset_s;
  char b[16];
  std::snprintf(b, sizeof b, "%c%02d:%02d", offset_s < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
  return b;
}

std::string format_utc_date(int64_t utc) {
  const std::time_t tt = static_cast<std::time_t>(utc);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char b[16];
  std::strftime(b, sizeof b, "%Y-%m-%d", &tm);
  return b;
}

}  // namespace lockdiag::app
