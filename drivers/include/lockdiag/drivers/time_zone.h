// The lock's time zone as the laptop sees it (SET/GET_TIME_ZONE; docs/protocol.md, "Time zone").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockdiag::drivers {

inline constexpr uint32_t kFeatureTimeZoneBit = 1u << 12;  // Capabilities::features
inline constexpr std::size_t kLockZoneMaxChanges = 16;

struct LockZoneChange {
  uint32_t utc = 0;
  int offset_min = 0;  // total offset east of UTC after the change
};

struct LockTimeZone {
  bool has_zone = false;        // false: local time is UTC + fixed_offset_min
  int fixed_offset_min = 0;     // SET_CLOCK's offset
  int32_t current_offset_s = 0; // in effect now on the lock (0 while its clock is not set)
  std::string name;             // IANA name
  std::string rule;             // POSIX TZ string
  int initial_offset_min = 0;
  std::vector<LockZoneChange> changes;
};

}  // namespace lockdiag::drivers
