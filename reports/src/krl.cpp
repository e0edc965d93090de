// KRL reader and writer (OpenSSH PROTOCOL.krl). Every length is checked; bitmaps are capped.
#include "lockdiag/reports/krl.h"

#include <algorithm>

#include "sodium_init.h"

namespace lockdiag::reports::ssh {
namespace {

constexpr std::uint64_t kMagic = 0x5353484b524c0a00ULL;  // "SSHKRL\n\0"
constexpr std::uint8_t kCertificates = 1, kExplicitKey = 2, kSha1 = 3, kSignature = 4, kSha256 = 5, kExtension = 255;
constexpr std::uint8_t kSerialList = 0x20, kSerialRange = 0x21, kSerialBitmap = 0x22, kKeyId = 0x23,
                       kCertExtension = 0x39;
constexpr std::size_t kMaxEntries = 1'000'000;

Result<void> parse_extension(std::string_view data) {
  Reader r(data);
  std::string_view name, contents;
  std::uint8_t critical = 0;
  if (!r.string(name) || !r.u8(critical) || !r.string(contents)) return fail("KRL extension is damaged");
  if (critical) return fail("KRL has a critical extension lockdiag does not know: " + std::string(name));
  return {};
}

Result<void> parse_cert_section(std::string_view data, Krl& krl, std::size_t& entries) {
  Reader r(data);
  std::string_view ca_blob, reserved;
  if (!r.string(ca_blob) || !r.string(reserved)) return fail("KRL certificate section is damaged");
  Krl::CaSection sec;
  if (!ca_blob.empty()) {
    auto ca = parse_key_blob(ca_blob);
    if (!ca) return fail("KRL names a CA lockdiag cannot read: " + ca.error().message);
    sec.ca = *ca;
  }
  while (!r.empty()) {
    std::uint8_t type = 0;
    std::string_view sub;
    if (!r.u8(type) || !r.string(sub)) return fail("KRL certificate subsection is damaged");
    Reader s(sub);
    switch (type) {
      case kSerialList:
        if (sub.size() % 8) return fail("KRL serial list is damaged");
        while (!s.empty()) {
          std::uint64_t v = 0;
          s.u64(v);
          if (++entries > kMaxEntries) return fail("KRL is too large");
          sec.serial_ranges.emplace_back(v, v);
        }
        break;
      case kSerialRange: {
        std::uint64_t lo = 0, hi = 0;
        if (!s.u64(lo) || !s.u64(hi) || !s.empty() || lo > hi) return fail("KRL serial range is damaged");
        if (++entries > kMaxEntries) return fail("KRL is too large");
        sec.serial_ranges.emplace_back(lo, hi);
        break;
      }
      case kSerialBitmap: {
        std::uint64_t offset = 0;
        std::string_view bits;
        if (!s.u64(offset) || !s.string(bits) || !s.empty()) return fail("KRL serial bitmap is damaged");
        // mpint, big-endian: bit N (counted from the least significant) revokes offset + N.
        for (std::size_t i = 0; i < bits.size(); ++i) {
          const auto byte = static_cast<std::uint8_t>(bits[bits.size() - 1 - i]);
          for (unsigned b = 0; b < 8; ++b)
            if (byte & (1u << b)) {
              if (++entries > kMaxEntries) return fail("KRL is too large");
              const std::uint64_t serial = offset + i * 8 + b;
              if (serial < offset) return fail("KRL serial bitmap overflows");
              sec.serial_ranges.emplace_back(serial, serial);
            }
        }
        break;
      }
      case kKeyId:
        while (!s.empty()) {
          std::string_view id;
          if (!s.string(id)) return fail("KRL key id list is damaged");
          if (++entries > kMaxEntries) return fail("KRL is too large");
          sec.key_ids.emplace_back(id);
        }
        break;
      case kCertExtension:
        if (auto e = parse_extension(sub); !e) return std::unexpected(e.error());
        break;
      default: return fail("KRL certificate subsection type " + std::to_string(type) + " is unknown");
    }
  }
  krl.certs.push_back(std::move(sec));
  return {};
}

std::string sha256(std::string_view bytes) {
  detail::sodium_ready();
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return {reinterpret_cast<const char*>(h), sizeof h};
}

}  // namespace

Result<Krl> parse_krl(std::string_view bytes) {
  if (bytes.size() > kMaxKrlBytes) return fail("KRL is larger than 1 MiB");
  Reader r(bytes);
  std::uint64_t magic = 0, flags = 0;
  std::uint32_t format = 0;
  std::string_view reserved, comment;
  Krl krl;
  if (!r.u64(magic) || magic != kMagic) return fail("not an OpenSSH KRL (make one with ssh-keygen -k)");
  if (!r.u32(format) || format != 1) return fail("KRL format version is not 1");
  if (!r.u64(krl.version) || !r.u64(krl.generated) || !r.u64(flags) || !r.string(reserved) || !r.string(comment))
    return fail("KRL header is truncated");
  krl.comment = comment;
  std::size_t entries = 0;
  while (!r.empty()) {
    std::uint8_t type = 0;
    std::string_view data;
    if (!r.u8(type) || !r.string(data)) return fail("KRL section is truncated");
    Reader s(data);
    switch (type) {
      case kCertificates:
        if (auto ok = parse_cert_section(data, krl, entries); !ok) return std::unexpected(ok.error());
        break;
      case kExplicitKey:
        while (!s.empty()) {
          std::string_view blob;
          if (!s.string(blob)) return fail("KRL key list is damaged");
          if (++entries > kMaxEntries) return fail("KRL is too large");
          if (auto key = parse_key_blob(blob)) krl.keys.push_back(*key);  // other key types: not ours
        }
        break;
      case kSha256:
        while (!s.empty()) {
          std::string_view h;
          if (!s.string(h) || h.size() != 32) return fail("KRL SHA-256 list is damaged");
          if (++entries > kMaxEntries) return fail("KRL is too large");
          krl.key_sha256.emplace_back(h);
        }
        break;
      case kSha1:
        return fail("KRL revokes keys by SHA-1 fingerprint, which lockdiag cannot check; revoke by key or sha256");
      case kSignature: return fail("KRL carries a KRL signature, which lockdiag (like OpenSSH 9.4+) refuses");
      case kExtension:
        if (auto e = parse_extension(data); !e) return std::unexpected(e.error());
        break;
      default: return fail("KRL section type " + std::to_string(type) + " is unknown");
    }
  }
  return krl;
}

bool Krl::revoked(const PublicKey& key) const {
  if (std::find(keys.begin(), keys.end(), key) != keys.end()) return true;
  const std::string h = sha256(key_blob(key));
  return std::find(key_sha256.begin(), key_sha256.end(), h) != key_sha256.end();
}

bool Krl::revoked(const Certificate& cert) const {
  if (revoked(cert.key)) return true;
  for (const auto& sec : certs) {
    if (sec.ca && !(*sec.ca == cert.ca)) continue;
    for (const auto& [lo, hi] : sec.serial_ranges)
      if (cert.serial >= lo && cert.serial <= hi) return true;
    if (std::find(sec.key_ids.begin(), sec.key_ids.end(), cert.key_id) != sec.key_ids.end()) return true;
  }
  return false;
}

std::string make_krl(const PublicKey& ca, std::vector<std::uint64_t> serials, std::uint64_t version,
                     std::uint64_t generated, std::string_view comment) {
  Writer w;
  w.u64(kMagic);
  w.u32(1);
  w.u64(version);
  w.u64(generated);
  w.u64(0);
  w.string("");
  w.string(comment);
  std::sort(serials.begin(), serials.end());
  serials.erase(std::unique(serials.begin(), serials.end()), serials.end());
  if (!serials.empty()) {
    Writer list;
    for (const auto s : serials) list.u64(s);
    Writer sec;
    sec.string(key_blob(ca));
    sec.string("");
    sec.u8(kSerialList);
    sec.string(list.bytes());
    w.u8(kCertificates);
    w.string(sec.bytes());
  }
  return w.bytes();
}

}  // namespace lockdiag::reports::ssh
