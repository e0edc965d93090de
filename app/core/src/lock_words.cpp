#include "lockdiag/app/lock_words.h"

namespace lockdiag::app {

using E = drivers::EventType;
using R = drivers::Reason;

const char* event_label(drivers::EventType type) {
  switch (type) {
    case E::kUnlockCode: return "Unlocked by code";
    case E::kWrongCode: return "Wrong code";
    case E::kRejected: return "Code refused";
    case E::kLockoutStart: return "Keypad locked out";
    case E::kLockoutEnd: return "Lockout ended";
    case E::kKeyOverride: return "Mechanical key used";
    case E::kCodeAdded: return "Code added";
    case E::kCodeChanged: return "Code changed";
    case E::kCodeDeleted: return "Code deleted";
    case E::kCodeEnabled: return "Code enabled";
    case E::kCodeDisabled: return "Code disabled";
    case E::kScheduleChanged: return "Schedule changed";
    case E::kEnrollStarted: return "Enrollment started";
    case E::kEnrollCommitted: return "Enrollment done";
    case E::kEnrollAborted: return "Enrollment aborted";
    case E::kFactoryReset: return "Factory reset";
    case E::kSessionOpened: return "Service session opened";
    case E::kSessionClosed: return "Service session closed";
    case E::kSessionTimeout: return "Service session timed out";
    case E::kClockSet: return "Clock set";
    case E::kBatteryLow: return "Battery low";
    case E::kBatteryCritical: return "Battery critical";
    case E::kTamper: return "Tamper alarm";
    case E::kPowerOn: return "Power on";
    case E::kPolicyChanged: return "Lockout policy changed";
    case E::kConfirmRequested: return "Confirmation asked at the lock";
    case E::kConfirmDenied: return "Confirmation denied";
    case E::kConfirmTimeout: return "Confirmation timed out";
    case E::kBatteryOk: return "Battery back to normal";
    case E::kDailyCapReached: return "Daily wrong-code limit reached";
    // Change records the drivers could not attach to a change (a damaged or cut log).
    case E::kChangedBy: return "Who made a change";
    case E::kOldValue: return "Value before a change";
    case E::kNewValue: return "Value after a change";
    default: return "Unknown event";
  }
}

const char* reason_label(drivers::Reason reason) {
  switch (reason) {
    case R::kNone: return "";
    case R::kDisabled: return "the slot is disabled";
    case R::kOutsideSchedule: return "outside its schedule";
    case R::kExpired: return "the code has expired";
    case R::kClockNotSet: return "the lock's clock is not set, so its schedule cannot be checked";
    case R::kLockedOut: return "the keypad was locked out after wrong codes";
    case R::kBatteryCritical: return "the battery was too low to drive the bolt";
    case R::kNotYetValid: return "the code is not valid yet";
    case R::kFactoryState: return "the lock was in factory state";
    case R::kDailyCap: return "too many wrong codes today: admin code only";
    case R::kNotArmed: return "no program on the laptop had asked for a session";
    case R::kChannelRecycled: return "the program's connection was replaced";
    case R::kSessionMoved: return "the admin opened a session for another program";
    case R::kByKeypad: return "made with a code at the keypad";
    case R::kByService: return "made through the service port";
    case R::kMismatch: return "the two entries did not match";
    case R::kTimeout: return "nobody typed in time";
    case R::kDuplicate: return "the code is already used by another slot";
    case R::kBadLength: return "the code had the wrong length";
    case R::kHostCancelled: return "cancelled from the laptop";
    case R::kKeypadCancelled: return "cancelled on the keypad";
    case R::kPowerLost: return "power was lost";
    case R::kSessionEnded: return "the service session ended";
    case R::kStorage: return "the lock could not store it";
    case R::kSameCode: return "the new code is the same as the old one: choose a different code";
    case R::kResetKeepLog: return "event log kept";
    case R::kResetFullWipe: return "full wipe";
    case R::kActionDelete: return "delete a slot";
    case R::kActionReset: return "factory reset";
    default: return "unknown reason";
  }
}

std::string identifier_words(std::string name) {
  for (auto& c : name)
    if (c == '_') c = ' ';
  return name;
}

const char* role_label(drivers::Role role) {
  switch (role) {
    case drivers::Role::kAdmin: return "Admin";
    case drivers::Role::kUser: return "User";
    case drivers::Role::kGuest: return "Guest";
    case drivers::Role::kService: return "Service";
    default: return "?";
  }
}

const char* kind_label(drivers::CodeKind kind) {
  switch (kind) {
    case drivers::CodeKind::kPersistent: return "Permanent";
    case drivers::CodeKind::kTemporaryUntil: return "Temporary (until)";
    case drivers::CodeKind::kTemporaryFirstUse: return "Temporary (after first use)";
    case drivers::CodeKind::kWeekday: return "Weekly schedule";
    case drivers::CodeKind::kDateRange: return "Date range";
    default: return "?";
  }
}

bool is_refusal(const EventView& e) {
  switch (e.type) {
    case E::kWrongCode:
    case E::kRejected:
    case E::kLockoutStart:
    case E::kEnrollAborted:
    case E::kConfirmDenied:
    case E::kConfirmTimeout: return true;
    default: return false;
  }
}

namespace {
std::string slot_name(const EventView& e) {
  return e.slot >= 0 ? "slot " + std::to_string(e.slot) : std::string("a slot");
}
}  // namespace

std::string explain(const EventView& e) {
  switch (e.type) {
    case E::kWrongCode:
      return "The code typed matches no enrolled slot. Someone mistyped, or tried a code that was deleted or "
             "never enrolled. Repeated wrong codes lock the keypad out. Next step: if the person says it is "
             "their code, run Diagnose with their slot and ask them to type it while you watch.";
    case E::kRejected:
      switch (e.reason) {
        case R::kDisabled:
          return "The code is right, but " + slot_name(e) +
                 " is disabled. Next step: enable the slot if its "
                 "holder should get in.";
        case R::kOutsideSchedule:
          return "The code is right, but it was typed outside " + slot_name(e) +
                 "'s schedule. Next step: check "
                 "the schedule in the Slots view and the lock's clock (a wrong clock shifts every window).";
        case R::kExpired:
          return "The code is right, but " + slot_name(e) +
                 " has expired. Next step: enroll a new code or "
                 "extend it if the holder should still get in.";
        case R::kClockNotSet:
          return "The code is right, but " + slot_name(e) +
                 " has a schedule and the lock's clock was not set "
                 "(after a power loss), so the lock cannot tell whether it is in its window. Next step: "
                 "sync the clock from the Dashboard.";
        case R::kLockedOut:
          return "The code may be right, but the keypad was locked out after too many wrong codes. Next step: "
                 "wait for the lockout to end, then look for who typed the wrong codes before it.";
        case R::kBatteryCritical:
          return "The battery was too low to drive the bolt safely. Next step: replace the batteries.";
        case R::kNotYetValid: return "The code is right, but " + slot_name(e) + "'s validity has not started yet.";
        case R::kFactoryState:
          return "The lock is in factory state and accepts no user codes until an admin is enrolled.";
        default: return "The lock refused " + slot_name(e) + ": " + reason_label(e.reason) + ".";
      }
    case E::kLockoutStart:
      return "Too many wrong codes in a row: the keypad ignores entries for a while (longer on each repeat). "
             "Next step: look at the wrong codes just before this row.";
    case E::kEnrollAborted:
      return std::string("The new code for ") + slot_name(e) + " was not stored: " + reason_label(e.reason) +
             ". The slot is as it was before. Next step: run the enrollment again.";
    case E::kConfirmDenied:
      return "A delete or reset waited for the admin code on the keypad and got a wrong code or '*'. "
             "Nothing was changed.";
    case E::kConfirmTimeout:
      return "A delete or reset waited for the admin code on the keypad and nobody typed it in time. "
             "Nothing was changed.";
    default: {
      std::string s = std::string(event_label(e.type));
      if (e.slot >= 0) s += " (" + slot_name(e) + ")";
      if (e.reason != R::kNone) s += std::string(": ") + reason_label(e.reason);
      return s + ". Nothing was refused here.";
    }
  }
}

}  // namespace lockdiag::app
