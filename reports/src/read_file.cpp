// Reading a report file with bounded memory: the size is checked before reading, and the
// read itself stops one byte past the cap (for pipes and devices whose size is unknown).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lockdiag/reports/verify.h"

namespace lockdiag::reports {

std::expected<std::string, VerifyError> read_report_file(const std::filesystem::path& path, std::size_t cap) {
  auto refuse = [](VerifyReason r, std::string m) { return std::unexpected(VerifyError{r, std::move(m)}); };
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return refuse(VerifyReason::unreadable, "cannot open " + path.string() + ": " + std::strerror(errno));
  struct stat st{};
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    const int err = S_ISDIR(st.st_mode) ? EISDIR : errno;
    close(fd);
    return refuse(VerifyReason::unreadable, "cannot read " + path.string() + ": " + std::strerror(err));
  }
  if (S_ISREG(st.st_mode) && static_cast<std::uintmax_t>(st.st_size) > cap) {
    close(fd);
    return refuse(VerifyReason::too_large, path.string() + " is " + std::to_string(st.st_size) +
                                               " bytes; reports are at most " + std::to_string(cap) +
                                               " bytes (this is not a lockdiag report)");
  }
  std::string out;
  out.resize(S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) + 1 : 64 * 1024);
  std::size_t done = 0;
  for (;;) {
    if (done == out.size()) {
      if (out.size() > cap) break;
      out.resize(std::min(out.size() * 2, cap + 1));
    }
    const ssize_t n = read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      return refuse(VerifyReason::unreadable, "cannot read " + path.string() + ": " + std::strerror(err));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
    if (done > cap) break;
  }
  close(fd);
  if (done > cap)
    return refuse(VerifyReason::too_large, path.string() + " is larger than " + std::to_string(cap) +
                                               " bytes; reports are not that large (this is not a lockdiag report)");
  out.resize(done);
  return out;
}

}  // namespace lockdiag::reports
