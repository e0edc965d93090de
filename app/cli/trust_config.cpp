#include "trust_config.h"

#include <algorithm>
#include <cstdlib>

#include "lockdiag/reports/verify.h"
#include "technician_key.h"

namespace lockdiag::cli {

namespace fs = std::filesystem;

fs::path companies_dir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  const fs::path base = xdg && *xdg == '/' ? fs::path(xdg) : fs::path(home ? home : "/") / ".config";
  return base / "lockdiag" / "companies";
}

std::string add_krl_file(reports::TrustStore& trust, const fs::path& file) {
  auto bytes = reports::read_report_file(file, reports::ssh::kMaxKrlBytes);
  if (!bytes) return "cannot read KRL " + file.string() + ": " + bytes.error().message;
  auto krl = reports::ssh::parse_krl(*bytes);
  if (!krl) return file.string() + ": " + krl.error().message;
  trust.krls.push_back(std::move(*krl));
  return {};
}

std::string add_company_file(reports::TrustStore& trust, const fs::path& file, std::vector<std::string>& warnings) {
  auto bytes = reports::read_report_file(file, 1024 * 1024);
  if (!bytes) return "cannot read company file " + file.string() + ": " + bytes.error().message;
  auto lines = reports::parse_allowed_signers(*bytes, file.string(), &warnings);
  if (!lines) return lines.error().message;
  if (lines->empty()) return file.string() + " trusts no ssh-ed25519 key lockdiag can use";
  trust.signers.insert(trust.signers.end(), lines->begin(), lines->end());
  fs::path krl = file;
  krl.replace_extension(".krl");
  std::error_code ec;
  if (krl != file && fs::exists(krl, ec)) return add_krl_file(trust, krl);  // a damaged KRL is an error, never skipped
  return {};
}

std::string load_configured_trust(reports::TrustStore& trust, std::vector<std::string>& warnings) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(companies_dir(), ec))
    if (e.path().extension() == ".allowed_signers") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files)
    if (auto err = add_company_file(trust, f, warnings); !err.empty()) return err;
  trust.keys = locally_trusted_keys();
  return {};
}

}  // namespace lockdiag::cli
