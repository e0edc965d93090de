// A transport moves 64-byte reports to and from one lock. hid, usb and sim all carry the
// very same reports; framing and the protocol live above this interface.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "lockdiag/drivers/error.h"
#include "lockfw/wire.h"

namespace lockdiag::drivers {

using Report = std::array<uint8_t, lockfw::wire::kReportSize>;

class Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<void> write(const Report& report) = 0;
  // Waits up to timeout_ms for one IN report. kTimeout when none came.
  virtual Result<Report> read(int timeout_ms) = 0;
  // Human-readable address, e.g. "sim:/run/user/1000/lockdiag/lock-1.sock".
  virtual std::string describe() const = 0;
};

// Opens a transport from a device URI: sim:PATH (hid: and usb: where built in).
Result<std::unique_ptr<Transport>> open_transport(const std::string& uri);

}  // namespace lockdiag::drivers
