// Attestation structure, its verifier and the fact comparison (attestation.h).
#include "lockdiag/reports/attestation.h"

#include "lockdiag/reports/ssh.h"

namespace lockdiag::reports {
namespace {

std::unexpected<AttestationError> refuse(AttestationProblem p, std::string m) {
  return std::unexpected(AttestationError{p, std::move(m)});
}

}  // namespace

std::string encode_attestation(const Attestation& a) {
  ssh::Writer w;
  w.string(kAttestationMagic);
  w.string(a.serial);
  w.string(a.firmware);
  for (const auto c : a.counts) w.u32(c);
  w.string(a.code_set_fingerprint);
  w.u8(a.clock_set ? 1 : 0);
  w.u64(a.lock_time);
  w.u32(a.battery_mv);
  w.u8(a.battery_state);
  w.u8(a.lockout_active ? 1 : 0);
  w.u32(a.wrong_attempts);
  w.u32(a.lockout_remaining_s);
  w.u64(a.event_first_seq);
  w.u64(a.event_last_seq);
  w.string(a.challenge);
  return w.bytes();
}

Result<Attestation> decode_attestation(std::string_view bytes) {
  if (bytes.size() > 4096) return fail("attestation is larger than 4 KiB");
  ssh::Reader r(bytes);
  Attestation a;
  std::string_view magic, serial, firmware, fp, challenge;
  std::uint8_t clock_set = 0, lockout = 0;
  if (!r.string(magic) || magic != kAttestationMagic) return fail("not a lockdiag attestation (v1)");
  bool ok = r.string(serial) && r.string(firmware);
  for (auto& c : a.counts) ok = ok && r.u32(c);
  ok = ok && r.string(fp) && r.u8(clock_set) && r.u64(a.lock_time) && r.u32(a.battery_mv) && r.u8(a.battery_state) &&
       r.u8(lockout) && r.u32(a.wrong_attempts) && r.u32(a.lockout_remaining_s) && r.u64(a.event_first_seq) &&
       r.u64(a.event_last_seq) && r.string(challenge);
  if (!ok || !r.empty()) return fail("attestation is truncated or followed by junk");
  if (serial.empty() || serial.size() > 64 || firmware.size() > 64)
    return fail("attestation serial or firmware out of range");
  if (fp.size() < 8 || fp.size() > 64) return fail("attestation fingerprint must be 8-64 bytes");
  if (clock_set > 1 || lockout > 1 || a.battery_state > 2) return fail("attestation flag out of range");
  if (challenge.size() != kChallengeBytes) return fail("attestation challenge must be 32 bytes");
  a.serial = serial;
  a.firmware = firmware;
  a.code_set_fingerprint = fp;
  a.clock_set = clock_set;
  a.lockout_active = lockout;
  a.challenge = challenge;
  return a;
}

std::expected<Attestation, AttestationError> verify_attestation(std::string_view body, const Signature& sig,
                                                                std::string_view device_cert,
                                                                const std::vector<PublicKey>& manufacturer_cas,
                                                                std::string_view challenge, std::uint64_t at_time) {
  auto a = decode_attestation(body);
  if (!a) return refuse(AttestationProblem::malformed, a.error().message);
  auto cert = ssh::parse_certificate(device_cert);
  if (!cert) return refuse(AttestationProblem::malformed, "device certificate: " + cert.error().message);
  bool known = false;
  for (const auto& ca : manufacturer_cas) known = known || ca == cert->ca;
  if (!known)
    return refuse(AttestationProblem::wrong_manufacturer, "the lock's device key is certified by " +
                                                              ssh::fingerprint(cert->ca) +
                                                              ", no manufacturer lockdiag trusts");
  if (cert->type != kHostCert || cert->principals.size() != 1 || cert->principals.front() != a->serial)
    return refuse(AttestationProblem::wrong_lock, "the device certificate is not for lock " + a->serial);
  if (at_time >= cert->valid_before)
    return refuse(AttestationProblem::certificate_expired,
                  "the lock's manufacturer certificate expired on " + ssh::time_text(cert->valid_before));
  if (at_time < cert->valid_after)
    return refuse(AttestationProblem::certificate_not_yet_valid,
                  "the lock's manufacturer certificate is valid only from " + ssh::time_text(cert->valid_after));
  if (!verify_signature(cert->key, body, sig))
    return refuse(AttestationProblem::bad_signature, "the attestation is not signed by the lock's device key");
  if (challenge.size() != kChallengeBytes || a->challenge != challenge)
    return refuse(AttestationProblem::replayed,
                  "the attestation answers another challenge: an old attestation replayed");
  return *a;
}

std::vector<std::string> attested_mismatches(const Snapshot& s, const Attestation& a) {
  std::vector<std::string> out;
  std::array<std::int64_t, 12> counts{};
  for (const auto& g : s.slots)
    counts[static_cast<std::size_t>(g.role) * 3 + static_cast<std::size_t>(g.kind)] += g.count;
  static constexpr const char* kRoles[] = {"admin", "user", "guest", "service"};
  static constexpr const char* kKinds[] = {"persistent", "temporary", "scheduled"};
  for (std::size_t i = 0; i < 12; ++i)
    if (counts[i] != a.counts[i]) out.push_back(std::string("slots[") + kRoles[i / 3] + "/" + kKinds[i % 3] + "]");
  if (s.code_set_fingerprint != to_hex(std::span(reinterpret_cast<const unsigned char*>(a.code_set_fingerprint.data()),
                                                 a.code_set_fingerprint.size())))
    out.push_back("code_set_fingerprint");
  if (s.clock.set != a.clock_set) out.push_back("clock.set");
  if (s.battery.millivolts != a.battery_mv) out.push_back("battery.millivolts");
  if (static_cast<int>(s.battery.state) != a.battery_state) out.push_back("battery.state");
  if (s.lockout.active != a.lockout_active) out.push_back("lockout.active");
  if (s.lockout.wrong_attempts != a.wrong_attempts) out.push_back("lockout.wrong_attempts");
  if (s.events.last_seq != static_cast<std::int64_t>(a.event_last_seq)) out.push_back("events.last_seq");
  return out;
}

}  // namespace lockdiag::reports
