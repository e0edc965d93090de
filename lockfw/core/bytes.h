// Little-endian field access without alignment assumptions (freestanding).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace lockfw {

inline uint16_t load_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
inline uint32_t load_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}
inline void store_u16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
inline void store_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void copy_bytes(void* dst, const void* src, size_t n) {
  if (n != 0) __builtin_memcpy(dst, src, n);  // memcpy with a null pointer is UB even for 0 bytes
}
inline void zero_bytes(void* dst, size_t n) { __builtin_memset(dst, 0, n); }

// Copies a packed wire struct out of a payload; false if the payload is too short.
template <typename T>
bool read_struct(const uint8_t* payload, size_t length, T& out) {
  if (length < sizeof(T)) return false;
  copy_bytes(&out, payload, sizeof(T));
  return true;
}

}  // namespace lockfw
