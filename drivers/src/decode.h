// Decoding wire layouts into host values (private to drivers).
#pragma once

#include <cstdio>
#include <cstring>
#include <span>
#include <string>

#include "lockdiag/drivers/error.h"
#include "lockdiag/drivers/types.h"
#include "lockfw/wire.h"

namespace lockdiag::drivers {

// A payload shorter than the layout is a protocol error; a longer one comes from a newer
// minor version that appended fields, and the known prefix is used.
template <typename T>
Result<T> decode(std::span<const uint8_t> payload, const char* what) {
  if (payload.size() < sizeof(T))
    return fail(ErrorKind::kProtocol, std::string(what) + " answer is " + std::to_string(payload.size()) +
                                          " bytes, expected at least " + std::to_string(sizeof(T)));
  T out;
  std::memcpy(&out, payload.data(), sizeof(T));
  return out;
}

inline std::string fixed_string(const char* p, size_t cap) {
  size_t n = 0;
  while (n < cap && p[n] != '\0') ++n;
  std::string s(p, n);
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) c = '?';
  return s;
}

inline std::string hex8(uint8_t v) {
  char b[3];
  std::snprintf(b, sizeof b, "%02X", v);
  return b;
}

inline SessionState to_session_state(uint8_t s) {
  return s == lockfw::wire::kSessionOpen      ? SessionState::kOpen
         : s == lockfw::wire::kSessionFactory ? SessionState::kFactory
                                              : SessionState::kNone;
}

}  // namespace lockdiag::drivers
