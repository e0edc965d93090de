#include "lock_text.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "lockfw/wire.h"

namespace lockdiag::gui {

namespace w = lockfw::wire;

const char* event_type_label(uint8_t type) {
  switch (type) {
    case w::kEvUnlockCode: return "Unlocked by code";
    case w::kEvWrongCode: return "Wrong code";
    case w::kEvRejected: return "Code refused";
    case w::kEvLockoutStart: return "Keypad locked out";
    case w::kEvLockoutEnd: return "Lockout ended";
    case w::kEvKeyOverride: return "Mechanical key used";
    case w::kEvCodeAdded: return "Code added";
    case w::kEvCodeChanged: return "Code changed";
    case w::kEvCodeDeleted: return "Code deleted";
    case w::kEvCodeEnabled: return "Code enabled";
    case w::kEvCodeDisabled: return "Code disabled";
    case w::kEvScheduleChanged: return "Schedule changed";
    case w::kEvEnrollStarted: return "Enrollment started";
    case w::kEvEnrollCommitted: return "Enrollment done";
    case w::kEvEnrollAborted: return "Enrollment aborted";
    case w::kEvFactoryReset: return "Factory reset";
    case w::kEvSessionOpened: return "Service session opened";
    case w::kEvSessionClosed: return "Service session closed";
    case w::kEvSessionTimeout: return "Service session timed out";
    case w::kEvClockSet: return "Clock set";
    case w::kEvBatteryLow: return "Battery low";
    case w::kEvBatteryCritical: return "Battery critical";
    case w::kEvTamper: return "Tamper alarm";
    case w::kEvPowerOn: return "Power on";
    case w::kEvPolicyChanged: return "Lockout policy changed";
    case w::kEvConfirmRequested: return "Confirmation asked at the lock";
    case w::kEvConfirmDenied: return "Confirmation denied";
    case w::kEvConfirmTimeout: return "Confirmation timed out";
    case w::kEvBatteryOk: return "Battery back to normal";
    case w::kEvDailyCapReached: return "Daily wrong-code limit reached";
    default: return "Unknown event";
  }
}

const char* reason_label(uint8_t reason) {
  switch (reason) {
    case w::kReasonNone: return "";
    case w::kReasonDisabled: return "the code is disabled";
    case w::kReasonOutsideSchedule: return "outside its schedule";
    case w::kReasonExpired: return "the code has expired";
    case w::kReasonClockNotSet: return "the lock's clock is not set";
    case w::kReasonLockedOut: return "the keypad was locked out";
    case w::kReasonBatteryCritical: return "the battery is critical";
    case w::kReasonNotYetValid: return "the code is not valid yet";
    case w::kReasonFactoryState: return "the lock is in factory state";
    case w::kReasonDailyCap: return "too many wrong codes today: admin code only";
    case w::kReasonMismatch: return "the two entries did not match";
    case w::kReasonTimeout: return "nobody typed in time";
    case w::kReasonDuplicate: return "the code is already used by another slot";
    case w::kReasonBadLength: return "the code had the wrong length";
    case w::kReasonHostCancelled: return "cancelled from the laptop";
    case w::kReasonKeypadCancelled: return "cancelled on the keypad";
    case w::kReasonPowerLost: return "power was lost";
    case w::kReasonSessionEnded: return "the service session ended";
    case w::kReasonStorage: return "the lock could not store it";
    case w::kReasonSameCode: return "the new code is the same as the old one: choose a different code";
    case w::kReasonResetKeepLog: return "event log kept";
    case w::kReasonResetFullWipe: return "full wipe";
    case w::kReasonActionDelete: return "delete a slot";
    case w::kReasonActionReset: return "factory reset";
    default: return "unknown reason";
  }
}

const char* role_label(uint8_t role) {
  switch (role) {
    case w::kRoleAdmin: return "Admin";
    case w::kRoleUser: return "User";
    case w::kRoleGuest: return "Guest";
    case w::kRoleService: return "Service";
    default: return "?";
  }
}

const char* kind_label(uint8_t kind) {
  switch (kind) {
    case w::kKindPersistent: return "Permanent";
    case w::kKindTemporaryUntil: return "Temporary (until)";
    case w::kKindTemporaryFirstUse: return "Temporary (after first use)";
    case w::kKindWeekday: return "Weekly schedule";
    case w::kKindDateRange: return "Date range";
    default: return "?";
  }
}

EventClass classify(uint8_t type) {
  switch (type) {
    case w::kEvUnlockCode:
    case w::kEvKeyOverride: return EventClass::kUnlock;
    case w::kEvWrongCode: return EventClass::kWrongCode;
    case w::kEvLockoutStart:
    case w::kEvLockoutEnd:
    case w::kEvDailyCapReached: return EventClass::kLockout;
    case w::kEvRejected: return EventClass::kRejected;
    case w::kEvCodeAdded: case w::kEvCodeChanged: case w::kEvCodeDeleted: case w::kEvCodeEnabled:
    case w::kEvCodeDisabled: case w::kEvScheduleChanged: case w::kEvEnrollStarted: case w::kEvEnrollCommitted:
    case w::kEvEnrollAborted: case w::kEvFactoryReset: case w::kEvPolicyChanged: return EventClass::kChange;
    case w::kEvSessionOpened: case w::kEvSessionClosed: case w::kEvSessionTimeout: case w::kEvClockSet:
    case w::kEvConfirmRequested: case w::kEvConfirmDenied: case w::kEvConfirmTimeout: return EventClass::kService;
    case w::kEvBatteryLow: case w::kEvBatteryCritical: case w::kEvPowerOn: case w::kEvBatteryOk:
      return EventClass::kPower;
    default: return EventClass::kOther;
  }
}

bool is_refusal(const app::EventView& e) {
  switch (e.type) {
    case w::kEvWrongCode: case w::kEvRejected: case w::kEvLockoutStart: case w::kEvEnrollAborted:
    case w::kEvConfirmDenied: case w::kEvConfirmTimeout: return true;
    default: return false;
  }
}

namespace {
std::string slot_name(const app::EventView& e) {
  return e.slot >= 0 ? "slot " + std::to_string(e.slot) : std::string("a slot");
}
}  // namespace

std::string explain(const app::EventView& e) {
  switch (e.type) {
    case w::kEvWrongCode:
      return "The code typed matches no enrolled slot. Someone mistyped, or tried a code that was deleted or "
             "never enrolled. Repeated wrong codes lock the keypad out. Next step: if the person says it is "
             "their code, run Diagnose with their slot and ask them to type it while you watch.";
    case w::kEvRejected:
      switch (e.reason) {
        case w::kReasonDisabled:
          return "The code is right, but " + slot_name(e) + " is disabled. Next step: enable the slot if its "
                 "holder should get in.";
        case w::kReasonOutsideSchedule:
          return "The code is right, but it was typed outside " + slot_name(e) + "'s schedule. Next step: check "
                 "the schedule in the Slots view and the lock's clock (a wrong clock shifts every window).";
        case w::kReasonExpired:
          return "The code is right, but " + slot_name(e) + " has expired. Next step: enroll a new code or "
                 "extend it if the holder should still get in.";
        case w::kReasonClockNotSet:
          return "The code is right, but " + slot_name(e) + " has a schedule and the lock's clock was not set "
                 "(after a power loss), so the lock cannot tell whether it is in its window. Next step: "
                 "sync the clock from the Dashboard.";
        case w::kReasonLockedOut:
          return "The code may be right, but the keypad was locked out after too many wrong codes. Next step: "
                 "wait for the lockout to end, then look for who typed the wrong codes before it.";
        case w::kReasonBatteryCritical:
          return "The battery was too low to drive the bolt safely. Next step: replace the batteries.";
        case w::kReasonNotYetValid:
          return "The code is right, but " + slot_name(e) + "'s validity has not started yet.";
        case w::kReasonFactoryState:
          return "The lock is in factory state and accepts no user codes until an admin is enrolled.";
        default:
          return "The lock refused " + slot_name(e) + ": " + reason_label(e.reason) + ".";
      }
    case w::kEvLockoutStart:
      return "Too many wrong codes in a row: the keypad ignores entries for a while (longer on each repeat). "
             "Next step: look at the wrong codes just before this row.";
    case w::kEvEnrollAborted:
      return std::string("The new code for ") + slot_name(e) + " was not stored: " + reason_label(e.reason) +
             ". The slot is as it was before. Next step: run the enrollment again.";
    case w::kEvConfirmDenied:
      return "A delete or reset waited for the admin code on the keypad and got a wrong code or '*'. "
             "Nothing was changed.";
    case w::kEvConfirmTimeout:
      return "A delete or reset waited for the admin code on the keypad and nobody typed it in time. "
             "Nothing was changed.";
    default: {
      std::string s = std::string(event_type_label(e.type));
      if (e.slot >= 0) s += " (" + slot_name(e) + ")";
      if (e.reason != 0) s += std::string(": ") + reason_label(e.reason);
      return s + ". Nothing was refused here.";
    }
  }
}

std::string format_time(uint32_t utc, bool clock_not_set, bool never_if_zero) {
  if (utc == 0 && never_if_zero) return "never";
  if (clock_not_set) return "clock not set (+" + std::to_string(utc) + " s)";
  std::time_t t = utc;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string format_drift(int64_t seconds) {
  const char* sign = seconds < 0 ? "-" : "+";
  const int64_t a = std::llabs(seconds);
  char buf[48];
  if (a < 60) std::snprintf(buf, sizeof buf, "%s%lld s", sign, static_cast<long long>(a));
  else if (a < 3600) std::snprintf(buf, sizeof buf, "%s%lld min %lld s", sign, static_cast<long long>(a / 60), static_cast<long long>(a % 60));
  else if (a < 86400 * 2) std::snprintf(buf, sizeof buf, "%s%lld h %lld min", sign, static_cast<long long>(a / 3600), static_cast<long long>((a % 3600) / 60));
  else std::snprintf(buf, sizeof buf, "%s%lld days", sign, static_cast<long long>(a / 86400));
  return buf;
}

}  // namespace lockdiag::gui
