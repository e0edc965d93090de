#include "lock_text.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace lockdiag::gui {

using E = drivers::EventType;

EventClass classify(drivers::EventType type) {
  switch (type) {
    case E::kUnlockCode:
    case E::kKeyOverride: return EventClass::kUnlock;
    case E::kWrongCode: return EventClass::kWrongCode;
    case E::kLockoutStart:
    case E::kLockoutEnd:
    case E::kDailyCapReached: return EventClass::kLockout;
    case E::kRejected: return EventClass::kRejected;
    case E::kCodeAdded:
    case E::kCodeChanged:
    case E::kCodeDeleted:
    case E::kCodeEnabled:
    case E::kCodeDisabled:
    case E::kScheduleChanged:
    case E::kEnrollStarted:
    case E::kEnrollCommitted:
    case E::kEnrollAborted:
    case E::kFactoryReset:
    case E::kPolicyChanged: return EventClass::kChange;
    case E::kSessionOpened:
    case E::kSessionClosed:
    case E::kSessionTimeout:
    case E::kClockSet:
    case E::kConfirmRequested:
    case E::kConfirmDenied:
    case E::kConfirmTimeout: return EventClass::kService;
    case E::kBatteryLow:
    case E::kBatteryCritical:
    case E::kPowerOn:
    case E::kBatteryOk: return EventClass::kPower;
    default: return EventClass::kOther;
  }
}

std::string format_time(const app::LocalTime& lt, uint32_t utc, bool clock_not_set, bool never_if_zero) {
  if (utc == 0 && never_if_zero) return "never";
  if (clock_not_set) return "clock not set (+" + std::to_string(utc) + " s)";
  return lt.format(utc, true);
}

std::string format_drift(int64_t seconds) {
  const char* sign = seconds < 0 ? "-" : "+";
  const int64_t a = std::llabs(seconds);
  char buf[48];
  if (a < 60) std::snprintf(buf, sizeof buf, "%s%lld s", sign, static_cast<long long>(a));
  else if (a < 3600)
    std::snprintf(buf, sizeof buf, "%s%lld min %lld s", sign, static_cast<long long>(a / 60),
                  static_cast<long long>(a % 60));
  else if (a < 86400 * 2)
    std::snprintf(buf, sizeof buf, "%s%lld h %lld min", sign, static_cast<long long>(a / 3600),
                  static_cast<long long>((a % 3600) / 60));
  else std::snprintf(buf, sizeof buf, "%s%lld days", sign, static_cast<long long>(a / 86400));
  return buf;
}

}  // namespace lockdiag::gui
