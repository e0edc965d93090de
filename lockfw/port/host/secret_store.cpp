#include "secret_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lockfw::host {

namespace {
constexpr char kMagic[8] = {'L', 'F', 'S', 'E', 'C', 'R', 'T', '1'};

bool write_all(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}
}  // namespace

bool RamSecretStore::load(hal::SecretId id, uint8_t out[hal::kSecretSize]) {
  if (id >= hal::kSecretIdCount || !have_[id]) return false;
  std::memcpy(out, keys_[id].data(), hal::kSecretSize);
  return true;
}

bool RamSecretStore::store(hal::SecretId id, const uint8_t in[hal::kSecretSize]) {
  if (id >= hal::kSecretIdCount || fail_stores) return false;
  std::memcpy(keys_[id].data(), in, hal::kSecretSize);
  have_[id] = true;
  return true;
}

bool FileSecretStore::exists() const {
  struct stat st{};
  return ::lstat(path_.c_str(), &st) == 0;
}

FileSecretStore::Read FileSecretStore::read_all(uint8_t* buf) const {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return errno == ENOENT ? Read::kMissing : Read::kForeign;
  struct stat st{};
  size_t got = 0;
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == static_cast<off_t>(kFileSize);
  while (ok && got < kFileSize) {
    const ssize_t r = ::read(fd, buf + got, kFileSize - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) ok = false;
    else got += static_cast<size_t>(r);
  }
  ::close(fd);
  return ok && std::memcmp(buf, kMagic, sizeof kMagic) == 0 ? Read::kOk : Read::kForeign;
}

bool FileSecretStore::load(hal::SecretId id, uint8_t out[hal::kSecretSize]) {
  uint8_t buf[kFileSize];
  if (id >= hal::kSecretIdCount || read_all(buf) != Read::kOk) return false;
  const uint8_t* rec = buf + sizeof kMagic + id * kRecord;
  const bool present = rec[0] == 1;
  if (present) std::memcpy(out, rec + 1, hal::kSecretSize);
  explicit_bzero(buf, sizeof buf);
  return present;
}

bool FileSecretStore::store(hal::SecretId id, const uint8_t in[hal::kSecretSize]) {
  if (id >= hal::kSecretIdCount) return false;
  uint8_t buf[kFileSize] = {};
  const Read r = read_all(buf);
  if (r == Read::kForeign) return false;  // not ours: never overwritten
  if (r == Read::kMissing) {
    std::memset(buf, 0, sizeof buf);
    std::memcpy(buf, kMagic, sizeof kMagic);
  }
  uint8_t* rec = buf + sizeof kMagic + id * kRecord;
  rec[0] = 1;
  std::memcpy(rec + 1, in, hal::kSecretSize);
  const std::string tmp = path_ + ".tmp";
  ::unlink(tmp.c_str());  // a leftover of an interrupted store (our own name)
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  bool ok = fd >= 0;
  if (ok) {
    ok = ::fchmod(fd, 0600) == 0 && write_all(fd, buf, sizeof buf) && ::fsync(fd) == 0;
    ok = (::close(fd) == 0) && ok;
    ok = ok && ::rename(tmp.c_str(), path_.c_str()) == 0;
    if (!ok) ::unlink(tmp.c_str());
  }
  explicit_bzero(buf, sizeof buf);
  return ok;
}

}  // namespace lockfw::host
