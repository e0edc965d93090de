#include "device_choice.h"

#include <set>

#include "lockdiag/drivers/discovery.h"

namespace lockdiag::cli {

std::expected<std::string, std::string> choose_device() {
  const auto devices = drivers::list_devices();
  if (devices.empty())
    return std::unexpected(
        "no lock found: plug the laptop into the lock's USB service port and check the cable; "
        "'lockdiag devices' lists what is seen, a lock it lists as not accessible needs the udev rule "
        "(packaging/udev/README.md); or name the lock with --device URI");
  if (devices.size() == 1) {
    const auto& d = devices.front();
    if (!d.accessible)
      return std::unexpected("the lock " + d.serial + " at " + d.uri + " cannot be opened: " + d.problem);
    return d.uri;
  }
  std::string list;
  for (const auto& d : devices) list += (list.empty() ? "" : ", ") + d.uri + " (serial " + d.serial + ")";
  return std::unexpected(std::to_string(devices.size()) + " locks found: " + list +
                         "; choose one with --device URI (or $LOCKDIAG_DEVICE)");
}

bool command_needs_device(const std::string& command, const std::string& sub) {
  static const std::set<std::string> device_commands{"info",  "status", "slots",  "events",    "diagnose",
                                                     "audit", "reset",  "rotate", "clock-sync"};
  return device_commands.contains(command) || (command == "job" && sub == "resume");
}

}  // namespace lockdiag::cli
