#pragma once
// The lock's attestations inside a report (docs/report-format.md, "lock_attestation"; docs/
// trust.md, "Attestation"): how the host makes a challenge, the report field's JSON, and the
// verifier's check that every fact the report states about the lock is what the lock signed.
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/error.h"
#include "lockdiag/reports/model.h"

namespace lockdiag::reports {

inline constexpr std::string_view kChallengeDomain = "lockdiag-attestation-challenge-v1";
// The public half of the TEST-ONLY manufacturer CA of lockfw-sim's virtual locks
// (packaging/test-only/manufacturer-ca-TEST-ONLY.pub; a test checks they agree). A report
// attested under it is named as such whatever the trusted file calls it.
inline constexpr std::string_view kTestOnlyManufacturerCaLine =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFj/Zv1ODnj04ED4i+6/W55a06nCAB7Z1yx0xAg43UCP "
    "lockdiag-manufacturer-CA-TEST-ONLY (never trust in production)";

// SHA-256( domain || 0 || report id || 0 || phase || 0 || nonce ): 32 bytes. The report id
// names the lock's serial and the job; the phase is "before" or "after".
std::string attestation_challenge(std::string_view report_id, std::string_view phase, std::string_view nonce);

nlohmann::json attestations_to_json(const LockAttestations& a);
Result<LockAttestations> attestations_from_json(const nlohmann::json& j);

struct ManufacturerCa {
  PublicKey key;
  std::string source;  // the file it came from
  bool test_only = false;
};
// Reads a manufacturer CA public key file ("ssh-ed25519 AAAA... comment").
Result<ManufacturerCa> parse_manufacturer_ca(std::string_view text, std::string_view source);

enum class AttestationState { absent, unavailable, attested };
struct AttestationVerdict {
  AttestationState state = AttestationState::absent;
  bool test_only = false;
  bool after_attested = false;
  std::string serial;
  std::string ca_fingerprint;  // SHA256:... of the manufacturer CA
  std::string line;            // one line for the verdict
};

// Checks the report's attestations at `at_time` (the signing time): each from a trusted
// manufacturer for the report's lock, answering the challenge made from the report's id and
// the recorded nonce, and every fact matching (before vs the as-found read, after vs as-left).
// The error names what failed (the fact that differs).
std::expected<AttestationVerdict, std::string> check_lock_attestations(const Report& r,
                                                                       const std::vector<ManufacturerCa>& cas,
                                                                       std::uint64_t at_time);

// The PDF's line about the attestation (empty for a report without the field). The PDF states
// what the report carries; `lockdiag report verify` is what checks it.
std::string attestation_pdf_line(const Report& r);

}  // namespace lockdiag::reports
