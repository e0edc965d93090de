// The lock's attestation (docs/protocol.md, "1.5: attestation"; docs/trust.md): the device
// key made at manufacture, and GET_ATTESTATION, which signs the lock's own account of its
// state for a host challenge. The body is the SSH-encoded structure reports/attestation.h
// decodes ("lockdiag-attestation-v1"); the device key never leaves the secret store except
// into this function's stack, which is wiped before it returns.
#include "core/bytes.h"
#include "core/ed25519.h"
#include "core/lock.h"
#include "lockfw/wire.h"

namespace lockfw {

using namespace wire;

namespace {

constexpr char kMagic[] = "lockdiag-attestation-v1";
constexpr char kCertType[] = "ssh-ed25519-cert-v01@openssh.com";
// An ssh-ed25519-cert-v01 starts: string type (32), string nonce (32), string public key (32).
constexpr uint16_t kCertKeyOffset = 4 + 32 + 4 + 32 + 4;
constexpr uint16_t kMaxCertPage = 512;

void secure_wipe(void* p, size_t n) {
  volatile uint8_t* v = static_cast<volatile uint8_t*>(p);
  for (size_t i = 0; i < n; ++i) v[i] = 0;
}

// SSH wire encoding (RFC 4251): big-endian integers, length-prefixed strings.
struct Writer {
  uint8_t* p;
  uint16_t n = 0;
  void u8(uint8_t v) { p[n++] = v; }
  void u32(uint32_t v) {
    for (int i = 3; i >= 0; --i) p[n++] = static_cast<uint8_t>(v >> (8 * i));
  }
  void u64(uint64_t v) { u32(static_cast<uint32_t>(v >> 32)), u32(static_cast<uint32_t>(v)); }
  void str(const void* s, uint32_t len) {
    u32(len);
    copy_bytes(p + n, s, len);
    n = static_cast<uint16_t>(n + len);
  }
};

uint8_t put_decimal(char* out, uint16_t v) {
  uint8_t n = 0;
  if (v >= 10000) out[n++] = static_cast<char>('0' + v / 10000);
  if (v >= 1000) out[n++] = static_cast<char>('0' + v / 1000 % 10);
  if (v >= 100) out[n++] = static_cast<char>('0' + v / 100 % 10);
  if (v >= 10) out[n++] = static_cast<char>('0' + v / 10 % 10);
  out[n++] = static_cast<char>('0' + v % 10);
  return n;
}

uint8_t report_kind(uint8_t kind) {  // the report's persistent / temporary / scheduled
  if (kind == kKindPersistent) return 0;
  if (kind == kKindTemporaryUntil || kind == kKindTemporaryFirstUse) return 1;
  return 2;
}

}  // namespace

bool Lock::provision_device_key(uint8_t pk[32]) {
  uint8_t seed[hal::kSecretSize];
  bool ok = hal_.secrets.load(hal::kDeviceSigningKey, seed);
  if (!ok) {
    // Manufacture: the key is born here, from the part's true random source.
    hal_.entropy.fill(seed, sizeof seed);
    ok = hal_.secrets.store(hal::kDeviceSigningKey, seed);
    uint8_t back[hal::kSecretSize];
    ok = ok && hal_.secrets.load(hal::kDeviceSigningKey, back) && __builtin_memcmp(back, seed, sizeof seed) == 0;
    secure_wipe(back, sizeof back);
  }
  if (ok) crypto::ed25519_public_key(pk, seed);
  secure_wipe(seed, sizeof seed);
  return ok;
}

// Structure and field order: reports/attestation.h (the verifier) and docs/protocol.md.
uint16_t Lock::attestation_body(const uint8_t* challenge, uint8_t* out) {
  Writer w{out};
  w.str(kMagic, sizeof kMagic - 1);
  uint32_t serial_len = 0;
  while (serial_len < sizeof serial_ && serial_[serial_len]) ++serial_len;
  w.str(serial_, serial_len);
  char fw[20];
  uint8_t fn = put_decimal(fw, config_.fw_major);
  fw[fn++] = '.';
  fn = static_cast<uint8_t>(fn + put_decimal(fw + fn, config_.fw_minor));
  fw[fn++] = '.';
  fn = static_cast<uint8_t>(fn + put_decimal(fw + fn, config_.fw_patch));
  w.str(fw, fn);
  uint32_t counts[12] = {};
  for (uint16_t i = 0; i < config_.slot_count; ++i) {
    SlotData d;
    if (!read_slot(i, d)) continue;
    const uint8_t role = role_of(d.role_kind), kind = kind_of(d.role_kind);
    if (role < kRoleCount) ++counts[role * 3 + report_kind(kind)];
  }
  for (const uint32_t c : counts) w.u32(c);
  // The code-set fingerprint: HMAC under the secret code-hash key over the slot MACs
  // (GET_FINGERPRINT's digest), so it names the code set without being a guessing oracle.
  uint8_t fp[64];
  fingerprint(fp);
  const auto* f = reinterpret_cast<const FingerprintResponse*>(fp);
  w.str(f->digest, sizeof f->digest);
  const bool set = hal_.rtc.is_set();
  w.u8(set ? 1 : 0);
  w.u64(set ? now_s() : hal_.rtc.now());
  w.u32(hal_.battery.millivolts());
  w.u8(battery_state());
  const Settings& s = store_.settings();
  w.u8(locked_out_ ? 1 : 0);
  w.u32(s.wrong_attempts);
  w.u32(locked_out_ ? (lockout_until_ms_ - hal_.ticks.now_ms() + 999) / 1000 : 0);
  const uint32_t head = log_.head_seq();
  uint32_t oldest = log_.oldest_seq();
  if (s.event_floor > oldest) oldest = s.event_floor;
  if (head - oldest > config_.event_capacity) oldest = head - config_.event_capacity;
  const bool any = head > oldest;
  w.u64(any ? oldest : 0);
  w.u64(any ? head - 1 : 0);
  w.str(challenge, kAttestChallengeBytes);
  return w.n;
}

Reply Lock::attestation(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap) {
  AttestationRequest rq;
  if (!read_struct(req, len, rq)) return Reply::fail(kErrInvalidLength);
  if (rq.reserved != 0 || rq.part > kAttestPartCertificate) return Reply::fail(kErrInvalidParameter);
  // Without a device key and its certificate the lock has nothing to vouch with.
  uint8_t seed[hal::kSecretSize];
  if (!device_cert_ || device_cert_len_ < kCertKeyOffset + 32 ||
      __builtin_memcmp(device_cert_ + 4, kCertType, sizeof kCertType - 1) != 0 ||
      !hal_.secrets.load(hal::kDeviceSigningKey, seed)) {
    secure_wipe(seed, sizeof seed);
    return Reply::fail(kErrNotProvisioned);
  }
  if (rq.part == kAttestPartCertificate) {
    secure_wipe(seed, sizeof seed);
    if (rq.offset > device_cert_len_) return Reply::fail(kErrInvalidParameter);
    AttestationCertPage h{};
    h.total = device_cert_len_;
    h.offset = rq.offset;
    uint16_t n = static_cast<uint16_t>(device_cert_len_ - rq.offset);
    const uint16_t room = static_cast<uint16_t>(cap - sizeof h);
    if (n > room) n = room;
    if (n > kMaxCertPage) n = kMaxCertPage;
    h.length = n;
    copy_bytes(out, &h, sizeof h);
    copy_bytes(out + sizeof h, device_cert_ + rq.offset, n);
    return Reply::ok(static_cast<uint16_t>(sizeof h + n));
  }
  // Body bound: 27 + 20 + 15 + 48 + 36 + 1 + 8 + 4 + 1 + 1 + 4 + 4 + 8 + 8 + 36 = 221 bytes.
  if (cap < sizeof(AttestationStatement) + 240 + kAttestSignatureBytes) {
    secure_wipe(seed, sizeof seed);
    return Reply::fail(kErrInvalidLength);
  }
  uint8_t pk[32];
  crypto::ed25519_public_key(pk, seed);
  // A certificate for another key would vouch for nothing: refuse rather than mislead.
  if (__builtin_memcmp(pk, device_cert_ + kCertKeyOffset, sizeof pk) != 0) {
    secure_wipe(seed, sizeof seed);
    return Reply::fail(kErrNotProvisioned);
  }
  uint8_t* body = out + sizeof(AttestationStatement);
  const uint16_t n = attestation_body(rq.challenge, body);
  crypto::ed25519_sign(body + n, body, n, seed, pk);
  secure_wipe(seed, sizeof seed);
  AttestationStatement h{};
  h.format = kAttestFormat;
  h.body_len = n;
  h.cert_len = device_cert_len_;
  copy_bytes(out, &h, sizeof h);
  return Reply::ok(static_cast<uint16_t>(sizeof h + n + kAttestSignatureBytes));
}

}  // namespace lockfw
