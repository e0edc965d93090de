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

}  // namespace lockdiag::drivers
