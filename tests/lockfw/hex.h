// Lower-case hex of a byte string: how the crypto tests compare against published vectors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

inline std::string hex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(d[p[i] >> 4]);
    s.push_back(d[p[i] & 15]);
  }
  return s;
}
