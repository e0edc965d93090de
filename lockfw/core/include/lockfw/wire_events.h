// The service-port wire protocol, events: event types, reasons and READ_EVENTS pages with
// their compact event encoding. Included by wire.h.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lockfw/wire_framing.h"
#include "lockfw/wire_varint.h"

namespace lockfw::wire {

// ---- Events --------------------------------------------------------------------------------
enum EventType : uint8_t {
  kEvUnlockCode = 1,
  kEvWrongCode = 2,
  kEvRejected = 3,          // a known code refused; reason says why
  kEvLockoutStart = 4,
  kEvLockoutEnd = 5,
  kEvKeyOverride = 6,       // mechanical key
  kEvCodeAdded = 7,
  kEvCodeChanged = 8,
  kEvCodeDeleted = 9,
  kEvCodeEnabled = 10,
  kEvCodeDisabled = 11,
  kEvScheduleChanged = 12,
  kEvEnrollStarted = 13,
  kEvEnrollCommitted = 14,
  kEvEnrollAborted = 15,
  kEvFactoryReset = 16,
  kEvSessionOpened = 17,
  kEvSessionClosed = 18,
  kEvSessionTimeout = 19,
  kEvClockSet = 20,
  kEvBatteryLow = 21,
  kEvBatteryCritical = 22,
  kEvTamper = 23,
  kEvPowerOn = 24,
  kEvPolicyChanged = 25,
  kEvConfirmRequested = 26,
  kEvConfirmDenied = 27,
  kEvConfirmTimeout = 28,
  kEvBatteryOk = 29,
  // 1.2
  kEvDailyCapReached = 30,  // the rolling-24 h wrong-entry cap was reached: admin code only
};
inline constexpr uint8_t kEventTypeMax = 63;

enum Reason : uint8_t {
  kReasonNone = 0,
  // why a known code was refused (kEvRejected)
  kReasonDisabled = 1,
  kReasonOutsideSchedule = 2,
  kReasonExpired = 3,
  kReasonClockNotSet = 4,
  kReasonLockedOut = 5,
  kReasonBatteryCritical = 6,
  kReasonNotYetValid = 7,
  kReasonFactoryState = 8,
  kReasonDailyCap = 9,          // 1.2: the daily wrong-entry cap is reached; only the admin code works
  // why an enrollment was aborted (kEvEnrollAborted, SessionResponse.enroll_reason)
  kReasonMismatch = 16,
  kReasonTimeout = 17,
  kReasonDuplicate = 18,
  kReasonBadLength = 19,
  kReasonHostCancelled = 20,
  kReasonKeypadCancelled = 21,
  kReasonPowerLost = 22,
  kReasonSessionEnded = 23,
  kReasonStorage = 24,
  kReasonSameCode = 25,  // the new code equals the slot's current one (a rotation changed nothing)
  // factory reset variants (kEvFactoryReset)
  kReasonResetKeepLog = 32,
  kReasonResetFullWipe = 33,
  // confirmation actions (kEvConfirm*)
  kReasonActionDelete = 40,
  kReasonActionReset = 41,
};
inline constexpr uint8_t kReasonMask = 0x3F;

struct LOCKFW_PACKED ReadEventsRequest {
  uint32_t from_seq;
  uint16_t max_bytes;  // 0: device's max_response
  uint16_t max_count;  // 0: no limit
};
enum ReadEventsFlags : uint16_t {
  kEventsMore = 1u << 0,       // more events after this page
  kEventsTruncated = 1u << 1,  // from_seq was older than the oldest kept event
};
struct LOCKFW_PACKED ReadEventsResponseHead {
  uint32_t first_seq;  // sequence number of the first event in the page
  uint16_t count;
  uint16_t flags;      // ReadEventsFlags
  uint32_t base_time;  // timestamp the first event's delta is relative to
  uint32_t head_seq;   // sequence number the next event will get
};
// Event encoding in a page (compact, sequence numbers implicit and consecutive):
//   byte 0: type (bits 0-5) | kEvHasSlot (bit 6) | kEvHasExtra (bit 7)
//   zigzag LEB128 of (timestamp - previous timestamp); the first is relative to base_time
//   if kEvHasSlot: LEB128 slot index
//   if kEvHasExtra: one byte: reason (bits 0-5) | kExtraClockNotSet (bit 6)
inline constexpr uint8_t kEvHasSlot = 1u << 6;
inline constexpr uint8_t kEvHasExtra = 1u << 7;
inline constexpr uint8_t kExtraClockNotSet = 1u << 6;
inline constexpr size_t kMaxEncodedEvent = 1 + 5 + 3 + 1;

}  // namespace lockfw::wire
