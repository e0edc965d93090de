#pragma once
// Offline verification of a signed report file: needs no database and no lock.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/model.h"
#include "lockdiag/reports/ssh.h"
#include "lockdiag/reports/trust.h"

namespace lockdiag::reports {

inline constexpr std::size_t kMaxReportBytes = 4 * 1024 * 1024;

enum class VerifyReason {
  unreadable,           // the file could not be opened or read
  too_large,            // over kMaxReportBytes; refused before reading it all
  not_utf8,             // bytes that are not valid UTF-8
  malformed_json,       // not JSON (truncated, broken), or not a signed report's shape
  unsupported_version,  // a format or signature algorithm this tool does not know
  not_canonical,        // valid JSON but not the canonical bytes (edited, reformatted, floats)
  unknown_key,          // signed by a key other than the trusted one, or key id does not match
  signature_mismatch,   // the signature does not cover these bytes: the report was changed
  invalid_report,       // signed, but the body breaks the schema
  certificate_invalid,  // format 2: the certificate does not hold for this report (time, principal, company)
  revoked,              // format 2: a KRL revokes the certificate or the key
  attestation_invalid,  // the lock's attestation fails, or a fact differs from what the lock signed
};
std::string_view reason_id(VerifyReason reason);  // "signature_mismatch", ...
// The reason as a customer reads it ("changed after signing"): the GUI and the CLI's text;
// JSON keeps reason_id.
std::string_view reason_words(VerifyReason reason);

struct VerifyError {
  VerifyReason reason;
  std::string message;
};

struct Summary {
  Report report;
  std::string key_id;
  PublicKey public_key;
  bool key_trusted = false;  // checked against a key the caller trusts, not just the embedded one
  std::string sha256;        // SHA-256 of the canonical report bytes, lowercase hex
  int format = 1;                            // signed file format: 1 (ed25519 JSON) or 2 (SSHSIG)
  std::string signed_at;                     // format 2: the signer's stated signing time
  std::string principal;                     // format 2: the principal the signer signed as
  std::optional<ssh::Certificate> certificate;  // format 2 signed with a certificate
  // Set by verify_trusted(): how trust was established.
  std::string company;         // the company whose CA certified the signer
  std::string ca_fingerprint;  // SHA256:... of that CA
  bool chain_checked = false;  // certificate chain, validity, principal, company and KRL checked
  std::string one_line() const;
};

// Verify a signed report file's bytes. With a trusted key, the report must be signed by it;
// without one, the embedded public key is used and Summary::key_trusted is false.
std::expected<Summary, VerifyError> verify(std::string_view file_bytes, const std::optional<PublicKey>& trusted);

// Verify, then decide trust from what the user configured: a format 2 report signed with a
// certificate must chain to a cert-authority line (its namespace and principals), be valid at
// the signing time, name the certificate's key id as technician and the line's company as
// company, and not be revoked by any KRL. A report signed by a bare key (format 1 or 2) must
// be signed by a pinned key and not be revoked.
std::expected<Summary, VerifyError> verify_trusted(std::string_view file_bytes, const TrustStore& trust);

// Read a file of at most `cap` bytes. Larger files are refused without reading them whole
// (also pipes and devices that never end): memory stays bounded by `cap`.
std::expected<std::string, VerifyError> read_report_file(const std::filesystem::path& path,
                                                         std::size_t cap = kMaxReportBytes);

}  // namespace lockdiag::reports
