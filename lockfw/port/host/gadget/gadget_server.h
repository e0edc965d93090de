// lockfw-sim's USB gadget port (Linux): the service port as a real USB HID device. configfs
// builds a gadget with one f_hid function (vendor page 0xFF00, 64-byte reports, no report
// IDs), binds it to a UDC (dummy_hcd's dummy_udc.0 in tests/usbvm, a real device controller on
// a board), and the lock's reports go through /dev/hidgN. The host side then sees a USB HID
// device the kernel enumerates like any other: hidraw, usbfs, sysfs, hotplug.
//
// lockfw-sim-gadget (main.cpp here) carries a running lockfw-sim's service-port socket onto
// the gadget report for report, so the simulator itself needs no change to be a USB device.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <string>

#include "hal/hal.h"
#include "lockfw/wire.h"

namespace lockfw::host {

struct GadgetOptions {
  std::string udc;     // e.g. "dummy_udc.0"
  std::string serial;  // the USB serial number string: the lock's serial
  uint16_t bcd_device = 0x0100;  // firmware version as the descriptor carries it
  std::string manufacturer = "lockdiag";
  std::string product = "LD-100 Keypad Deadbolt (lockfw-sim)";
  std::string configfs = "/sys/kernel/config";
  std::string name = "lockfw";   // gadget directory name under usb_gadget/
};

// The IN direction: /dev/hidgN takes one report at a time; reports wait here (bounded) until
// the host has polled the previous one, so the lock's core never blocks.
class HidgUsbPort final : public hal::UsbPort {
 public:
  static constexpr size_t kMaxQueued = 64;
  bool send_report(const uint8_t* report64) override;
  void flush(int fd);  // writes what the endpoint takes now
  bool pending() const { return !queue_.empty(); }

 private:
  std::deque<std::array<uint8_t, wire::kReportSize>> queue_;
};

class GadgetServer {
 public:
  ~GadgetServer();  // unbinds the UDC and removes the gadget from configfs
  std::expected<void, std::string> start(const GadgetOptions& options);
  // Reads every OUT report the host has sent so far (non-blocking).
  void read_reports(const std::function<void(const uint8_t*)>& on_report);
  HidgUsbPort& port() { return port_; }
  int fd() const { return fd_; }
  const std::string& device() const { return dev_; }

 private:
  void teardown();
  std::string root_;  // configfs gadget directory, empty when nothing was created
  std::string dev_;   // /dev/hidgN
  int fd_ = -1;
  HidgUsbPort port_;
};

}  // namespace lockfw::host
