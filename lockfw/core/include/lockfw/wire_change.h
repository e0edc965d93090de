// Who made each change, and policy/schedule old and new values (protocol 1.4, issue 11 item 7;
// docs/protocol.md 11, "Change source"). Included by wire.h.
//
// Encoded as extra events in the ordinary compact event format, so a host older than this
// addition decodes every page (it shows three unknown event types) and old logs, which have
// none of them, decode as before:
//   CHANGED_BY (31): right after a change event (CODE_ADDED/CHANGED/DELETED/ENABLED/DISABLED,
//     SCHEDULE_CHANGED, POLICY_CHANGED, CLOCK_SET), same time. slot = the keypad slot whose code
//     made it (reason 13 BY_KEYPAD), or the service session number, low 16 bits (reason 14
//     BY_SERVICE; GET_SESSION's session_id). Never a code value.
//   OLD_VALUE (32), NEW_VALUE (33): after CHANGED_BY of a POLICY_CHANGED or SCHEDULE_CHANGED,
//     in pairs; reason = the field (below), slot = the 16-bit value.
#pragma once

#include <cstdint>

namespace lockfw::wire {

inline constexpr uint8_t kEvChangedBy = 31;
inline constexpr uint8_t kEvOldValue = 32;
inline constexpr uint8_t kEvNewValue = 33;

inline constexpr uint8_t kReasonByKeypad = 13;
inline constexpr uint8_t kReasonByService = 14;

// Fields of OLD_VALUE / NEW_VALUE (the event's reason bits).
inline constexpr uint8_t kFieldWrongCodeLimit = 1;
inline constexpr uint8_t kFieldDoubling = 2;
inline constexpr uint8_t kFieldDisableS = 3;
inline constexpr uint8_t kFieldMaxDisableS = 4;
inline constexpr uint8_t kFieldDailyWrongCap = 5;
inline constexpr uint8_t kFieldLevelQuietH = 6;
inline constexpr uint8_t kFieldScheduleKind = 7;    // the slot's CodeKind
inline constexpr uint8_t kFieldScheduleWord0 = 8;   // 8..11: ScheduleBlock bytes 2k, 2k+1 (little-endian)
inline constexpr uint8_t kFieldScheduleWord3 = 11;

inline constexpr bool is_change_event(uint8_t type) {
  return (type >= 7 && type <= 12) || type == 20 || type == 25;  // CODE_* 7-11, SCHEDULE 12, CLOCK_SET, POLICY
}

}  // namespace lockfw::wire
