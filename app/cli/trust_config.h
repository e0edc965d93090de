// What `lockdiag report verify` trusts (docs/trust.md): company allowed_signers files in
// <config dir>/lockdiag/companies/*.allowed_signers (each with an optional NAME.krl beside it),
// files given with --company (same rule for the .krl) and --krl, and the pinned plain keys.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lockdiag/reports/trust.h"

namespace lockdiag::cli {

// $XDG_CONFIG_HOME/lockdiag/companies (or ~/.config/lockdiag/companies).
std::filesystem::path companies_dir();

// Adds an allowed_signers file and the KRL beside it (same name, extension .krl) to `trust`.
// Returns an error message, empty on success; skipped lines go to `warnings`.
std::string add_company_file(reports::TrustStore& trust, const std::filesystem::path& file,
                             std::vector<std::string>& warnings);
std::string add_krl_file(reports::TrustStore& trust, const std::filesystem::path& file);
// Config dir companies + the pinned keys (locally_trusted_keys()).
std::string load_configured_trust(reports::TrustStore& trust, std::vector<std::string>& warnings);

}  // namespace lockdiag::cli
