// Host-side views of the lock's answers: decoded from the wire layouts, never a code value.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lockdiag::drivers {

struct Identity {
  int protocol_major = 0;
  int protocol_minor = 0;
  std::string firmware;  // "1.0.0"
  std::string model;
  std::string serial;
  int hw_revision = 0;
  int slot_count = 0;
  uint32_t event_capacity = 0;
};

enum class BatteryState { kOk, kLow, kCritical };
enum class SessionState { kNone, kOpen, kFactory };

struct Status {
  bool withheld = true;  // no session: clock, lockout and log fields are not reported
  bool clock_set = false;
  bool factory_state = false;
  bool locked_out = false;
  bool tamper = false;
  bool enrollment_active = false;
  bool confirmation_pending = false;
  BatteryState battery_state = BatteryState::kOk;
  int battery_mv = 0;
  SessionState session = SessionState::kNone;
  int lockout_level = 0;
  int lockout_remaining_s = 0;
  uint32_t clock_utc = 0;
  int utc_offset_min = 0;
  int wrong_attempts = 0;
  uint32_t uptime_s = 0;
  uint32_t event_head_seq = 0;
  uint32_t event_count = 0;
};

struct Capabilities {
  int slot_count = 0;
  int min_code_len = 0;
  int max_code_len = 0;
  uint32_t event_capacity = 0;
  uint32_t features = 0;  // wire::FeatureFlags
  int max_admins = 0;
  int min_wrong_limit = 0, max_wrong_limit = 0;
  int min_disable_s = 0, max_disable_s = 0;
  int session_timeout_s = 0;
  int confirmation_timeout_s = 0;
  int enrollment_timeout_s = 0;
  int max_response = 0;
};

// What the lock logs, typed. The numbers are the wire's (lockfw/wire_events.h, wire_change.h,
// wire_session.h); drivers/src/vocabulary.cpp checks every member against them when it compiles.
// A lock newer than this host may log a type or reason not listed here: it keeps its number and
// its name is "unknown".
enum class EventType : uint8_t {
  kUnlockCode = 1,
  kWrongCode = 2,
  kRejected = 3,
  kLockoutStart = 4,
  kLockoutEnd = 5,
  kKeyOverride = 6,
  kCodeAdded = 7,
  kCodeChanged = 8,
  kCodeDeleted = 9,
  kCodeEnabled = 10,
  kCodeDisabled = 11,
  kScheduleChanged = 12,
  kEnrollStarted = 13,
  kEnrollCommitted = 14,
  kEnrollAborted = 15,
  kFactoryReset = 16,
  kSessionOpened = 17,
  kSessionClosed = 18,
  kSessionTimeout = 19,
  kClockSet = 20,
  kBatteryLow = 21,
  kBatteryCritical = 22,
  kTamper = 23,
  kPowerOn = 24,
  kPolicyChanged = 25,
  kConfirmRequested = 26,
  kConfirmDenied = 27,
  kConfirmTimeout = 28,
  kBatteryOk = 29,
  kDailyCapReached = 30,
  kChangedBy = 31,
  kOldValue = 32,
  kNewValue = 33,
};
enum class Reason : uint8_t {
  kNone = 0,
  kDisabled = 1,
  kOutsideSchedule = 2,
  kExpired = 3,
  kClockNotSet = 4,
  kLockedOut = 5,
  kBatteryCritical = 6,
  kNotYetValid = 7,
  kFactoryState = 8,
  kDailyCap = 9,
  kNotArmed = 10,
  kChannelRecycled = 11,
  kSessionMoved = 12,
  kByKeypad = 13,
  kByService = 14,
  kMismatch = 16,
  kTimeout = 17,
  kDuplicate = 18,
  kBadLength = 19,
  kHostCancelled = 20,
  kKeypadCancelled = 21,
  kPowerLost = 22,
  kSessionEnded = 23,
  kStorage = 24,
  kSameCode = 25,
  kResetKeepLog = 32,
  kResetFullWipe = 33,
  kActionDelete = 40,
  kActionReset = 41,
};

// Where an enrollment and a keypad confirmation stand (GET_SESSION). Numbers checked against the
// wire's in drivers/src/vocabulary.cpp, like EventType.
enum class EnrollState : uint8_t { kIdle = 0, kWaitFirst = 1, kWaitSecond = 2, kCommitted = 3, kAborted = 4 };
enum class ConfirmState : uint8_t {
  kNone = 0,
  kWaiting = 1,    // the lock asks for the admin code + '#' at the keypad
  kDone = 2,       // confirmed and carried out
  kDenied = 3,     // wrong code or '*' at the keypad
  kTimedOut = 4,
  kFailed = 5,     // confirmed but could not be carried out (storage)
  kCancelled = 6,  // cancelled by the host
};

struct SessionInfo {
  SessionState state = SessionState::kNone;
  int opened_by = 0;        // wire::SessionOpenedBy
  int opened_by_slot = -1;
  uint32_t session_id = 0;
  int remaining_s = 0;
  EnrollState enroll_state = EnrollState::kIdle;
  Reason enroll_reason = Reason::kNone;
  int enroll_slot = -1;
  ConfirmState confirm_state = ConfirmState::kNone;
  int confirm_action = 0;   // wire::ConfirmAction
  int confirm_ticket = 0;
  int confirm_arg = 0;
};

// ARM_SESSION (protocol 1.4): the session the admin opens at the keypad is for this channel.
struct ArmResult {
  bool lock_binds = false;     // false: a lock older than 1.4; its session is the whole lock's, nothing armed
  bool already_open = false;   // this channel holds the open session already
  int timeout_s = 0;           // the arm lapses after this long without "code * 0 #"
};

// ---- Slots ---------------------------------------------------------------------------------
enum class Role : uint8_t { kAdmin = 0, kUser = 1, kGuest = 2, kService = 3 };
enum class CodeKind : uint8_t {
  kPersistent = 0,
  kTemporaryUntil = 1,     // valid until end_time
  kTemporaryFirstUse = 2,  // valid for first_use_minutes after first use
  kWeekday = 3,            // days_mask + local start/end minute of day
  kDateRange = 4,          // local start_time .. end_time
};

// When a code is valid; which fields count depends on kind (docs/protocol.md, "Schedules").
struct Schedule {
  CodeKind kind = CodeKind::kPersistent;
  uint32_t start_time = 0;         // kDateRange
  uint32_t end_time = 0;           // kTemporaryUntil, kDateRange
  uint16_t first_use_minutes = 0;  // kTemporaryFirstUse (1..2880)
  uint32_t first_used_at = 0;      // kTemporaryFirstUse, read back only
  uint8_t days_mask = 0;           // kWeekday: bit 0 Sunday .. bit 6 Saturday
  uint16_t start_minute = 0;       // kWeekday: local minute of day
  uint16_t end_minute = 0;
  bool operator==(const Schedule&) const = default;
};

// One occupied slot. Never a code value: the lock does not have one to give.
struct SlotRecord {
  int index = 0;
  bool enabled = false;
  bool expired = false;
  bool first_use_started = false;
  bool retained_across_reset = false;
  Role role = Role::kUser;
  CodeKind kind = CodeKind::kPersistent;
  uint32_t created = 0;    // lock time, 0 if unknown
  uint32_t last_used = 0;  // 0: never
  int use_count = 0;
  Schedule schedule;       // kind == schedule.kind
  bool operator==(const SlotRecord&) const = default;
};

// ---- Events --------------------------------------------------------------------------------
struct Event {
  uint32_t seq = 0;
  uint32_t time = 0;  // lock time (UTC seconds; 0-based uptime when the clock was not set)
  EventType type{};
  std::optional<uint16_t> slot;
  Reason reason = Reason::kNone;  // OLD_VALUE/NEW_VALUE records carry a field number here
  bool clock_not_set = false;
  bool operator==(const Event&) const = default;
};

// One READ_EVENTS answer, decoded.
struct EventPage {
  uint32_t first_seq = 0;
  uint32_t next_seq = 0;   // first_seq + events.size(): where the next page starts
  uint32_t head_seq = 0;   // the sequence number the lock's next event will get
  bool more = false;
  bool truncated = false;  // the asked-for start was older than the oldest kept event
  std::vector<Event> events;
  size_t encoded_bytes = 0;  // bytes of compact event encoding in the page
};

// A whole read of the log from a sequence number up to the lock's head.
struct EventBatch {
  uint32_t from_seq = 0;   // what was asked for
  uint32_t first_seq = 0;  // first event returned (> from_seq when the log had wrapped)
  uint32_t next_seq = 0;   // resume a later read from here
  uint32_t head_seq = 0;
  bool truncated = false;
  std::vector<Event> events;
  int pages = 0;
  int reconnects = 0;
  size_t encoded_bytes = 0;
};

// ---- Other answers -------------------------------------------------------------------------
struct Fingerprint {
  int algorithm = 0;  // wire::kFingerprintHmacSha256
  int occupied_count = 0;
  uint32_t secret_epoch = 0;
  std::array<uint8_t, 32> digest{};
  std::string hex() const;
};

struct ClockChange {
  uint32_t previous_utc = 0;  // what the lock believed just before (0 if not set)
  bool was_set = false;
};

// DELETE_SLOT and FACTORY_RESET wait for the admin code at the keypad; watch session().
struct PendingConfirmation {
  int ticket = 0;
  int timeout_s = 0;
};

struct LockoutPolicy {
  int wrong_code_limit = 5;
  bool doubling = true;
  int disable_s = 60;
  int max_disable_s = 3600;
  // Protocol 1.2. Reading: 0 when the lock is older (it has neither). Writing: 0 keeps the
  // lock's value (and a 1.1 lock never sees the fields).
  int daily_wrong_cap = 0;  // wrong entries per rolling 24 h, then only the admin code works
  int level_quiet_h = 0;    // hours without a wrong entry before the lockout level decays
  bool operator==(const LockoutPolicy&) const = default;
};

// ---- Long reads: progress and cancellation --------------------------------------------------
struct Progress {
  size_t done = 0;         // slots scanned / events read so far
  size_t total = 0;        // slot count / events to read (0 when not known yet)
  uint32_t next_seq = 0;   // read_events: resume point if the read is abandoned now
  int reconnects = 0;
  bool reconnecting = false;  // the cable went away; waiting for the lock to come back
};
using ProgressFn = std::function<void(const Progress&)>;

// Set from any thread (the UI); the I/O thread's call notices within ~20 ms and returns
// ErrorKind::kCancelled.
class CancelToken {
 public:
  void cancel() { flag_.store(true, std::memory_order_relaxed); }
  void reset() { flag_.store(false, std::memory_order_relaxed); }
  bool cancelled() const { return flag_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
};

const char* to_string(BatteryState s);
const char* to_string(SessionState s);
const char* to_string(Role r);
const char* to_string(CodeKind k);
// Machine names ("unlock_code", "outside_schedule"...), as JSON output uses them. The words a
// technician reads are app/core's (lock_words.h).
const char* event_type_name(EventType type);
const char* reason_name(Reason reason);

}  // namespace lockdiag::drivers
