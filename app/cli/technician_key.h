// The CLI's view of the technician key: created on first use, unlocked with a passphrase
// when sealed, and the set of public keys `report verify` trusts without --key.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <optional>
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

}  // namespace lockdiag::cli

namespace lockdiag::cli {

// The installed OpenSSH certificate's blob, nullopt when none is installed or it belongs to
// another key (said on stderr). An expired certificate is returned (and warned about): a report
// it signs then fails verification with the reason, which is the truth.
std::expected<std::optional<std::string>, KeyCommandError> installed_certificate();

struct CertificateStatus {
  bool ok = false;     // installed, for this key, valid now
  std::string line;    // "certified by ... until ..." or what is wrong and what to do
};
// Who certified whom until when; the company's name comes from the config dir's
// allowed_signers files when one trusts the CA.
CertificateStatus certificate_status();

// Seconds since 1970 on the laptop's clock: certificate validity is checked against it.
std::uint64_t now_unix();

}  // namespace lockdiag::cli
