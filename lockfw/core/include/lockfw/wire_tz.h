// The service-port wire protocol, time-zone addition (docs/protocol.md, "Time zone").
// Included by wire.h; kept apart so the addition merges as one block.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lockfw/wire_framing.h"

namespace lockfw::wire {

inline constexpr uint8_t kCmdSetTimeZone = 0x54;  // session; request TimeZoneBlock, answer TimeZoneStatus (before)
inline constexpr uint8_t kCmdGetTimeZone = 0x55;  // session; answer TimeZoneStatus
inline constexpr uint32_t kFeatureTimeZone = 1u << 12;  // SET/GET_TIME_ZONE, schedules in zone wall time

inline constexpr size_t kTzNameBytes = 32;   // NUL-terminated IANA name
inline constexpr size_t kTzRuleBytes = 48;   // NUL-terminated POSIX TZ string
inline constexpr size_t kTzMaxTransitions = 16;

struct LOCKFW_PACKED TimeZoneTransition {
  uint32_t utc;          // instant of the change
  int16_t offset_min;    // total offset east of UTC after it, -900..900
  uint16_t reserved;
};
// A zone, bounded to one message: an empty name clears the zone (back to the fixed offset).
struct LOCKFW_PACKED TimeZoneBlock {
  char name[kTzNameBytes];
  char rule[kTzRuleBytes];
  int16_t initial_offset_min;  // in effect before table[0]
  uint8_t count;               // 0..16 transitions used, ascending by utc
  uint8_t reserved;
  TimeZoneTransition table[kTzMaxTransitions];
};
enum TimeZoneFlags : uint8_t { kTzHasZone = 1u << 0 };
struct LOCKFW_PACKED TimeZoneStatus {
  uint8_t flags;               // TimeZoneFlags; without kTzHasZone local time is UTC + fixed_offset_min
  uint8_t reserved;
  int16_t fixed_offset_min;    // SET_CLOCK's offset
  int32_t current_offset_s;    // offset in effect now (clock set) or 0
  TimeZoneBlock zone;          // all zero without a zone
};

static_assert(sizeof(TimeZoneTransition) == 8);
static_assert(sizeof(TimeZoneBlock) == 212);
static_assert(sizeof(TimeZoneStatus) == 220);

}  // namespace lockfw::wire
