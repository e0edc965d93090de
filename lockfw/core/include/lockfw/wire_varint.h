// The service-port wire protocol, varints: zigzag and LEB128, the building blocks of the
// compact encodings (events, 1.1 slot records). Included by wire.h.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace lockfw::wire {

// ---- Varints: the building blocks of the compact encodings (events, 1.1 slot records) ---
// Shared so both sides agree to the bit.
inline constexpr uint32_t zigzag_encode(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline constexpr int64_t zigzag_decode(uint32_t z) {
  return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
}
// Unsigned LEB128; returns the bytes written (1 to 5).
inline size_t put_leb128(uint8_t* p, uint32_t v) {
  size_t n = 0;
  do {
    uint8_t b = static_cast<uint8_t>(v & 0x7F);
    v >>= 7;
    if (v) b = static_cast<uint8_t>(b | 0x80);
    p[n++] = b;
  } while (v);
  return n;
}
// Reads what put_leb128 wrote; false when it is cut short by `end` or does not fit 32 bits.
inline bool read_leb128(const uint8_t*& p, const uint8_t* end, uint32_t& out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (p >= end) return false;
    const uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7Fu) << shift;
    if (!(b & 0x80)) {
      if (v > 0xFFFFFFFFu) return false;
      out = static_cast<uint32_t>(v);
      return true;
    }
  }
  return false;
}

}  // namespace lockfw::wire
