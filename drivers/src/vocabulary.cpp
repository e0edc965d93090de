// The lock's vocabulary, typed for app/: event types, reasons, enrollment and confirmation states,
// roles and kinds (types.h) and the lock's refusals (error.h), each member checked against the
// wire's number when this file compiles; and the machine names JSON output uses.
#include "lockdiag/drivers/error.h"
#include "lockdiag/drivers/types.h"
#include "lockfw/wire.h"

namespace lockdiag::drivers {
namespace {

namespace wire = lockfw::wire;

#define LOCKDIAG_EVENT_TYPES(X)            \
  X(UnlockCode, "unlock_code")             \
  X(WrongCode, "wrong_code")               \
  X(Rejected, "rejected")                  \
  X(LockoutStart, "lockout_start")         \
  X(LockoutEnd, "lockout_end")             \
  X(KeyOverride, "key_override")           \
  X(CodeAdded, "code_added")               \
  X(CodeChanged, "code_changed")           \
  X(CodeDeleted, "code_deleted")           \
  X(CodeEnabled, "code_enabled")           \
  X(CodeDisabled, "code_disabled")         \
  X(ScheduleChanged, "schedule_changed")   \
  X(EnrollStarted, "enroll_started")       \
  X(EnrollCommitted, "enroll_committed")   \
  X(EnrollAborted, "enroll_aborted")       \
  X(FactoryReset, "factory_reset")         \
  X(SessionOpened, "session_opened")       \
  X(SessionClosed, "session_closed")       \
  X(SessionTimeout, "session_timeout")     \
  X(ClockSet, "clock_set")                 \
  X(BatteryLow, "battery_low")             \
  X(BatteryCritical, "battery_critical")   \
  X(Tamper, "tamper")                      \
  X(PowerOn, "power_on")                   \
  X(PolicyChanged, "policy_changed")       \
  X(ConfirmRequested, "confirm_requested") \
  X(ConfirmDenied, "confirm_denied")       \
  X(ConfirmTimeout, "confirm_timeout")     \
  X(BatteryOk, "battery_ok")               \
  X(DailyCapReached, "daily_cap_reached")  \
  X(ChangedBy, "changed_by")               \
  X(OldValue, "old_value")                 \
  X(NewValue, "new_value")

#define LOCKDIAG_REASONS(X)              \
  X(None, "none")                        \
  X(Disabled, "disabled")                \
  X(OutsideSchedule, "outside_schedule") \
  X(Expired, "expired")                  \
  X(ClockNotSet, "clock_not_set")        \
  X(LockedOut, "locked_out")             \
  X(BatteryCritical, "battery_critical") \
  X(NotYetValid, "not_yet_valid")        \
  X(FactoryState, "factory_state")       \
  X(DailyCap, "daily_cap")               \
  X(NotArmed, "not_armed")               \
  X(ChannelRecycled, "channel_recycled") \
  X(SessionMoved, "session_moved")       \
  X(ByKeypad, "by_keypad")               \
  X(ByService, "by_service")             \
  X(Mismatch, "mismatch")                \
  X(Timeout, "timeout")                  \
  X(Duplicate, "duplicate")              \
  X(BadLength, "bad_length")             \
  X(HostCancelled, "host_cancelled")     \
  X(KeypadCancelled, "keypad_cancelled") \
  X(PowerLost, "power_lost")             \
  X(SessionEnded, "session_ended")       \
  X(Storage, "storage")                  \
  X(SameCode, "same_code")               \
  X(ResetKeepLog, "reset_keep_log")      \
  X(ResetFullWipe, "reset_full_wipe")    \
  X(ActionDelete, "action_delete")       \
  X(ActionReset, "action_reset")

#define LOCKDIAG_SAME_EVENT(name, text) \
  static_assert(static_cast<uint8_t>(EventType::k##name) == wire::kEv##name, "EventType::k" #name);
#define LOCKDIAG_SAME_REASON(name, text) \
  static_assert(static_cast<uint8_t>(Reason::k##name) == wire::kReason##name, "Reason::k" #name);
LOCKDIAG_EVENT_TYPES(LOCKDIAG_SAME_EVENT)
LOCKDIAG_REASONS(LOCKDIAG_SAME_REASON)

#define LOCKDIAG_SAME(type, name, wire_name) \
  static_assert(static_cast<uint8_t>(type::k##name) == wire::wire_name, #type "::k" #name);
LOCKDIAG_SAME(EnrollState, Idle, kEnrollIdle)
LOCKDIAG_SAME(EnrollState, WaitFirst, kEnrollWaitFirst)
LOCKDIAG_SAME(EnrollState, WaitSecond, kEnrollWaitSecond)
LOCKDIAG_SAME(EnrollState, Committed, kEnrollCommitted)
LOCKDIAG_SAME(EnrollState, Aborted, kEnrollAborted)
LOCKDIAG_SAME(ConfirmState, None, kConfirmNone)
LOCKDIAG_SAME(ConfirmState, Waiting, kConfirmWaiting)
LOCKDIAG_SAME(ConfirmState, Done, kConfirmDone)
LOCKDIAG_SAME(ConfirmState, Denied, kConfirmDenied)
LOCKDIAG_SAME(ConfirmState, TimedOut, kConfirmTimedOut)
LOCKDIAG_SAME(ConfirmState, Failed, kConfirmFailed)
LOCKDIAG_SAME(ConfirmState, Cancelled, kConfirmCancelled)
LOCKDIAG_SAME(Role, Admin, kRoleAdmin)
LOCKDIAG_SAME(Role, User, kRoleUser)
LOCKDIAG_SAME(Role, Guest, kRoleGuest)
LOCKDIAG_SAME(Role, Service, kRoleService)
LOCKDIAG_SAME(CodeKind, Persistent, kKindPersistent)
LOCKDIAG_SAME(CodeKind, TemporaryUntil, kKindTemporaryUntil)
LOCKDIAG_SAME(CodeKind, TemporaryFirstUse, kKindTemporaryFirstUse)
LOCKDIAG_SAME(CodeKind, Weekday, kKindWeekday)
LOCKDIAG_SAME(CodeKind, DateRange, kKindDateRange)

LOCKDIAG_SAME(LockRefusal, SessionRequired, kErrSessionRequired)
LOCKDIAG_SAME(LockRefusal, FactoryAdminOnly, kErrFactoryAdminOnly)
LOCKDIAG_SAME(LockRefusal, SlotOutOfRange, kErrSlotOutOfRange)
LOCKDIAG_SAME(LockRefusal, SlotEmpty, kErrSlotEmpty)
LOCKDIAG_SAME(LockRefusal, InvalidRole, kErrInvalidRole)
LOCKDIAG_SAME(LockRefusal, InvalidKind, kErrInvalidKind)
LOCKDIAG_SAME(LockRefusal, InvalidSchedule, kErrInvalidSchedule)
LOCKDIAG_SAME(LockRefusal, AdminLimit, kErrAdminLimit)
LOCKDIAG_SAME(LockRefusal, EnrollmentActive, kErrEnrollmentActive)
LOCKDIAG_SAME(LockRefusal, NoEnrollment, kErrNoEnrollment)
LOCKDIAG_SAME(LockRefusal, ConfirmationPending, kErrConfirmationPending)
LOCKDIAG_SAME(LockRefusal, ClockNotSet, kErrClockNotSet)
LOCKDIAG_SAME(LockRefusal, BatteryCritical, kErrBatteryCritical)
LOCKDIAG_SAME(LockRefusal, StorageFailure, kErrStorageFailure)
LOCKDIAG_SAME(LockRefusal, InvalidPolicy, kErrInvalidPolicy)
LOCKDIAG_SAME(LockRefusal, InvalidTime, kErrInvalidTime)
LOCKDIAG_SAME(LockRefusal, LastAdmin, kErrLastAdmin)
LOCKDIAG_SAME(LockRefusal, KeypadBusy, kErrKeypadBusy)
LOCKDIAG_SAME(LockRefusal, NoConfirmation, kErrNoConfirmation)
LOCKDIAG_SAME(LockRefusal, SessionElsewhere, kErrSessionElsewhere)
LOCKDIAG_SAME(LockRefusal, NotProvisioned, kErrNotProvisioned)

}  // namespace

const char* event_type_name(EventType type) {
#define LOCKDIAG_EVENT_NAME(name, text) \
  case EventType::k##name: return text;
  switch (type) { LOCKDIAG_EVENT_TYPES(LOCKDIAG_EVENT_NAME) }
  return "unknown";
}

const char* reason_name(Reason reason) {
#define LOCKDIAG_REASON_NAME(name, text) \
  case Reason::k##name: return text;
  switch (reason) { LOCKDIAG_REASONS(LOCKDIAG_REASON_NAME) }
  return "unknown";
}

}  // namespace lockdiag::drivers
