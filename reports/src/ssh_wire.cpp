// SSH wire encoding (RFC 4253 section 5), base64, and Ed25519 public key blobs and lines.
#include <chrono>

#include "lockdiag/reports/ssh.h"
#include "lockdiag/reports/timefmt.h"
#include "sodium_init.h"

namespace lockdiag::reports::ssh {

void Writer::u32(std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) u8(static_cast<std::uint8_t>(v >> s));
}

void Writer::u64(std::uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) u8(static_cast<std::uint8_t>(v >> s));
}

void Writer::string(std::string_view s) {
  u32(static_cast<std::uint32_t>(s.size()));
  out_.append(s);
}

bool Reader::raw(std::size_t n, std::string_view& s) {
  if (!ok_ || n > in_.size() - pos_) return ok_ = false;
  s = in_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool Reader::u8(std::uint8_t& v) {
  std::string_view s;
  if (!raw(1, s)) return false;
  v = static_cast<std::uint8_t>(s[0]);
  return true;
}

bool Reader::u32(std::uint32_t& v) {
  std::string_view s;
  if (!raw(4, s)) return false;
  v = 0;
  for (const char c : s) v = (v << 8) | static_cast<std::uint8_t>(c);
  return true;
}

bool Reader::u64(std::uint64_t& v) {
  std::string_view s;
  if (!raw(8, s)) return false;
  v = 0;
  for (const char c : s) v = (v << 8) | static_cast<std::uint8_t>(c);
  return true;
}

bool Reader::string(std::string_view& s) {
  std::uint32_t n = 0;
  return u32(n) && raw(n, s);
}

std::string base64(std::string_view bytes, bool padding) {
  detail::sodium_ready();
  const int variant = padding ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

Result<std::string> unbase64(std::string_view text, const char* ignore) {
  detail::sodium_ready();
  if (text.size() > 4 * kMaxBlobBytes) return fail("base64 text is too long");
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), ignore,
                        &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size())
    return fail("not valid base64");
  out.resize(len);
  return out;
}

std::string key_blob(const PublicKey& key) {
  Writer w;
  w.string(kEd25519);
  w.string(std::string_view(reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size()));
  return w.bytes();
}

Result<PublicKey> parse_key_blob(std::string_view blob) {
  Reader r(blob);
  std::string_view type, raw;
  if (!r.string(type) || !r.string(raw) || !r.empty()) return fail("malformed SSH public key");
  if (type != kEd25519) return fail("key type " + std::string(type) + " is not supported (want ssh-ed25519)");
  if (raw.size() != kPublicKeyBytes) return fail("ssh-ed25519 key is not 32 bytes");
  PublicKey key;
  std::copy(raw.begin(), raw.end(), key.bytes.begin());
  return key;
}

std::string public_key_line(const PublicKey& key, std::string_view comment) {
  std::string line = std::string(kEd25519) + " " + base64(key_blob(key));
  if (!comment.empty()) line += " " + std::string(comment);
  return line + "\n";
}

namespace {
// Splits "type base64 [comment]" (trailing whitespace and newline allowed).
bool split_line(std::string_view text, std::string_view& type, std::string_view& b64) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  if (text.find('\n') != std::string_view::npos) return false;
  const auto sp = text.find(' ');
  if (sp == std::string_view::npos) return false;
  type = text.substr(0, sp);
  auto rest = text.substr(sp + 1);
  b64 = rest.substr(0, rest.find(' '));
  return !b64.empty();
}
}  // namespace

Result<PublicKey> parse_public_key_line(std::string_view line) {
  if (line.size() > kMaxBlobBytes) return fail("public key line is too long");
  std::string_view type, b64;
  if (!split_line(line, type, b64)) return fail("not an OpenSSH public key line (want: ssh-ed25519 AAAA... [comment])");
  if (type == kEd25519Cert) {
    auto cert = parse_certificate_line(line);
    if (!cert) return std::unexpected(cert.error());
    return cert->key;
  }
  if (type != kEd25519) return fail("key type " + std::string(type) + " is not supported (want ssh-ed25519)");
  auto blob = unbase64(b64);
  if (!blob) return fail("public key line: " + blob.error().message);
  return parse_key_blob(*blob);
}

std::string fingerprint(const PublicKey& key) {
  detail::sodium_ready();
  const std::string blob = key_blob(key);
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(blob.data()), blob.size());
  return "SHA256:" + base64(std::string_view(reinterpret_cast<const char*>(h), sizeof h), false);
}

Result<Certificate> parse_certificate_line(std::string_view text) {
  if (text.size() > 4 * kMaxBlobBytes) return fail("certificate file is too large to be one");
  std::string_view type, b64;
  if (!split_line(text, type, b64))
    return fail("not an OpenSSH certificate (want: ssh-ed25519-cert-v01@openssh.com AAAA... [comment])");
  if (type != kEd25519Cert)
    return fail("certificate type " + std::string(type) + " is not supported (want " + std::string(kEd25519Cert) + ")");
  auto blob = unbase64(b64);
  if (!blob) return fail("certificate: " + blob.error().message);
  return parse_certificate(*blob);
}

std::string certificate_line(std::string_view blob, std::string_view comment) {
  std::string line = std::string(kEd25519Cert) + " " + base64(blob);
  if (!comment.empty()) line += " " + std::string(comment);
  return line + "\n";
}

std::string time_text(std::uint64_t t) {
  if (t == kForever) return "forever";
  if (t > 253402300799ULL) return "year 9999+";
  return format_rfc3339_utc(std::chrono::system_clock::time_point(std::chrono::seconds(t)));
}

Result<std::uint64_t> parse_time_text(std::string_view s) {
  if (!is_rfc3339_utc(s)) return fail("not a UTC time like 2026-11-21T08:30:00Z: " + std::string(s));
  auto num = [&](std::size_t pos, std::size_t n) {
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  using namespace std::chrono;
  const year_month_day ymd{year{num(0, 4)}, month{static_cast<unsigned>(num(5, 2))},
                           day{static_cast<unsigned>(num(8, 2))}};
  const auto days = sys_days(ymd).time_since_epoch().count();
  return static_cast<std::uint64_t>(days) * 86400 + static_cast<std::uint64_t>(num(11, 2)) * 3600 +
         static_cast<std::uint64_t>(num(14, 2)) * 60 + static_cast<std::uint64_t>(num(17, 2));
}

}  // namespace lockdiag::reports::ssh
