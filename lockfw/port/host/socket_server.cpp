#include "socket_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "lockfw/wire.h"
#include "unix_listen.h"

namespace lockfw::host {

SocketServer::~SocketServer() {
  for (int fd : port_.clients()) ::close(fd);
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    unlink_socket(path_);
  }
}

std::expected<void, std::string> SocketServer::listen(const std::string& path) {
  auto fd = listen_unix(path, SOCK_SEQPACKET, "service socket");
  if (!fd) return std::unexpected(fd.error());
  listen_fd_ = *fd;
  path_ = path;
  return {};
}

void SocketServer::run(const std::function<void(const uint8_t*)>& on_report, const std::function<void()>& tick,
                       const volatile bool& stop_flag, int tick_ms,
                       const std::function<void(std::vector<pollfd>&)>& add_fds,
                       const std::function<void(const pollfd&)>& on_fd) {
  std::vector<pollfd> fds;
  while (!stop_flag) {
    fds.clear();
    fds.push_back({listen_fd_, POLLIN, 0});
    for (int c : port_.clients()) fds.push_back({c, POLLIN | POLLRDHUP, 0});
    const size_t own = fds.size();
    if (add_fds) add_fds(fds);
    const int n = ::poll(fds.data(), fds.size(), tick_ms);
    if (n < 0 && errno != EINTR) break;
    if (n > 0) {
      if (fds[0].revents & POLLIN) {
        const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c >= 0) port_.add_client(c);
      }
      for (size_t i = own; i < fds.size(); ++i)
        if (fds[i].revents && on_fd) on_fd(fds[i]);
      for (size_t i = 1; i < own; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR | POLLRDHUP))) continue;
        uint8_t report[wire::kReportSize];
        // MSG_TRUNC: the datagram's real length, so a longer one is refused, not cut to 64.
        const ssize_t got = ::recv(fds[i].fd, report, sizeof report, MSG_DONTWAIT | MSG_TRUNC);
        // An empty datagram also reads as 0 bytes: only a peer that hung up (or shut down its
        // sending side) ends the connection.
        const bool hung_up = got == 0 && (fds[i].revents & (POLLHUP | POLLERR | POLLRDHUP));
        if (hung_up || (got < 0 && errno != EAGAIN && errno != EINTR)) {
          ::close(fds[i].fd);
          port_.remove_client(fds[i].fd);
          continue;
        }
        // A report is exactly 64 bytes; anything else (shorter, empty, longer) never reaches
        // the firmware, as a USB controller would not deliver it either.
        if (got == static_cast<ssize_t>(wire::kReportSize)) on_report(report);
      }
    }
    tick();
  }
}

}  // namespace lockfw::host
