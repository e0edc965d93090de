// The CLI's view of the technician key: created on first use, unlocked with a passphrase
// when sealed, and the set of public keys `report verify` trusts without --key.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "lockdiag/reports/keys.h"

namespace lockdiag::cli {

struct KeyCommandError {
  int exit_code;
  std::string message;
};

// The key's public half; creates the key pair first if there is none (*created = true).
std::expected<reports::KeyInfo, KeyCommandError> technician_key_info(bool* created);
// The signing key; creates the key pair first if there is none.
std::expected<reports::SigningKey, KeyCommandError> technician_signing_key();
// Keys trusted without --key: the technician's own and *.pub in <data dir>/lockdiag/trusted/.
std::vector<reports::PublicKey> locally_trusted_keys();

}  // namespace lockdiag::cli
