#include "lockdiag/reports/io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace lockdiag::reports {

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view bytes, mode_t mode) {
  std::string tmp = path.string() + ".tmpXXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return fail("cannot write " + path.string() + ": " + std::strerror(errno));
  auto abandon = [&](const std::string& what) {
    const int err = errno;
    close(fd);
    unlink(tmp.c_str());
    return fail("cannot write " + path.string() + ": " + what + ": " + std::strerror(err));
  };
  if (fchmod(fd, mode) != 0) return abandon("chmod");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return abandon("write");
    done += static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0) return abandon("fsync");
  if (close(fd) != 0) {
    unlink(tmp.c_str());
    return fail("cannot write " + path.string() + ": close: " + std::strerror(errno));
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    unlink(tmp.c_str());
    return fail("cannot write " + path.string() + ": " + std::strerror(err));
  }
  return {};
}

}  // namespace lockdiag::reports
