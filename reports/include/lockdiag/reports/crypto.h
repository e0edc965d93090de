#pragma once
// Ed25519 keys and signatures, SHA-256 and hex, all from libsodium.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "lockdiag/reports/error.h"

namespace lockdiag::reports {

inline constexpr std::size_t kPublicKeyBytes = 32;
inline constexpr std::size_t kSeedBytes = 32;
inline constexpr std::size_t kSignatureBytes = 64;

using Signature = std::array<unsigned char, kSignatureBytes>;

struct PublicKey {
  std::array<unsigned char, kPublicKeyBytes> bytes{};

  // Key id: the first 8 bytes of SHA-256(raw public key), as 16 lowercase hex digits.
  std::string key_id() const;
  std::string hex() const;
  bool operator==(const PublicKey&) const = default;
};

// An Ed25519 signing key. The secret bytes are wiped when it is destroyed.
class SigningKey {
 public:
  static Result<SigningKey> generate();
  static Result<SigningKey> from_seed(std::span<const unsigned char, kSeedBytes> seed);

  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  SigningKey(SigningKey&& other) noexcept;
  SigningKey& operator=(SigningKey&& other) noexcept;
  ~SigningKey();

  const PublicKey& public_key() const { return public_; }
  Signature sign(std::string_view message) const;
  // The 32-byte seed the key derives from (for storing it); the caller wipes it.
  void seed(std::span<unsigned char, kSeedBytes> out) const;

 private:
  SigningKey() = default;
  std::array<unsigned char, 64> secret_{};
  PublicKey public_;
};

bool verify_signature(const PublicKey& key, std::string_view message, const Signature& sig);

// Lowercase hex; from_hex accepts lowercase only (one spelling per value: canonical).
std::string to_hex(std::span<const unsigned char> bytes);
bool from_hex(std::string_view hex, std::span<unsigned char> out);

std::string sha256_hex(std::string_view bytes);

// Public key export file (docs/report-format.md, "Public key file").
std::string public_key_file(const PublicKey& key);
Result<PublicKey> parse_public_key_file(std::string_view bytes);

}  // namespace lockdiag::reports
