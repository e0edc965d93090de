// The service layer behind the framing: one request in, one reply out.
#pragma once

#include <stdint.h>

namespace lockfw {

struct Reply {
  uint8_t error;    // wire::ErrorCode; kErrNone means `length` bytes of `out` are the answer
  uint16_t detail;  // ErrorResponse.detail
  uint16_t length;

  static Reply ok(uint16_t n) { return Reply{0, 0, n}; }
  static Reply fail(uint8_t code, uint16_t detail = 0) { return Reply{code, detail, 0}; }
};

class CommandHandler {
 public:
  virtual Reply handle(uint8_t cmd, const uint8_t* request, uint16_t length, uint8_t* out,
                       uint16_t out_capacity) = 0;
 protected:
  ~CommandHandler() = default;
};

}  // namespace lockfw
