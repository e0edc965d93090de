#include "sim_transport.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lockdiag::drivers {

Result<std::unique_ptr<Transport>> SimTransport::open(const std::string& path) {
  sockaddr_un addr{};
  if (path.empty()) return fail(ErrorKind::kBadAddress, "sim: needs a socket path, e.g. sim:/tmp/lock.sock");
  if (path.size() >= sizeof addr.sun_path) return fail(ErrorKind::kBadAddress, "socket path is too long: " + path);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(ErrorKind::kIo, std::string("cannot create a socket: ") + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int e = errno;
    ::close(fd);
    switch (e) {
      case ENOENT:
        return fail(ErrorKind::kUnreachable, "no virtual lock at " + path +
                                                 ": the socket does not exist (start one: lockfw-sim --socket " + path +
                                                 " --state FILE)");
      case ECONNREFUSED:
        return fail(ErrorKind::kUnreachable, "nothing is listening at " + path + " (lockfw-sim has stopped)");
      case EACCES:
      case EPERM: return fail(ErrorKind::kPermissionDenied, "no permission to open " + path);
      case EPROTOTYPE:
      case ENOTSOCK: return fail(ErrorKind::kProtocol, path + " is not a lockfw-sim service port");
      default: return fail(ErrorKind::kUnreachable, "cannot connect to " + path + ": " + std::strerror(e));
    }
  }
  return std::unique_ptr<Transport>(new SimTransport(fd, path));
}

SimTransport::~SimTransport() { ::close(fd_); }

Result<void> SimTransport::write(const Report& report) {
  for (;;) {
    const ssize_t n = ::send(fd_, report.data(), report.size(), MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(report.size())) return {};
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN))
      return fail(ErrorKind::kDisconnected, "the virtual lock at " + path_ + " went away");
    return fail(ErrorKind::kIo, std::string("write to ") + describe() + " failed: " + std::strerror(errno));
  }
}

Result<Report> SimTransport::read(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  for (;;) {
    const int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail(ErrorKind::kIo, std::string("poll failed: ") + std::strerror(errno));
    if (r == 0) return fail(ErrorKind::kTimeout, "no report within " + std::to_string(timeout_ms) + " ms");
    break;
  }
  uint8_t buf[lockfw::wire::kReportSize + 1];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n == 0) return fail(ErrorKind::kDisconnected, "the virtual lock at " + path_ + " closed the connection");
  if (n < 0) {
    if (errno == ECONNRESET) return fail(ErrorKind::kDisconnected, "the virtual lock at " + path_ + " went away");
    return fail(ErrorKind::kIo, std::string("read from ") + describe() + " failed: " + std::strerror(errno));
  }
  if (n != static_cast<ssize_t>(lockfw::wire::kReportSize))
    return fail(ErrorKind::kProtocol,
                describe() + " sent a " + std::to_string(n) + "-byte datagram; a service-port report is 64 bytes");
  Report out;
  std::memcpy(out.data(), buf, out.size());
  return out;
}

}  // namespace lockdiag::drivers
