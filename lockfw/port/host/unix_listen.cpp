#include "unix_listen.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lockfw::host {

std::expected<int, std::string> listen_unix(const std::string& path, int type, const char* what) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path)
    return std::unexpected(std::string(what) + " path is too long (" + std::to_string(path.size()) +
                           " bytes, at most " + std::to_string(sizeof addr.sun_path - 1) + "): " + path);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  struct stat st{};
  const bool exists = ::lstat(path.c_str(), &st) == 0;
  if (exists && !S_ISSOCK(st.st_mode))
    return std::unexpected(path +
                           " exists and is not a socket; lockfw-sim does not delete it (choose another --socket)");
  const int fd = ::socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::unexpected(std::string("cannot create ") + what + ": " + std::strerror(errno));
  if (exists) {
    // A socket file left by a crashed simulator is replaced; a live one is not.
    const int probe = ::socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    const bool live = probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (probe >= 0) ::close(probe);
    if (live) {
      ::close(fd);
      return std::unexpected("another virtual lock is already serving " + path);
    }
    ::unlink(path.c_str());
  }
  // The socket file is born 0600: bind creates it under this umask.
  const mode_t old = ::umask(0177);
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::umask(old);
  if (!bound || ::listen(fd, 8) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return std::unexpected(std::string("cannot listen on ") + path + ": " + why);
  }
  ::chmod(path.c_str(), 0600);
  return fd;
}

void unlink_socket(const std::string& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(path.c_str());
}

}  // namespace lockfw::host
