// lockfw-sim: the lock firmware's core with a host HAL, its service port on a Unix socket.
#include <csignal>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "core/lock.h"
#include "announce.h"
#include "core/service_port.h"
#include "host_hal.h"
#include "identity_store.h"
#include "socket_server.h"

namespace {
volatile bool g_stop = false;
void on_signal(int) { g_stop = true; }
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lockfw-sim: a virtual keypad lock serving its USB service port on a Unix socket"};
  std::string socket_path, state_path;
  app.add_option("--socket", socket_path, "Unix socket to serve the service port on")->required();
  app.add_option("--state", state_path, "file holding the lock's persistent state")->required();
  CLI11_PARSE(app, argc, argv);

  auto serial = lockfw::host::load_or_create_serial(state_path);
  if (!serial) {
    std::fprintf(stderr, "lockfw-sim: %s\n", serial.error().c_str());
    return 1;
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);

  lockfw::host::HostTicks ticks;
  lockfw::host::HostEntropy entropy;
  lockfw::host::HostBattery battery;
  static const lockfw::DeviceConfig config{};
  lockfw::Lock lock(config, serial->c_str(), ticks, battery);

  lockfw::host::SocketServer server;
  if (auto ok = server.listen(socket_path); !ok) {
    std::fprintf(stderr, "lockfw-sim: %s\n", ok.error().c_str());
    return 1;
  }
  lockfw::host::SimAnnouncement announcement(*serial, socket_path);  // lockdiag devices finds it
  lockfw::ServicePort port(server.port(), ticks, entropy, lock);
  std::fprintf(stderr, "lockfw-sim: serial %s serving on %s\n", serial->c_str(), socket_path.c_str());
  server.run([&](const uint8_t* r) { port.on_report(r); }, [&] { port.poll(); }, g_stop);
  return 0;
}
