// Which lock manufacturers a report's lock attestation is checked against (docs/trust.md,
// "Attestation"), by `lockdiag report verify` and the GUI's report viewer alike: the
// CA keys the package ships in /usr/share/lockdiag/trusted-ca/*.pub, the ones the user added
// in <config dir>/lockdiag/manufacturers/*.pub, and files given with --manufacturer.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lockdiag/reports/report_attestation.h"
#include "lockdiag/reports/verify.h"

namespace lockdiag::app {

std::filesystem::path manufacturers_dir();  // $XDG_CONFIG_HOME/lockdiag/manufacturers
inline const std::filesystem::path kShippedManufacturerDir = "/usr/share/lockdiag/trusted-ca";

// Shipped + configured + `extra` files. Returns an error message (a file that is not one
// ssh-ed25519 key line), empty on success.
std::string load_manufacturer_cas(std::vector<reports::ManufacturerCa>& out, const std::vector<std::string>& extra);

// Checks the verified report's lock attestations; time = the signing time (format 2) or the
// report's finished_at. An error is an attestation_invalid verify failure.
std::expected<reports::AttestationVerdict, reports::VerifyError> check_attestations(
    const reports::Summary& s, const std::vector<reports::ManufacturerCa>& cas);

}  // namespace lockdiag::app
