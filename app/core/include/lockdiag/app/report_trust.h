// What a signed report is checked against (docs/trust.md), for `lockdiag report verify` and the
// GUI's report viewer alike: company allowed_signers files in
// <config dir>/lockdiag/companies/*.allowed_signers (each with an optional NAME.krl beside it), the
// technician's own key and <data dir>/lockdiag/trusted/*.pub, and the manufacturer CAs
// (manufacturer_trust.h) for the lock's attestation; the CLI adds the files given with --company,
// --krl and --manufacturer, or pins one key with --key.
#pragma once

#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockdiag/reports/report_attestation.h"
#include "lockdiag/reports/trust.h"
#include "lockdiag/reports/verify.h"

namespace lockdiag::app {

// $XDG_CONFIG_HOME/lockdiag/companies (or ~/.config/lockdiag/companies).
std::filesystem::path companies_dir();

// Adds an allowed_signers file and the KRL beside it (same name, extension .krl) to `trust`.
// Returns an error message, empty on success; skipped lines go to `warnings`.
std::string add_company_file(reports::TrustStore& trust, const std::filesystem::path& file,
                             std::vector<std::string>& warnings);
std::string add_krl_file(reports::TrustStore& trust, const std::filesystem::path& file);
// Keys trusted without a company: the technician's own and *.pub in <data dir>/lockdiag/trusted/
// (a file that is not a key is skipped with a warning).
std::vector<reports::PublicKey> locally_trusted_keys(std::vector<std::string>& warnings);
// The config dir's companies + locally_trusted_keys(). Returns an error message, empty on success.
std::string load_configured_trust(reports::TrustStore& trust, std::vector<std::string>& warnings);

// What the CLI adds to the configured trust (--key, --company, --krl, --manufacturer).
struct TrustOptions {
  std::optional<reports::PublicKey> pinned_key;  // set: this key alone counts, nothing configured
  std::vector<std::string> companies;            // allowed_signers files (each with its .krl)
  std::vector<std::string> krls;
  std::vector<std::string> manufacturers;  // manufacturer CA .pub files, besides the shipped and configured ones
};

// A report checked against the configured trust and the lock's attestation against the
// manufacturer CAs: the verdict both faces show. A damaged trust configuration (an unreadable
// company file, KRL or manufacturer CA) is an error of its own, never "valid"; an attestation
// that does not check makes the summary an attestation_invalid error.
struct TrustVerdict {
  std::string config_error;  // non-empty: nothing more was checked
  std::expected<reports::Summary, reports::VerifyError> summary = std::unexpected(reports::VerifyError{});
  std::optional<reports::AttestationVerdict> attestation;  // set when the summary is valid
  std::vector<std::string> warnings;
};
TrustVerdict verify_with_configured_trust(std::string_view report_bytes, const TrustOptions& options = {});

}  // namespace lockdiag::app
