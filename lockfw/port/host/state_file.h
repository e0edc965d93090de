// The virtual lock's state file (lockfw-sim --state FILE): a 4 KiB text header (the factory
// provisioning record and the simulator's own bookkeeping: serial, scenario, battery, RTC
// cell, which person owns which slot) followed by the raw NOR flash image, mapped into
// memory. The firmware writes flash; the file is that flash, so a virtual lock keeps its
// state across runs and a killed simulator loses only what real power loss would.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <string>

#include "host_hal.h"

namespace lockfw::host {

struct SimHeader {
  std::string serial;
  std::string scenario;  // empty: a plain factory-fresh lock
  uint16_t battery_mv = 5900;
  HostRtc::Saved rtc{false, 0, 0, 0.0};
  std::map<uint16_t, std::string> owners;  // slot -> scenario person (names, never codes)
  bool wet = false;
  int64_t world_offset_ms = 0;  // virtual world time minus system time (ctl advance)
};

class StateFile {
 public:
  static constexpr size_t kHeaderSize = 4096;
  // Opens or creates the file for a flash of block_size * blocks bytes. `created` tells whether
  // it is new (erased flash, fresh serial). Refuses files that are not lockfw-sim state.
  static std::expected<StateFile, std::string> open(const std::string& path, uint32_t block_size, uint32_t blocks,
                                                    bool& created);
  StateFile(StateFile&& o) noexcept;
  StateFile& operator=(StateFile&&) = delete;
  ~StateFile();

  uint8_t* flash() { return map_ + kHeaderSize; }
  SimHeader& header() { return header_; }
  void save_header();
  void sync();

 private:
  StateFile() = default;
  int fd_ = -1;
  uint8_t* map_ = nullptr;
  size_t size_ = 0;
  SimHeader header_;
};

}  // namespace lockfw::host
