// The only way lockfw/core touches hardware. A port (host simulator, Cortex-M board)
// implements these; core never includes anything host-side.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace lockfw::hal {

// Milliseconds since boot; wraps after ~49 days, compare with unsigned subtraction.
class Ticks {
 public:
  virtual uint32_t now_ms() = 0;
 protected:
  ~Ticks() = default;
};

// The service port: one 64-byte IN report at a time. send() returns false when the
// endpoint is still busy; core keeps the report and tries again on the next poll.
class UsbPort {
 public:
  virtual bool send_report(const uint8_t* report64) = 0;
 protected:
  ~UsbPort() = default;
};

// Fills buf with n bytes from the part's true random source.
class Entropy {
 public:
  virtual void fill(uint8_t* buf, size_t n) = 0;
 protected:
  ~Entropy() = default;
};

}  // namespace lockfw::hal

namespace lockfw::hal {

// Battery voltage under a light load, in millivolts.
class Battery {
 public:
  virtual uint16_t millivolts() = 0;
 protected:
  ~Battery() = default;
};

}  // namespace lockfw::hal
