// SHA-512 (FIPS 180-4) for the firmware's Ed25519. Freestanding: no heap, fixed state,
// streaming so a message never needs a buffer of its own.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace lockfw::crypto {

struct Sha512 {
  uint64_t h[8];
  uint64_t bytes;  // message length so far (messages under 2^64 bytes)
  uint8_t buf[128];
  uint32_t fill;
  void init();
  void update(const uint8_t* data, size_t n);
  void final(uint8_t out[64]);
};

void sha512(const uint8_t* data, size_t n, uint8_t out[64]);

}  // namespace lockfw::crypto
