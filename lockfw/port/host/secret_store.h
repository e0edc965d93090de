// The host port's hal::SecretStore: the lock's keys kept apart from the
// flash image, so a copy of the --state file alone gives an attacker nothing to test code
// guesses against.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "hal/hal.h"

namespace lockfw::host {

// In memory: the default of VirtualLock (tests, in-process locks). Survives power_cycle().
class RamSecretStore final : public hal::SecretStore {
 public:
  bool load(hal::SecretId id, uint8_t out[hal::kSecretSize]) override;
  bool store(hal::SecretId id, const uint8_t in[hal::kSecretSize]) override;
  bool fail_stores = false;  // tests: a store that cannot write
 private:
  std::array<std::array<uint8_t, hal::kSecretSize>, hal::kSecretIdCount> keys_{};
  std::array<bool, hal::kSecretIdCount> have_{};
};

// lockfw-sim: the file STATE.secret next to the state image, mode 0600, written whole to a
// temporary file and renamed over. A file at that path that is not a secret file is never
// overwritten (store() fails and the lock says so).
class FileSecretStore final : public hal::SecretStore {
 public:
  explicit FileSecretStore(std::string path) : path_(std::move(path)) {}
  static std::string path_for(const std::string& state_path) { return state_path + ".secret"; }
  bool load(hal::SecretId id, uint8_t out[hal::kSecretSize]) override;
  bool store(hal::SecretId id, const uint8_t in[hal::kSecretSize]) override;
  const std::string& path() const { return path_; }
  bool exists() const;

 private:
  static constexpr size_t kRecord = 1 + hal::kSecretSize;  // present flag + key
  static constexpr size_t kFileSize = 8 + hal::kSecretIdCount * kRecord;
  enum class Read { kOk, kMissing, kForeign };
  Read read_all(uint8_t* buf) const;
  std::string path_;
};

}  // namespace lockfw::host
