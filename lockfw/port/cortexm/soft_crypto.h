// Portable SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104) for parts without a crypto
// engine. Freestanding, no tables in RAM. Checked against the FIPS 180 / RFC 4231 vectors
// and against libsodium in tests/lockfw/test_crypto.cpp.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hal/hal.h"

namespace lockfw::soft {

struct Sha256 {
  uint32_t h[8];
  uint64_t bytes;
  uint8_t buf[64];
  uint32_t fill;
  void init();
  void update(const uint8_t* data, size_t n);
  void final(uint8_t out[32]);
};

struct HmacSha256 {
  Sha256 inner;
  Sha256 outer;
  void init(const uint8_t* key, size_t key_len);
  void update(const uint8_t* data, size_t n) { inner.update(data, n); }
  void final(uint8_t out[32]);
};

class SoftCrypto final : public hal::Crypto {
 public:
  void hmac_init(HmacState& st, const uint8_t* key, size_t key_len) override;
  void hmac_update(HmacState& st, const uint8_t* data, size_t n) override;
  void hmac_final(HmacState& st, uint8_t out[32]) override;
  void sha256(const uint8_t* data, size_t n, uint8_t out[32]) override;
};

}  // namespace lockfw::soft
