#pragma once
// The technician's key pair on disk: $XDG_DATA_HOME/lockdiag/keys/ (or
// ~/.local/share/lockdiag/keys/), directory mode 0700, key file mode 0600, optionally sealed
// with a passphrase (Argon2id + XSalsa20-Poly1305). See docs/report-format.md, "Keys".
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/error.h"

namespace lockdiag::reports {

// The exact message of KeyStore::load when a sealed key does not open with the passphrase.
inline constexpr std::string_view kWrongPassphrase = "wrong passphrase for the technician key";

struct KdfParams {
  std::uint64_t opslimit;
  std::uint64_t memlimit;
  static KdfParams interactive();  // libsodium INTERACTIVE limits (64 MiB), the default
  static KdfParams moderate();     // libsodium MODERATE limits (256 MiB)
};

struct KeyInfo {
  PublicKey public_key;
  std::string key_id;
  std::string created_at;
  bool sealed = false;
  std::filesystem::path path;
};

class KeyStore {
 public:
  // $XDG_DATA_HOME/lockdiag/keys, falling back to $HOME/.local/share/lockdiag/keys.
  static Result<KeyStore> open_default();
  explicit KeyStore(std::filesystem::path dir, std::string file = "technician.key")
      : dir_(std::move(dir)), file_(std::move(file)) {}

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path key_path() const { return dir_ / file_; }
  // The technician's OpenSSH certificate (`lockdiag keys install-cert`), beside the key.
  std::filesystem::path cert_path() const { return dir_ / "technician-cert.pub"; }
  // The installed certificate's blob, nullopt when none is installed; a damaged file is an error.
  Result<std::optional<std::string>> certificate_blob() const;
  bool exists() const;

  // The public half and metadata; needs no passphrase.
  Result<KeyInfo> info() const;
  // Creates a new key pair; fails if one exists (never overwrites a key).
  // An empty or absent passphrase stores the key unsealed.
  Result<KeyInfo> create(std::optional<std::string_view> passphrase, KdfParams kdf = KdfParams::interactive()) const;
  // Loads the signing key; a sealed key needs its passphrase.
  Result<SigningKey> load(std::optional<std::string_view> passphrase) const;

 private:
  std::filesystem::path dir_;
  std::string file_;
};

}  // namespace lockdiag::reports
