// hid: (hidapi, hidraw backend on Linux) and usb: (libusb) transports (private to drivers).
#pragma once

#include <memory>
#include <string>

#include "lockdiag/drivers/transport.h"
#include "uri.h"

namespace lockdiag::drivers {

Result<std::unique_ptr<Transport>> open_hid_transport(const UsbAddress& address);
Result<std::unique_ptr<Transport>> open_usb_transport(const UsbAddress& address);

// hid_init() once per process, from whichever thread comes first (hidapi's own is not
// thread-safe). False when hidapi cannot start.
bool hidapi_ready();

// Small sysfs helpers shared with discovery (Linux; empty when absent).
std::string read_sysfs_attr(const std::string& dir, const char* name);

}  // namespace lockdiag::drivers
