#include "state_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

namespace lockfw::host {

namespace {
constexpr const char* kMagicV2 = "lockfw-sim-state 2";
constexpr const char* kMagicV1 = "lockfw-sim-state 1";

std::string new_serial() {
  uint8_t raw[4];
  HostEntropy().fill(raw, sizeof raw);
  char serial[16];
  std::snprintf(serial, sizeof serial, "LD1-%02X%02X%02X%02X", raw[0], raw[1], raw[2], raw[3]);
  return serial;
}

bool parse_header(const char* text, SimHeader& h) {
  std::istringstream in(std::string(text, strnlen(text, StateFile::kHeaderSize)));
  std::string line;
  if (!std::getline(in, line) || line != kMagicV2) return false;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "serial") h.serial = v;
    else if (k == "scenario") h.scenario = v;
    else if (k == "battery") h.battery_mv = static_cast<uint16_t>(std::stoul(v));
    else if (k == "wet") h.wet = v == "1";
    else if (k == "world_offset_ms") h.world_offset_ms = std::stoll(v);
    else if (k == "rtc") {
      std::istringstream r(v);
      int set = 0;
      r >> set >> h.rtc.base_s >> h.rtc.world_at_base_ms >> h.rtc.drift;
      h.rtc.set = set != 0;
    } else if (k == "owners") {
      std::istringstream o(v);
      std::string item;
      while (std::getline(o, item, ',')) {
        const auto c = item.find(':');
        if (c != std::string::npos) h.owners[static_cast<uint16_t>(std::stoul(item.substr(0, c)))] = item.substr(c + 1);
      }
    }
  }
  return !h.serial.empty() && h.serial.size() <= 15;
}
}  // namespace

std::expected<StateFile, std::string> StateFile::open(const std::string& path, uint32_t block_size, uint32_t blocks,
                                                      bool& created) {
  const size_t size = kHeaderSize + static_cast<size_t>(block_size) * blocks;
  StateFile f;
  f.size_ = size;
  created = false;
  std::string keep_serial;
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0) {
    // The first lockfw-sim wrote a two-line text file: keep its serial, start the flash fresh.
    FILE* in = std::fopen(path.c_str(), "rb");
    if (!in) return std::unexpected("cannot read state file " + path + ": " + std::strerror(errno));
    char head[64] = {};
    const size_t got = std::fread(head, 1, sizeof head - 1, in);
    std::fclose(in);
    const std::string text(head, got);
    if (text.rfind(kMagicV1, 0) == 0) {
      std::istringstream s(text);
      std::string magic;
      std::getline(s, magic);
      std::getline(s, keep_serial);
      ::unlink(path.c_str());
    } else if (text.rfind(kMagicV2, 0) != 0) {
      return std::unexpected("state file " + path + " is not a lockfw-sim state file (refusing to overwrite it)");
    } else if (static_cast<size_t>(st.st_size) != size) {
      return std::unexpected("state file " + path + " holds a flash of another size (" + std::to_string(st.st_size) +
                             " bytes, expected " + std::to_string(size) + ")");
    }
  }
  f.fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (f.fd_ < 0) return std::unexpected("cannot open state file " + path + ": " + std::strerror(errno));
  struct stat now{};
  ::fstat(f.fd_, &now);
  if (now.st_size == 0) {
    created = true;
    if (::ftruncate(f.fd_, static_cast<off_t>(size)) != 0)
      return std::unexpected("cannot size state file " + path + ": " + std::strerror(errno));
  }
  void* m = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, f.fd_, 0);
  if (m == MAP_FAILED) return std::unexpected("cannot map state file " + path + ": " + std::strerror(errno));
  f.map_ = static_cast<uint8_t*>(m);
  if (created) {
    std::memset(f.map_ + kHeaderSize, 0xFF, size - kHeaderSize);  // erased NOR
    f.header_.serial = keep_serial.empty() ? new_serial() : keep_serial;
    f.save_header();
  } else if (!parse_header(reinterpret_cast<const char*>(f.map_), f.header_)) {
    return std::unexpected("state file " + path + " has a damaged header");
  }
  return f;
}

StateFile::StateFile(StateFile&& o) noexcept : fd_(o.fd_), map_(o.map_), size_(o.size_), header_(std::move(o.header_)) {
  o.fd_ = -1;
  o.map_ = nullptr;
}

StateFile::~StateFile() {
  if (map_) {
    ::msync(map_, size_, MS_SYNC);
    ::munmap(map_, size_);
  }
  if (fd_ >= 0) ::close(fd_);
}

void StateFile::save_header() {
  std::ostringstream o;
  o << kMagicV2 << "\n";
  o << "serial=" << header_.serial << "\n";
  o << "scenario=" << header_.scenario << "\n";
  o << "battery=" << header_.battery_mv << "\n";
  o << "wet=" << (header_.wet ? 1 : 0) << "\n";
  o << "world_offset_ms=" << header_.world_offset_ms << "\n";
  o << "rtc=" << (header_.rtc.set ? 1 : 0) << " " << header_.rtc.base_s << " " << header_.rtc.world_at_base_ms << " "
    << header_.rtc.drift << "\n";
  o << "owners=";
  bool first = true;
  for (const auto& [slot, name] : header_.owners) {
    o << (first ? "" : ",") << slot << ":" << name;
    first = false;
  }
  o << "\n";
  const std::string s = o.str();
  std::memset(map_, 0, kHeaderSize);
  std::memcpy(map_, s.data(), s.size() < kHeaderSize ? s.size() : kHeaderSize - 1);
}

void StateFile::sync() { ::msync(map_, size_, MS_SYNC); }

}  // namespace lockfw::host
