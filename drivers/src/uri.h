// Device URI parsing (private to drivers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lockdiag::drivers {

struct UsbAddress {
  uint16_t vid = 0, pid = 0;
  std::string serial;     // empty: any
  std::string port_path;  // "1-2.3" when addressed by topology
  bool by_port() const { return !port_path.empty(); }
};

inline std::optional<uint16_t> parse_hex16(const std::string& s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) {
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
    else return std::nullopt;
  }
  return static_cast<uint16_t>(v);
}

inline bool valid_port_path(const std::string& s) {
  // BUS-PORT[.PORT...]: digits, one '-', then digits separated by dots
  const auto dash = s.find('-');
  if (dash == 0 || dash == std::string::npos || dash + 1 == s.size()) return false;
  bool prev_digit = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      prev_digit = true;
      continue;
    }
    if ((c == '.' && i > dash) || (c == '-' && i == dash)) {
      if (!prev_digit) return false;
      prev_digit = false;
      continue;
    }
    return false;
  }
  return prev_digit;
}

// rest: what follows "hid:" or "usb:". Port paths only when allow_port.
inline std::optional<UsbAddress> parse_usb_address(const std::string& rest, bool allow_port) {
  UsbAddress a;
  if (allow_port && rest.find(':') == std::string::npos && valid_port_path(rest)) {
    a.port_path = rest;
    return a;
  }
  const auto c1 = rest.find(':');
  if (c1 == std::string::npos) return std::nullopt;
  const auto c2 = rest.find(':', c1 + 1);
  auto vid = parse_hex16(rest.substr(0, c1));
  auto pid = parse_hex16(rest.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1));
  if (!vid || !pid) return std::nullopt;
  a.vid = *vid;
  a.pid = *pid;
  if (c2 != std::string::npos) {
    a.serial = rest.substr(c2 + 1);
    if (a.serial.empty()) return std::nullopt;
  }
  return a;
}

inline std::string hex4(uint16_t v) {
  static const char* d = "0123456789abcdef";
  std::string s(4, '0');
  for (int i = 3; i >= 0; --i, v = static_cast<uint16_t>(v >> 4)) s[static_cast<size_t>(i)] = d[v & 15];
  return s;
}

inline std::string usb_uri(const char* scheme, uint16_t vid, uint16_t pid, const std::string& serial) {
  std::string u = std::string(scheme) + ":" + hex4(vid) + ":" + hex4(pid);
  if (!serial.empty()) u += ":" + serial;
  return u;
}

}  // namespace lockdiag::drivers
