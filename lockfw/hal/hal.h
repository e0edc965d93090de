// The only way lockfw/core touches hardware. A port (host simulator, Cortex-M board)
// implements these; core never includes anything host-side.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace lockfw::hal {

// Milliseconds since boot; wraps after ~49 days, compare with unsigned subtraction.
class Ticks {
 public:
  virtual uint32_t now_ms() = 0;

 protected:
  ~Ticks() = default;
};

// The service port: one 64-byte IN report at a time. send() returns false when the
// endpoint is still busy; core keeps the report and tries again on the next poll.
class UsbPort {
 public:
  virtual bool send_report(const uint8_t* report64) = 0;

 protected:
  ~UsbPort() = default;
};

// Fills buf with n bytes from the part's true random source.
class Entropy {
 public:
  virtual void fill(uint8_t* buf, size_t n) = 0;

 protected:
  ~Entropy() = default;
};

}  // namespace lockfw::hal

namespace lockfw::hal {

// Battery voltage under a light load, in millivolts.
class Battery {
 public:
  virtual uint16_t millivolts() = 0;

 protected:
  ~Battery() = default;
};

}  // namespace lockfw::hal

namespace lockfw::hal {

// NOR flash as the part really has it: erase sets a whole block to 0xFF, program can only
// turn 1 bits into 0, and every block survives a limited number of erase cycles. A false
// return means the operation did not complete (power lost, worn out): core treats the
// block as suspect and never assumes the write happened.
class Flash {
 public:
  virtual uint32_t block_size() const = 0;
  virtual uint32_t block_count() const = 0;
  virtual bool read(uint32_t addr, uint8_t* buf, uint32_t n) = 0;
  virtual bool prog(uint32_t addr, const uint8_t* buf, uint32_t n) = 0;
  virtual bool erase(uint32_t block) = 0;

 protected:
  ~Flash() = default;
};

// Battery-backed real-time clock. After power loss it is "not set" and counts seconds from
// zero; set() makes it a UTC clock again. The part's crystal drifts; the port models that.
class Rtc {
 public:
  virtual bool is_set() = 0;
  virtual uint32_t now() = 0;  // UTC seconds when set, seconds since power-on otherwise
  virtual void set(uint32_t utc) = 0;

 protected:
  ~Rtc() = default;
};

// The motor that throws the bolt. unlock() drives it open for one entry (the mechanism
// relocks by itself); false when the motor could not be driven.
class Bolt {
 public:
  virtual bool unlock() = 0;

 protected:
  ~Bolt() = default;
};

// HMAC-SHA-256 and SHA-256. A port maps this onto its crypto engine or a library
// (host: libsodium; Cortex-M: the portable implementation in port/cortexm).
class Crypto {
 public:
  struct HmacState {
    alignas(8) uint8_t opaque[256];
  };
  virtual void hmac_init(HmacState& st, const uint8_t* key, size_t key_len) = 0;
  virtual void hmac_update(HmacState& st, const uint8_t* data, size_t n) = 0;
  virtual void hmac_final(HmacState& st, uint8_t out[32]) = 0;
  virtual void sha256(const uint8_t* data, size_t n, uint8_t out[32]) = 0;

 protected:
  ~Crypto() = default;
};

}  // namespace lockfw::hal

namespace lockfw::hal {

// Keys that must never sit in the storage journal: a flash dump of the
// journal alone then holds nothing to test code guesses against. Fixed ids, so a later
// issue can keep the device's Ed25519 signing key here too.
enum SecretId : uint8_t { kCodeHashKey = 0, kDeviceSigningKey = 1, kSecretIdCount = 2 };
inline constexpr size_t kSecretSize = 32;

// Host port: a 0600 file next to the state image; Cortex-M: a flash page read-protected
// under RDP level 2 (docs/firmware.md, "Secret store").
class SecretStore {
 public:
  // False: the secret is absent or unreadable (out is then undefined).
  virtual bool load(SecretId id, uint8_t out[kSecretSize]) = 0;
  // Replaces the secret (rotation); false when it could not be stored durably.
  virtual bool store(SecretId id, const uint8_t in[kSecretSize]) = 0;

 protected:
  ~SecretStore() = default;
};

}  // namespace lockfw::hal
