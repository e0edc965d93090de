#include "lockdiag/drivers/transport.h"
#include "sim_transport.h"
#include "uri.h"
#include "usb_transports.h"

namespace lockdiag::drivers {

Result<std::unique_ptr<Transport>> open_transport(const std::string& uri) {
  const auto colon = uri.find(':');
  if (colon == std::string::npos)
    return fail(ErrorKind::kBadAddress,
                "device '" + uri + "' has no scheme; use sim:PATH, hid:VID:PID[:SERIAL] or usb:VID:PID[:SERIAL]");
  const std::string scheme = uri.substr(0, colon);
  const std::string rest = uri.substr(colon + 1);
  if (scheme == "sim") return SimTransport::open(rest);
  if (scheme == "hid") {
    auto a = parse_usb_address(rest, false);
    if (!a)
      return fail(ErrorKind::kBadAddress,
                  "'" + uri + "' is not hid:VID:PID[:SERIAL] (hex VID and PID, e.g. hid:1209:0001)");
    return open_hid_transport(*a);
  }
  if (scheme == "usb") {
    auto a = parse_usb_address(rest, true);
    if (!a)
      return fail(ErrorKind::kBadAddress,
                  "'" + uri + "' is not usb:VID:PID[:SERIAL] or usb:BUS-PORTS (e.g. usb:1209:0001 or usb:1-2.3)");
    return open_usb_transport(*a);
  }
  return fail(ErrorKind::kBadAddress,
              "unknown device scheme '" + scheme + "' in '" + uri + "'; use sim:, hid: or usb:");
}

}  // namespace lockdiag::drivers
