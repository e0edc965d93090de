#include "lockdiag/reports/crypto.h"

#include <cstring>

#include "json_fields.h"
#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/ssh.h"
#include "sodium_init.h"

namespace lockdiag::reports {

static_assert(crypto_sign_PUBLICKEYBYTES == kPublicKeyBytes);
static_assert(crypto_sign_SEEDBYTES == kSeedBytes);
static_assert(crypto_sign_BYTES == kSignatureBytes);
static_assert(crypto_sign_SECRETKEYBYTES == 64);

std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

bool from_hex(std::string_view hex, std::span<unsigned char> out) {
  if (hex.size() != out.size() * 2) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>((hi << 4) | lo);
  }
  return true;
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> h{};
  detail::sodium_ready();
  crypto_hash_sha256(h.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return to_hex(h);
}

std::string PublicKey::key_id() const {
  std::array<unsigned char, crypto_hash_sha256_BYTES> h{};
  detail::sodium_ready();
  crypto_hash_sha256(h.data(), bytes.data(), bytes.size());
  return to_hex(std::span<const unsigned char>(h.data(), 8));
}

std::string PublicKey::hex() const { return to_hex(bytes); }

Result<SigningKey> SigningKey::generate() {
  if (!detail::sodium_ready()) return fail("libsodium could not start (no system randomness?)");
  std::array<unsigned char, kSeedBytes> seed{};
  randombytes_buf(seed.data(), seed.size());
  auto key = from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

Result<SigningKey> SigningKey::from_seed(std::span<const unsigned char, kSeedBytes> seed) {
  if (!detail::sodium_ready()) return fail("libsodium could not start");
  SigningKey k;
  if (crypto_sign_seed_keypair(k.public_.bytes.data(), k.secret_.data(), seed.data()) != 0)
    return fail("cannot derive an Ed25519 key from the seed");
  return k;
}

SigningKey::SigningKey(SigningKey&& other) noexcept : secret_(other.secret_), public_(other.public_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    public_ = other.public_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

Signature SigningKey::sign(std::string_view message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_.data());
  return sig;
}

void SigningKey::seed(std::span<unsigned char, kSeedBytes> out) const {
  crypto_sign_ed25519_sk_to_seed(out.data(), secret_.data());
}

bool verify_signature(const PublicKey& key, std::string_view message, const Signature& sig) {
  if (!detail::sodium_ready()) return false;
  return crypto_sign_verify_detached(sig.data(), reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     key.bytes.data()) == 0;
}

// ---- public key file ----------------------------------------------------------------------

inline constexpr std::string_view kPublicKeyFormat = "lockdiag-public-key/1";

std::string public_key_file(const PublicKey& key) {
  nlohmann::json j = {{"format", kPublicKeyFormat},
                      {"alg", "ed25519"},
                      {"key_id", key.key_id()},
                      {"public_key", key.hex()}};
  return canonical(j).value() + "\n";
}

Result<PublicKey> parse_public_key_file(std::string_view bytes) {
  if (bytes.size() > 4096) return fail("public key file is too large to be one (over 4 KiB)");
  if (bytes.starts_with("ssh-")) return ssh::parse_public_key_line(bytes);  // OpenSSH form
  auto j = parse_json(bytes);
  if (!j) return fail("public key file: " + j.error().message);
  if (detail::text_field(*j, "format") != kPublicKeyFormat)
    return fail("not a lockdiag public key file (want \"format\": \"" + std::string(kPublicKeyFormat) +
                "\"; export one with: lockdiag keys export)");
  if (detail::text_field(*j, "alg") != "ed25519") return fail("public key file: alg must be ed25519");
  PublicKey key;
  if (!from_hex(detail::text_field(*j, "public_key"), key.bytes))
    return fail("public key file: public_key must be 64 lowercase hex digits");
  if (detail::text_field(*j, "key_id") != key.key_id())
    return fail("public key file: key_id does not match the public key (file damaged or edited)");
  return key;
}

}  // namespace lockdiag::reports
