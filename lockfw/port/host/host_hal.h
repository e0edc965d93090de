// lockfw's HAL on a laptop: steady clock, getrandom, a battery value tests can set,
// and a USB port that is a Unix socket carrying the same 64-byte reports.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "hal/hal.h"

namespace lockfw::host {

class HostTicks final : public hal::Ticks {
 public:
  uint32_t now_ms() override;
};

class HostEntropy final : public hal::Entropy {
 public:
  void fill(uint8_t* buf, size_t n) override;
};

class HostBattery final : public hal::Battery {
 public:
  uint16_t millivolts() override { return mv_.load(); }
  void set(uint16_t mv) { mv_.store(mv); }
 private:
  std::atomic<uint16_t> mv_{5900};
};

// Every connected client sees every IN report, as every reader of a hidraw node does;
// clients tell their answers apart by channel id.
class SocketUsbPort final : public hal::UsbPort {
 public:
  bool send_report(const uint8_t* report64) override;
  void add_client(int fd) { clients_.push_back(fd); }
  void remove_client(int fd);
  const std::vector<int>& clients() const { return clients_; }
 private:
  std::vector<int> clients_;
};

}  // namespace lockfw::host
