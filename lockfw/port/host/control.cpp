#include "control.h"

#include "unix_listen.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lockfw::host {

std::string control_socket_path(const std::string& service_socket) { return service_socket + ".ctl"; }

ControlServer::~ControlServer() {
  for (auto& [fd, buf] : clients_) ::close(fd);
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    unlink_socket(path_);
  }
}

std::expected<void, std::string> ControlServer::listen(const std::string& path) {
  auto fd = listen_unix(path, SOCK_STREAM, "control socket");
  if (!fd) return std::unexpected(fd.error());
  listen_fd_ = *fd;
  path_ = path;
  return {};
}

void ControlServer::fds(std::vector<pollfd>& out) const {
  out.push_back({listen_fd_, POLLIN, 0});
  for (const auto& [fd, buf] : clients_) out.push_back({fd, POLLIN, 0});
}

void ControlServer::ready(const pollfd& p, const std::function<std::string(const std::string&)>& handler) {
  if (p.fd == listen_fd_) {
    const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c >= 0) clients_[c] = {};
    return;
  }
  auto it = clients_.find(p.fd);
  if (it == clients_.end()) return;
  char buf[512];
  const ssize_t n = ::recv(p.fd, buf, sizeof buf, MSG_DONTWAIT);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    ::close(p.fd);
    clients_.erase(it);
    return;
  }
  it->second.append(buf, static_cast<size_t>(n));
  if (it->second.size() > 4096) {  // nobody types that much
    ::close(p.fd);
    clients_.erase(it);
    return;
  }
  size_t nl;
  while ((nl = it->second.find('\n')) != std::string::npos) {
    std::string line = it->second.substr(0, nl);
    it->second.erase(0, nl + 1);
    const std::string reply = handler(line) + "\n";
    (void)::send(p.fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  }
}

int control_client(const std::string& service_socket, const std::vector<std::string>& words, int timeout_ms) {
  const std::string path = control_socket_path(service_socket);
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    std::fprintf(stderr, "error control socket path is too long: %s\n", path.c_str());
    return 2;
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::fprintf(stderr, "error no virtual lock answers at %s (%s)\n", path.c_str(), std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return 2;
  }
  std::string line;
  for (const auto& w : words) line += (line.empty() ? "" : " ") + w;
  line += "\n";
  (void)::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
  std::string reply;
  pollfd p{fd, POLLIN, 0};
  while (reply.find('\n') == std::string::npos) {
    if (::poll(&p, 1, timeout_ms) <= 0) break;
    char buf[512];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (reply.empty()) {
    std::fprintf(stderr, "error the virtual lock went away before answering (power cut?)\n");
    return 1;
  }
  if (reply.back() != '\n') reply += "\n";
  const bool ok = reply.rfind("ok", 0) == 0;
  std::fputs(reply.c_str(), ok ? stdout : stderr);
  return ok ? 0 : 1;
}

}  // namespace lockfw::host
