#include "lockdiag/app/connection.h"

#include <cstdlib>

namespace lockdiag::app {

std::string default_device_uri() {
  if (const char* env = std::getenv("LOCKDIAG_DEVICE"); env && *env) return env;
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  return std::string("sim:") + (runtime && *runtime ? runtime : "/tmp") + "/lockdiag/sim.sock";
}

drivers::Result<drivers::Client> connect(const std::string& uri, drivers::ClientOptions options) {
  auto transport = drivers::open_transport(uri);
  if (!transport) return std::unexpected(transport.error());
  return drivers::Client::open(std::move(*transport), options);
}

}  // namespace lockdiag::app
