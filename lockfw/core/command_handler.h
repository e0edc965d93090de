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
  virtual Reply handle(uint8_t cmd, const uint8_t* request, uint16_t length, uint8_t* out, uint16_t out_capacity) = 0;
  // 1.4 (sessions bound to a channel): the channel the next handle() comes from, and a
  // channel id the service port recycled (a newer channel took its table entry).
  virtual void set_channel(uint32_t /*cid*/) {}
  virtual void channel_released(uint32_t /*cid*/) {}

 protected:
  ~CommandHandler() = default;
};

}  // namespace lockfw
