// Errors are values at the drivers boundary; each carries a message a technician can act on.
#pragma once

#include <cstdint>
#include <expected>
#include <string>

namespace lockdiag::drivers {

enum class ErrorKind {
  kBadAddress,        // the --device URI does not parse
  kUnreachable,       // nothing there: no socket, no such USB device
  kPermissionDenied,  // there, but this user may not open it (udev rule)
  kDisconnected,      // it went away mid-conversation
  kTimeout,           // no complete answer within the call's deadline
  kProtocol,          // the peer answered something that is not our protocol
  kLockRefused,       // the lock answered with an error code (lock_code says which)
  kCancelled,
  kIo,
};

// Why the lock refused a command it understood (the wire's error codes from 0x20; checked against
// them in drivers/src/vocabulary.cpp). Lower codes are the transport's, handled inside drivers.
enum class LockRefusal : uint8_t {
  kSessionRequired = 0x20,
  kFactoryAdminOnly = 0x21,
  kSlotOutOfRange = 0x22,
  kSlotEmpty = 0x23,
  kInvalidRole = 0x24,
  kInvalidKind = 0x25,
  kInvalidSchedule = 0x26,
  kAdminLimit = 0x27,
  kEnrollmentActive = 0x28,
  kNoEnrollment = 0x29,
  kConfirmationPending = 0x2A,
  kClockNotSet = 0x2B,
  kBatteryCritical = 0x2C,
  kStorageFailure = 0x2D,
  kInvalidPolicy = 0x2E,
  kInvalidTime = 0x2F,
  kLastAdmin = 0x30,
  kKeypadBusy = 0x31,
  kNoConfirmation = 0x32,
  kSessionElsewhere = 0x33,  // 1.4: the open session is another channel's
  kNotProvisioned = 0x3F,    // 1.5: the lock has no attestation key
};

struct Error {
  ErrorKind kind;
  std::string message;
  uint8_t lock_code = 0;  // wire::ErrorCode when kind == kLockRefused
  uint16_t detail = 0;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string message) {
  return std::unexpected(Error{kind, std::move(message)});
}

const char* to_string(ErrorKind kind);

// True when the lock answered with this refusal.
inline bool refused(const Error& e, LockRefusal why) {
  return e.kind == ErrorKind::kLockRefused && e.lock_code == static_cast<uint8_t>(why);
}

}  // namespace lockdiag::drivers
