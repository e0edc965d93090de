// The service-port wire protocol, messages: command numbers, error codes and the request and
// response layouts of every command, with their asserted sizes. Included by wire.h.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lockfw/wire_events.h"
#include "lockfw/wire_framing.h"
#include "lockfw/wire_slots.h"

namespace lockfw::wire {

// ---- Commands ------------------------------------------------------------------------------
enum Command : uint8_t {
  // Framing layer
  kCmdPing = 0x01,            // echo; open
  kCmdInit = 0x06,            // channel allocation / resync; open
  kCmdCancel = 0x11,          // drop the partial message on this channel; no response
  kCmdKeepalive = 0x3B,       // device -> host only
  kCmdError = 0x3F,           // device -> host only; payload ErrorResponse
  // Service layer
  kCmdGetIdentity = 0x40,     // open
  kCmdGetStatus = 0x41,       // open; clock/lockout/log fields withheld without a session
  kCmdGetCapabilities = 0x42, // open
  kCmdGetSession = 0x43,      // open: how the laptop learns a session was opened at the lock
  kCmdCloseSession = 0x44,    // session
  kCmdReadSlots = 0x45,       // session; paged
  kCmdReadEvents = 0x46,      // session; paged from a sequence number
  kCmdGetFingerprint = 0x47,  // session
  kCmdSetClock = 0x48,        // session
  kCmdOpenEnrollment = 0x49,  // session (factory state: admin role only)
  kCmdAbortEnrollment = 0x4A, // session
  kCmdDeleteSlot = 0x4B,      // session + keypad confirmation
  kCmdSetSlotEnabled = 0x4C,  // session
  kCmdSetSchedule = 0x4D,     // session
  kCmdSetLockoutPolicy = 0x4E,// session
  kCmdFactoryReset = 0x4F,    // session + keypad confirmation
  kCmdGetLockoutPolicy = 0x50,// session
  kCmdCancelConfirmation = 0x51, // session
};

// ---- Errors (ErrorResponse.code) -----------------------------------------------------------
enum ErrorCode : uint8_t {
  kErrNone = 0x00,
  // framing
  kErrInvalidCommand = 0x01,
  kErrInvalidParameter = 0x02,
  kErrInvalidLength = 0x03,
  kErrInvalidSequence = 0x04,
  kErrMessageTimeout = 0x05,
  kErrChannelBusy = 0x06,
  kErrInvalidChannel = 0x0B,
  // service
  kErrSessionRequired = 0x20,
  kErrFactoryAdminOnly = 0x21,
  kErrSlotOutOfRange = 0x22,
  kErrSlotEmpty = 0x23,
  kErrInvalidRole = 0x24,
  kErrInvalidKind = 0x25,
  kErrInvalidSchedule = 0x26,
  kErrAdminLimit = 0x27,
  kErrEnrollmentActive = 0x28,
  kErrNoEnrollment = 0x29,
  kErrConfirmationPending = 0x2A,
  kErrClockNotSet = 0x2B,
  kErrBatteryCritical = 0x2C,
  kErrStorageFailure = 0x2D,
  kErrInvalidPolicy = 0x2E,
  kErrInvalidTime = 0x2F,
  kErrLastAdmin = 0x30,
  kErrKeypadBusy = 0x31,
  kErrNoConfirmation = 0x32,
};

struct LOCKFW_PACKED ErrorResponse {
  uint8_t code;
  uint8_t reserved;
  uint16_t detail;  // e.g. the offending slot index, or 0
};

// ---- INIT ----------------------------------------------------------------------------------
struct LOCKFW_PACKED InitRequest {
  uint8_t nonce[8];
};
struct LOCKFW_PACKED InitResponse {
  uint8_t nonce[8];
  uint32_t cid;
  uint8_t protocol_major;
  uint8_t protocol_minor;
  uint16_t max_request;   // longest request message the device accepts
  uint16_t max_response;  // longest response the device sends (page size bound)
  uint16_t reserved;
};

// ---- Identity ------------------------------------------------------------------------------
struct LOCKFW_PACKED IdentityResponse {
  uint8_t protocol_major;
  uint8_t protocol_minor;
  uint8_t fw_major;
  uint8_t fw_minor;
  uint16_t fw_patch;
  char model[24];   // NUL-padded ASCII
  char serial[16];  // NUL-padded ASCII
  uint16_t slot_count;
  uint16_t hw_revision;
  uint32_t event_capacity;
};

// ---- Status --------------------------------------------------------------------------------
enum StatusFlags : uint8_t {
  kStatusClockSet = 1u << 0,
  kStatusWithheld = 1u << 1,  // no session: clock, lockout and log fields are zero
  kStatusFactoryState = 1u << 2,
  kStatusLockedOut = 1u << 3,
  kStatusTamper = 1u << 4,
  kStatusEnrollmentActive = 1u << 5,
  kStatusConfirmationPending = 1u << 6,
};
enum BatteryState : uint8_t { kBatteryOk = 0, kBatteryLow = 1, kBatteryCritical = 2 };
enum SessionState : uint8_t { kSessionNone = 0, kSessionOpen = 1, kSessionFactory = 2 };

struct LOCKFW_PACKED StatusResponse {
  uint8_t flags;            // StatusFlags
  uint8_t battery_state;    // BatteryState
  uint16_t battery_mv;
  uint8_t session_state;    // SessionState
  uint8_t lockout_level;    // consecutive lockouts (disable time doubles per level)
  uint16_t lockout_remaining_s;
  uint32_t clock_utc;       // lock's RTC, seconds since 1970 UTC (0 when not set or withheld)
  int16_t utc_offset_min;   // local time = utc + offset (schedules are local)
  uint8_t wrong_attempts;   // wrong codes since the last success
  uint8_t reserved;
  uint32_t uptime_s;
  uint32_t event_head_seq;  // sequence number the next event will get
  uint32_t event_count;     // events currently stored
};

// ---- Capabilities --------------------------------------------------------------------------
enum FeatureFlags : uint32_t {
  kFeatureRtc = 1u << 0,
  kFeatureWeekdaySchedules = 1u << 1,
  kFeatureDateRangeSchedules = 1u << 2,
  kFeatureExpiring = 1u << 3,
  kFeatureExpireAfterFirstUse = 1u << 4,
  kFeatureFullWipe = 1u << 5,
  kFeatureRetainsCodesOnReset = 1u << 6,  // the less common product: codes survive reset
  kFeatureBatterySense = 1u << 7,
  kFeatureTamperSensor = 1u << 8,
  kFeatureMechanicalKey = 1u << 9,
};

struct LOCKFW_PACKED CapabilitiesResponse {
  uint16_t slot_count;
  uint8_t min_code_len;
  uint8_t max_code_len;
  uint32_t event_capacity;
  uint32_t features;           // FeatureFlags
  uint8_t max_admins;          // 0: no limit
  uint8_t min_wrong_limit;     // lockout policy bounds
  uint8_t max_wrong_limit;
  uint8_t reserved;
  uint16_t min_disable_s;
  uint16_t max_disable_s;
  uint16_t session_timeout_s;
  uint16_t confirmation_timeout_s;
  uint16_t enrollment_timeout_s;
  uint16_t max_response;
};

// ---- Session -------------------------------------------------------------------------------
enum SessionOpenedBy : uint8_t { kOpenedByNone = 0, kOpenedByAdminKeypad = 1, kOpenedByFactoryState = 2 };
enum EnrollState : uint8_t {
  kEnrollIdle = 0,
  kEnrollWaitFirst = 1,   // lock waits for the first entry of the new code
  kEnrollWaitSecond = 2,  // lock waits for the repeat
  kEnrollCommitted = 3,
  kEnrollAborted = 4,     // enroll_reason says why; the slot is as it was
};
enum ConfirmState : uint8_t {
  kConfirmNone = 0,
  kConfirmWaiting = 1,    // the lock asks for the admin code + '#' at the keypad
  kConfirmDone = 2,       // confirmed and carried out
  kConfirmDenied = 3,     // wrong code or '*' at the keypad
  kConfirmTimedOut = 4,
  kConfirmFailed = 5,     // confirmed but could not be carried out (storage)
  kConfirmCancelled = 6,  // cancelled by the host
};
enum ConfirmAction : uint8_t { kActionNone = 0, kActionDeleteSlot = 1, kActionFactoryReset = 2 };

struct LOCKFW_PACKED SessionResponse {
  uint8_t state;           // SessionState
  uint8_t opened_by;       // SessionOpenedBy
  uint16_t opened_by_slot; // admin slot that opened it, 0xFFFF if none
  uint32_t session_id;     // increments on every open: tells the host a session is new
  uint16_t remaining_s;    // until the idle timeout
  uint8_t enroll_state;    // EnrollState (last enrollment of this session)
  uint8_t enroll_reason;   // Reason when aborted
  uint16_t enroll_slot;
  uint8_t confirm_state;   // ConfirmState (last confirmation of this session)
  uint8_t confirm_action;  // ConfirmAction
  uint16_t confirm_ticket;
  uint16_t confirm_arg;    // slot for delete; flags for reset
};

// ---- Fingerprint ---------------------------------------------------------------------------
inline constexpr uint8_t kFingerprintHmacSha256 = 1;
struct LOCKFW_PACKED FingerprintResponse {
  uint8_t algorithm;
  uint8_t reserved;
  uint16_t occupied_count;
  uint32_t secret_epoch;  // increments when the device secret rotates (factory reset)
  uint8_t digest[32];
};

// ---- Clock ---------------------------------------------------------------------------------
struct LOCKFW_PACKED SetClockRequest {
  uint32_t utc;
  int16_t utc_offset_min;
  uint16_t reserved;
};
struct LOCKFW_PACKED SetClockResponse {
  uint32_t previous_utc;  // what the lock believed just before (0 if not set)
  uint8_t was_set;
  uint8_t reserved[3];
};

// ---- Enrollment and slot changes -----------------------------------------------------------
struct LOCKFW_PACKED OpenEnrollmentRequest {
  uint16_t slot;
  uint8_t role;
  uint8_t kind;
  ScheduleBlock schedule;
};
struct LOCKFW_PACKED SlotRequest {
  uint16_t slot;
  uint16_t reserved;
};
struct LOCKFW_PACKED SetSlotEnabledRequest {
  uint16_t slot;
  uint8_t enabled;
  uint8_t reserved;
};
struct LOCKFW_PACKED SetScheduleRequest {
  uint16_t slot;
  uint8_t kind;
  uint8_t reserved;
  ScheduleBlock schedule;
};

// ---- Lockout policy ------------------------------------------------------------------------
struct LOCKFW_PACKED LockoutPolicy {
  uint8_t wrong_code_limit;  // 1..255 tries
  uint8_t doubling;          // 1: disable time doubles on each repeated lockout
  uint16_t disable_s;        // base temporary disable time
  uint16_t max_disable_s;    // ceiling for doubling
  uint16_t reserved;
  // 1.2: appended. A 1.1 host sends and reads only the 8 bytes above (kLockoutPolicyV11Size);
  // SET_LOCKOUT_POLICY without them, or with 0 in one, keeps the lock's current value.
  uint8_t daily_wrong_cap = 0;  // wrong entries per rolling 24 h, then only the admin code works (1..200)
  uint8_t level_quiet_h = 0;    // lockout level decays to 0 after this many quiet hours (1..24)
  uint16_t reserved2 = 0;
};
inline constexpr size_t kLockoutPolicyV11Size = 8;
inline constexpr uint8_t kDefaultDailyWrongCap = 20;
inline constexpr uint8_t kMaxDailyWrongCap = 200;
inline constexpr uint8_t kDefaultLevelQuietH = 24;
inline constexpr uint8_t kMaxLevelQuietH = 24;

// ---- Destructive commands: two-phase ------------------------------------------------------
enum ResetFlags : uint8_t { kResetFullWipe = 1u << 0 };
struct LOCKFW_PACKED FactoryResetRequest {
  uint8_t flags;  // ResetFlags
  uint8_t reserved[3];
};
// Answer to DELETE_SLOT and FACTORY_RESET: the action waits for the keypad. Watch
// GET_SESSION (confirm_ticket / confirm_state) for the outcome.
struct LOCKFW_PACKED PendingConfirmation {
  uint16_t ticket;
  uint16_t timeout_s;
};

// ---- Sizes are part of the protocol --------------------------------------------------------
static_assert(sizeof(ErrorResponse) == 4);
static_assert(sizeof(InitRequest) == 8);
static_assert(sizeof(InitResponse) == 20);
static_assert(sizeof(IdentityResponse) == 54);
static_assert(sizeof(StatusResponse) == 28);
static_assert(sizeof(CapabilitiesResponse) == 28);
static_assert(sizeof(SessionResponse) == 20);
static_assert(sizeof(ScheduleBlock) == 8 && sizeof(ScheduleUntil) == 8 && sizeof(ScheduleFirstUse) == 8 &&
              sizeof(ScheduleWeekday) == 8 && sizeof(ScheduleDateRange) == 8);
static_assert(sizeof(SlotRecordHead) == 16);
static_assert(sizeof(ReadSlotsRequest) == 6);
static_assert(sizeof(ReadSlotsResponseHead) == 6);
static_assert(sizeof(ReadEventsRequest) == 8);
static_assert(sizeof(ReadEventsResponseHead) == 16);
static_assert(sizeof(FingerprintResponse) == 40);
static_assert(sizeof(SetClockRequest) == 8);
static_assert(sizeof(SetClockResponse) == 8);
static_assert(sizeof(OpenEnrollmentRequest) == 12);
static_assert(sizeof(SlotRequest) == 4);
static_assert(sizeof(SetSlotEnabledRequest) == 4);
static_assert(sizeof(SetScheduleRequest) == 12);
static_assert(sizeof(LockoutPolicy) == 12);
static_assert(sizeof(FactoryResetRequest) == 4);
static_assert(sizeof(PendingConfirmation) == 4);

// Commands that need an open service session (kErrSessionRequired otherwise).
inline constexpr bool needs_session(uint8_t cmd) {
  switch (cmd) {
    case kCmdPing:
    case kCmdInit:
    case kCmdCancel:
    case kCmdGetIdentity:
    case kCmdGetStatus:
    case kCmdGetCapabilities:
    case kCmdGetSession:
    case 0x52:  // kCmdArmSession (1.4, wire_session.h)
      return false;
    default: return true;
  }
}
// Commands the lock carries out only after a second confirmation on its keypad.
inline constexpr bool needs_keypad_confirmation(uint8_t cmd) {
  return cmd == kCmdDeleteSlot || cmd == kCmdFactoryReset;
}

}  // namespace lockfw::wire
