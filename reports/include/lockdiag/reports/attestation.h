#pragma once
// A lock's attestation of its own state (docs/trust.md, "Attestation"): the structure a lock
// signs with its device key for a host challenge, and its verifier. Pure functions; the
// lock answers GET_ATTESTATION (0x53, protocol 1.5, docs/protocol.md) with these bytes.
//
// Wire form (SSH encoding, PROTOCOL.certkeys style): string "lockdiag-attestation-v1",
// string serial, string firmware, 12 x uint32 occupied counts (role admin,user,guest,service
// x kind persistent,temporary,scheduled), string code_set_fingerprint (raw bytes),
// byte clock_set, uint64 lock_time (unix s), uint32 battery_mv, byte battery_state (0 ok,
// 1 low, 2 critical), byte lockout_active, uint32 wrong_attempts, uint32 lockout_remaining_s,
// uint64 event_first_seq, uint64 event_last_seq, string challenge (32 bytes). The lock signs
// these bytes with Ed25519; its device key is certified by the manufacturer as an OpenSSH
// host certificate (ssh-ed25519-cert-v01) whose principal is the lock's serial.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/error.h"
#include "lockdiag/reports/model.h"

namespace lockdiag::reports {

inline constexpr std::string_view kAttestationMagic = "lockdiag-attestation-v1";
inline constexpr std::size_t kChallengeBytes = 32;
inline constexpr std::uint32_t kHostCert = 2;

struct Attestation {
  std::string serial;
  std::string firmware;
  std::array<std::uint32_t, 12> counts{};  // [role * 3 + kind]
  std::string code_set_fingerprint;        // raw bytes (8-64)
  bool clock_set = false;
  std::uint64_t lock_time = 0;
  std::uint32_t battery_mv = 0;
  std::uint8_t battery_state = 0;
  bool lockout_active = false;
  std::uint32_t wrong_attempts = 0;
  std::uint32_t lockout_remaining_s = 0;
  std::uint64_t event_first_seq = 0;
  std::uint64_t event_last_seq = 0;
  std::string challenge;  // the host's 32 random bytes
};

std::string encode_attestation(const Attestation& a);
Result<Attestation> decode_attestation(std::string_view bytes);

enum class AttestationProblem {
  malformed,
  wrong_manufacturer,
  wrong_lock,
  bad_signature,
  replayed,
  certificate_expired,
  certificate_not_yet_valid
};
struct AttestationError {
  AttestationProblem problem;
  std::string message;
};

// Checks that `body` is signed by the key in `device_cert` (an OpenSSH host certificate from
// one of `manufacturer_cas`, principal = the attested serial, valid at `at_time`: the
// report's signing time, as for technician certificates), and carries `challenge`.
std::expected<Attestation, AttestationError> verify_attestation(std::string_view body, const Signature& sig,
                                                                std::string_view device_cert,
                                                                const std::vector<PublicKey>& manufacturer_cas,
                                                                std::string_view challenge, std::uint64_t at_time);

// Every fact the snapshot states that the attestation also states, compared: slot counts by
// role and kind, code-set fingerprint, battery, lockout, clock set, event range. Returns the
// fields that differ ("before.slots[admin/persistent]", ...), empty when all match.
std::vector<std::string> attested_mismatches(const Snapshot& s, const Attestation& a);

}  // namespace lockdiag::reports
