// The service port on a Unix SOCK_SEQPACKET socket: one datagram per 64-byte report,
// so report boundaries survive exactly as they do on a USB interrupt endpoint.
#pragma once

#include <expected>
#include <functional>
#include <vector>

#include <poll.h>
#include <string>

#include "host_hal.h"

namespace lockfw::host {

class SocketServer {
 public:
  ~SocketServer();
  std::expected<void, std::string> listen(const std::string& path);
  // Serves until stop() or a signal flag; on_report gets each OUT report, tick runs
  // at least every `tick_ms`.
  // add_fds/on_fd let another socket (the control interface) share the loop.
  void run(const std::function<void(const uint8_t*)>& on_report, const std::function<void()>& tick,
           const volatile bool& stop_flag, int tick_ms = 5,
           const std::function<void(std::vector<pollfd>&)>& add_fds = {},
           const std::function<void(const pollfd&)>& on_fd = {});
  SocketUsbPort& port() { return port_; }

 private:
  int listen_fd_ = -1;
  std::string path_;
  SocketUsbPort port_;
};

}  // namespace lockfw::host
