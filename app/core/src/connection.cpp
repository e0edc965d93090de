#include "lockdiag/app/connection.h"

#include <cstdlib>

#include "lockdiag/drivers/link_model.h"

namespace lockdiag::app {

std::string default_device_uri() {
  if (const char* env = std::getenv("LOCKDIAG_DEVICE"); env && *env) return env;
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  return std::string("sim:") + (runtime && *runtime ? runtime : "/tmp") + "/lockdiag/sim.sock";
}

namespace {
std::string& link_model() {
  static std::string name;
  return name;
}
}  // namespace

void set_link_model(const std::string& name) { link_model() = name; }

drivers::Result<drivers::Client> connect(const std::string& uri, drivers::ClientOptions options) {
  auto transport = drivers::open_transport(uri);
  if (!transport) return std::unexpected(transport.error());
  if (!link_model().empty()) {
    auto profile = drivers::LinkModelTransport::profile_named(link_model());
    if (!profile) return std::unexpected(profile.error());
    if (uri.rfind("sim:", 0) != 0)
      return drivers::fail(drivers::ErrorKind::kBadAddress,
                           "--link models the link of a virtual lock (sim:); " + uri + " is a real one");
    auto link = std::make_unique<drivers::LinkModelTransport>(std::move(*transport), *profile, /*pace=*/true);
    link->summary_on_close(true);
    *transport = std::move(link);
  }
  return drivers::Client::open(std::move(*transport), options);
}

}  // namespace lockdiag::app
