#include <string>

#include "lockdiag/drivers/client.h"
#include "lockdiag/drivers/error.h"
#include "lockdiag/drivers/types.h"
#include "lockfw/wire.h"

namespace lockdiag::drivers {

using namespace lockfw::wire;

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadAddress: return "bad_address";
    case ErrorKind::kUnreachable: return "unreachable";
    case ErrorKind::kPermissionDenied: return "permission_denied";
    case ErrorKind::kDisconnected: return "disconnected";
    case ErrorKind::kTimeout: return "timeout";
    case ErrorKind::kProtocol: return "protocol";
    case ErrorKind::kLockRefused: return "lock_refused";
    case ErrorKind::kCancelled: return "cancelled";
    case ErrorKind::kIo: return "io";
  }
  return "unknown";
}

const char* to_string(BatteryState s) {
  switch (s) {
    case BatteryState::kOk: return "ok";
    case BatteryState::kLow: return "low";
    case BatteryState::kCritical: return "critical";
  }
  return "unknown";
}

const char* to_string(SessionState s) {
  switch (s) {
    case SessionState::kNone: return "none";
    case SessionState::kOpen: return "open";
    case SessionState::kFactory: return "factory";
  }
  return "unknown";
}

std::string describe_lock_error(uint8_t code) {
  switch (code) {
    case kErrInvalidCommand: return "the lock does not know this command (firmware too old?)";
    case kErrInvalidParameter: return "the lock rejected a parameter of the request";
    case kErrInvalidLength: return "the lock rejected the request length";
    case kErrInvalidSequence: return "the lock saw packets out of sequence; retry";
    case kErrMessageTimeout: return "the lock timed out waiting for the rest of the request; check the cable";
    case kErrChannelBusy: return "the lock is busy with another program; close other service tools and retry";
    case kErrInvalidChannel: return "the lock does not know this channel; reconnect";
    case kErrSessionRequired: return "the lock needs a service session: at the lock, type the admin code then * 0 #";
    case kErrFactoryAdminOnly: return "the lock is in factory state and accepts only admin enrollment";
    case kErrSlotOutOfRange: return "no such slot on this lock";
    case kErrSlotEmpty: return "that slot holds no code";
    case kErrInvalidRole: return "invalid role";
    case kErrInvalidKind: return "invalid code kind";
    case kErrInvalidSchedule: return "the schedule is not valid (end before start, no days, or out of range)";
    case kErrAdminLimit: return "this lock model allows no further admin code";
    case kErrEnrollmentActive: return "an enrollment is already open at the lock";
    case kErrNoEnrollment: return "no enrollment is open";
    case kErrConfirmationPending: return "another change is waiting for confirmation at the lock";
    case kErrClockNotSet: return "the lock's clock is not set; set it first (lockdiag clock-sync)";
    case kErrBatteryCritical: return "the lock's battery is critical; replace the batteries first";
    case kErrStorageFailure: return "the lock could not write its storage; the change did not happen";
    case kErrInvalidPolicy: return "the lockout policy is out of the lock's range";
    case kErrInvalidTime: return "the time is out of range";
    case kErrLastAdmin: return "that is the only admin code; use a factory reset to remove it";
    case kErrKeypadBusy: return "someone is typing on the lock's keypad; wait and retry";
    case kErrNoConfirmation: return "no change is waiting for confirmation";
    case kErrNotProvisioned:
      return "the lock has no manufacturer-certified device key (not provisioned): it cannot attest";
    default: return "the lock answered with error 0x" + std::to_string(code);
  }
}

}  // namespace lockdiag::drivers

namespace lockdiag::drivers {

using namespace lockfw::wire;

const char* to_string(Role r) {
  switch (r) {
    case Role::kAdmin: return "admin";
    case Role::kUser: return "user";
    case Role::kGuest: return "guest";
    case Role::kService: return "service";
  }
  return "unknown";
}

const char* to_string(CodeKind k) {
  switch (k) {
    case CodeKind::kPersistent: return "persistent";
    case CodeKind::kTemporaryUntil: return "temporary_until";
    case CodeKind::kTemporaryFirstUse: return "temporary_first_use";
    case CodeKind::kWeekday: return "weekday";
    case CodeKind::kDateRange: return "date_range";
  }
  return "unknown";
}

std::string Fingerprint::hex() const {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : digest) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

}  // namespace lockdiag::drivers
