#include "host_hal.h"

#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "lockfw/wire.h"

namespace lockfw::host {

uint32_t HostTicks::now_ms() {
  using namespace std::chrono;
  return static_cast<uint32_t>(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

void HostEntropy::fill(uint8_t* buf, size_t n) {
  while (n > 0) {
    const ssize_t got = getrandom(buf, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::abort();  // no entropy means no device secret: refuse to run rather than weaken it
    }
    buf += got;
    n -= static_cast<size_t>(got);
  }
}

bool SocketUsbPort::send_report(const uint8_t* report64) {
  for (int fd : clients_) {
    // A client that does not read is its own problem; the lock never blocks on it.
    (void)::send(fd, report64, wire::kReportSize, MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  return true;
}

void SocketUsbPort::remove_client(int fd) {
  clients_.erase(std::remove(clients_.begin(), clients_.end(), fd), clients_.end());
}

}  // namespace lockfw::host
