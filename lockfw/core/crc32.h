// CRC-32 (IEEE 802.3, reflected 0xEDB88320), nibble table: small enough for any part.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace lockfw {

inline uint32_t crc32_update(uint32_t crc, const void* data, size_t n) {
  static constexpr uint32_t kNibble[16] = {0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4,
                                           0x4DB26158, 0x5005713C, 0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
                                           0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C};
  const uint8_t* p = static_cast<const uint8_t*>(data);
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    crc = (crc >> 4) ^ kNibble[crc & 0x0F];
    crc = (crc >> 4) ^ kNibble[crc & 0x0F];
  }
  return ~crc;
}
inline uint32_t crc32(const void* data, size_t n) { return crc32_update(0, data, n); }

}  // namespace lockfw
