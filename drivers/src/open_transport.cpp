#include "lockdiag/drivers/transport.h"
#include "sim_transport.h"

namespace lockdiag::drivers {

Result<std::unique_ptr<Transport>> open_transport(const std::string& uri) {
  const auto colon = uri.find(':');
  if (colon == std::string::npos)
    return fail(ErrorKind::kBadAddress, "device '" + uri + "' has no scheme; use sim:PATH, hid:VID:PID[:SERIAL] or usb:VID:PID[:SERIAL]");
  const std::string scheme = uri.substr(0, colon);
  const std::string rest = uri.substr(colon + 1);
  if (scheme == "sim") return SimTransport::open(rest);
  if (scheme == "hid" || scheme == "usb")
    return fail(ErrorKind::kBadAddress, "the " + scheme + ": transport is not built into this lockdiag yet");
  return fail(ErrorKind::kBadAddress, "unknown device scheme '" + scheme + "' in '" + uri + "'; use sim:, hid: or usb:");
}

}  // namespace lockdiag::drivers
