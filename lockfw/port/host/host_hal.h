// lockfw's HAL on a laptop: a virtual clock, an RTC with drift and power loss, getrandom or a
// seeded generator, a battery value the control interface sets, libsodium for HMAC-SHA-256,
// NOR flash with real semantics (in RAM or mapped from the state file) and a USB port that is
// a Unix socket carrying the same 64-byte reports.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hal/hal.h"

namespace lockfw::host {

// The virtual world's time. Real mode follows the steady clock plus whatever advance() added;
// manual mode (tests) moves only when told. World UTC = utc_base + elapsed.
class SimClock {
 public:
  explicit SimClock(bool manual, int64_t utc_base_ms = 0);
  uint64_t mono_ms() const;
  int64_t world_utc_ms() const { return utc_base_ms_ + static_cast<int64_t>(mono_ms()); }
  void advance_ms(uint64_t ms) { offset_ms_ += ms; }
  void set_world_utc_ms(int64_t utc_ms) { utc_base_ms_ = utc_ms - static_cast<int64_t>(mono_ms()); }
  bool manual() const { return manual_; }

 private:
  bool manual_;
  int64_t utc_base_ms_;
  uint64_t offset_ms_ = 0;
  uint64_t start_ns_ = 0;
};

class HostTicks final : public hal::Ticks {
 public:
  explicit HostTicks(const SimClock& c) : clock_(c) {}
  uint32_t now_ms() override { return static_cast<uint32_t>(clock_.mono_ms()); }

 private:
  const SimClock& clock_;
};

// RTC: after set(), UTC that runs fast or slow by drift_s_per_day; after lose(), "not set",
// counting seconds from zero.
class HostRtc final : public hal::Rtc {
 public:
  explicit HostRtc(const SimClock& c) : clock_(c) { lose(); }
  bool is_set() override { return set_; }
  uint32_t now() override;
  void set(uint32_t utc) override;
  void lose();
  void jump(int64_t seconds) { base_s_ += seconds; }
  void set_drift(double s_per_day);  // keeps the current reading
  double drift() const { return drift_s_per_day_; }
  // Persisted by the simulator between runs (the RTC has its own cell).
  struct Saved {
    bool set;
    int64_t base_s;
    int64_t world_at_base_ms;
    double drift;
  };
  Saved save() const { return {set_, base_s_, world_at_base_ms_, drift_s_per_day_}; }
  void restore(const Saved& s);

 private:
  const SimClock& clock_;
  bool set_ = false;
  int64_t base_s_ = 0;
  int64_t world_at_base_ms_ = 0;
  double drift_s_per_day_ = 0;
};

class HostEntropy final : public hal::Entropy {
 public:
  void fill(uint8_t* buf, size_t n) override;
};

// Deterministic entropy for tests and reproducible scenarios (never for a real device).
class SeededEntropy final : public hal::Entropy {
 public:
  explicit SeededEntropy(uint64_t seed) : s_(seed ? seed : 0x9E3779B97F4A7C15ull) {}
  void fill(uint8_t* buf, size_t n) override;

 private:
  uint64_t s_;
};

class HostBattery final : public hal::Battery {
 public:
  uint16_t millivolts() override { return mv_.load(); }
  void set(uint16_t mv) { mv_.store(mv); }

 private:
  std::atomic<uint16_t> mv_{5900};
};

class HostBolt final : public hal::Bolt {
 public:
  bool unlock() override {
    ++unlocks_;
    return true;
  }
  uint64_t unlocks() const { return unlocks_; }

 private:
  uint64_t unlocks_ = 0;
};

class SodiumCrypto final : public hal::Crypto {
 public:
  SodiumCrypto();
  void hmac_init(HmacState& st, const uint8_t* key, size_t key_len) override;
  void hmac_update(HmacState& st, const uint8_t* data, size_t n) override;
  void hmac_final(HmacState& st, uint8_t out[32]) override;
  void sha256(const uint8_t* data, size_t n, uint8_t out[32]) override;
};

// NOR flash: erase sets a block to 0xFF, program ANDs (1 -> 0 only), each block has an erase
// budget. Power-cut injection: after `cut_after` more program/erase operations the next one is
// done only in part (a prefix of the bytes), every later one fails, until power_on().
class FlashSim final : public hal::Flash {
 public:
  FlashSim(uint32_t block_size, uint32_t blocks, uint8_t* external = nullptr);
  uint32_t block_size() const override { return bsize_; }
  uint32_t block_count() const override { return blocks_; }
  bool read(uint32_t addr, uint8_t* buf, uint32_t n) override;
  bool prog(uint32_t addr, const uint8_t* buf, uint32_t n) override;
  bool erase(uint32_t block) override;

  void cut_after(int64_t ops, uint64_t seed = 1) {
    cut_countdown_ = ops;
    cut_rng_ = seed | 1;
  }
  void power_on() {
    dead_ = false;
    cut_countdown_ = -1;
  }
  bool dead() const { return dead_; }
  uint64_t ops() const { return ops_; }
  uint64_t prog_violations() const { return violations_; }  // attempts to turn a 0 bit into 1
  uint32_t erase_count(uint32_t block) const { return erases_[block]; }
  void set_erase_limit(uint32_t limit) { erase_limit_ = limit; }
  uint8_t* data() { return mem_; }
  size_t size() const { return static_cast<size_t>(bsize_) * blocks_; }
  std::function<void()> on_cut;  // called once when the cut happens (the simulator exits there)

 private:
  bool begin_op(uint32_t& partial_of, uint32_t n);
  uint32_t bsize_, blocks_;
  std::vector<uint8_t> own_;
  uint8_t* mem_;
  std::vector<uint32_t> erases_;
  uint32_t erase_limit_ = 100000;
  int64_t cut_countdown_ = -1;
  uint64_t cut_rng_ = 1;
  bool dead_ = false;
  uint64_t ops_ = 0, violations_ = 0;
};

// Every connected client sees every IN report, as every reader of a hidraw node does;
// clients tell their answers apart by channel id.
class SocketUsbPort final : public hal::UsbPort {
 public:
  bool send_report(const uint8_t* report64) override;
  void add_client(int fd) { clients_.push_back(fd); }
  void remove_client(int fd);
  const std::vector<int>& clients() const { return clients_; }
  // Everything the lock sent, for the leak scanner of tests (off unless enabled).
  std::function<void(const uint8_t*)> tap;

 private:
  std::vector<int> clients_;
};

}  // namespace lockfw::host
