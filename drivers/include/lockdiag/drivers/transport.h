// A transport moves 64-byte reports to and from one lock. hid, usb and sim all carry the
// very same reports; framing and the protocol live above this interface.
#pragma once

#include <array>
#include <chrono>
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
  // Waits up to timeout_ms for one IN report. kTimeout when none came, kDisconnected when
  // the device is gone, kProtocol for a short or oversized report (never a padded one).
  virtual Result<Report> read(int timeout_ms) = 0;
  // The device URI this transport can be reopened with, e.g. "sim:/run/user/1000/lockdiag/sim.sock"
  // or "hid:1209:0001:LD1-0A1B2C3D".
  virtual std::string describe() const = 0;
  // The clock the client measures its timeouts with. Real transports use the steady clock;
  // an in-process test transport runs on virtual time so thousands of timeouts cost nothing.
  virtual int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// Opens a transport from a device URI:
//   sim:PATH                 a lockfw-sim socket
//   hid:VID:PID[:SERIAL]     hidapi (hidraw on Linux); VID/PID in hex
//   usb:VID:PID[:SERIAL]     libusb, interrupt endpoints of the HID interface
//   usb:BUS-PORTS            libusb by port topology, e.g. usb:1-2.3
Result<std::unique_ptr<Transport>> open_transport(const std::string& uri);

}  // namespace lockdiag::drivers
