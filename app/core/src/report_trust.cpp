#include "lockdiag/app/report_trust.h"

#include <algorithm>
#include <cstdlib>

#include "lockdiag/app/manufacturer_trust.h"
#include "lockdiag/reports/keys.h"
#include "lockdiag/reports/verify.h"

namespace lockdiag::app {

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
  trust.keys = locally_trusted_keys(warnings);
  return {};
}

std::vector<reports::PublicKey> locally_trusted_keys(std::vector<std::string>& warnings) {
  std::vector<reports::PublicKey> keys;
  auto s = reports::KeyStore::open_default();
  if (!s) return keys;
  if (auto info = s->info()) keys.push_back(info->public_key);
  std::error_code ec;
  const auto trusted_dir = s->dir().parent_path() / "trusted";
  for (const auto& entry : fs::directory_iterator(trusted_dir, ec)) {
    if (entry.path().extension() != ".pub") continue;
    auto bytes = reports::read_report_file(entry.path(), 4096);
    if (!bytes) continue;
    if (auto key = reports::parse_public_key_file(*bytes)) keys.push_back(*key);
    else warnings.push_back("ignoring " + entry.path().string() + ": " + key.error().message);
  }
  return keys;
}

TrustVerdict verify_with_configured_trust(std::string_view report_bytes, const TrustOptions& o) {
  TrustVerdict v;
  if (o.pinned_key) {
    v.summary = reports::verify(report_bytes, o.pinned_key);  // one key pinned: nothing else counts
  } else {
    reports::TrustStore trust;
    v.config_error = load_configured_trust(trust, v.warnings);
    for (const auto& c : o.companies)
      if (v.config_error.empty()) v.config_error = add_company_file(trust, c, v.warnings);
    for (const auto& k : o.krls)
      if (v.config_error.empty()) v.config_error = add_krl_file(trust, k);
    if (!v.config_error.empty()) return v;
    v.summary = reports::verify_trusted(report_bytes, trust);
  }
  if (!v.summary) return v;
  std::vector<reports::ManufacturerCa> cas;  // the lock's attestation
  if (v.config_error = load_manufacturer_cas(cas, o.manufacturers); !v.config_error.empty()) return v;
  auto attested = check_attestations(*v.summary, cas);
  if (!attested) v.summary = std::unexpected(attested.error());
  else v.attestation = std::move(*attested);
  return v;
}

}  // namespace lockdiag::app
