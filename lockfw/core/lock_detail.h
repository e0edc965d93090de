// Small helpers shared by the lock's source files (constant-time compare, wiping, bounds).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lockfw::lock_detail {

inline void copy_padded(char* dst, size_t cap, const char* src) {
  size_t i = 0;
  for (; i < cap && src[i] != '\0'; ++i) dst[i] = src[i];
  for (; i < cap; ++i) dst[i] = '\0';
}

inline bool ct_equal(const uint8_t* a, const uint8_t* b, size_t n) {
  uint8_t diff = 0;
  for (size_t i = 0; i < n; ++i) diff = static_cast<uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

inline void wipe(void* p, size_t n) {
  volatile uint8_t* v = static_cast<volatile uint8_t*>(p);
  for (size_t i = 0; i < n; ++i) v[i] = 0;
}

inline bool is_zero(const uint8_t* p, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; ++i) acc = static_cast<uint8_t>(acc | p[i]);
  return acc == 0;
}

inline constexpr uint32_t kMinValidUtc = 1577836800u;  // 2020-01-01: anything earlier is a wrong clock
inline constexpr uint32_t kMaxValidUtc = 4102444799u;  // 2099-12-31 23:59:59: 2100 and later are refused (1.2)
inline constexpr uint8_t kMaxLockoutLevel = 15;

}  // namespace lockfw::lock_detail
