#include "host_hal.h"

#include <sodium.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "lockfw/wire.h"

namespace lockfw::host {

namespace {
uint64_t steady_ns() {
  using namespace std::chrono;
  return static_cast<uint64_t>(duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count());
}
int64_t system_utc_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}
}  // namespace

SimClock::SimClock(bool manual, int64_t utc_base_ms)
    : manual_(manual), utc_base_ms_(utc_base_ms ? utc_base_ms : system_utc_ms()), start_ns_(steady_ns()) {}

uint64_t SimClock::mono_ms() const {
  const uint64_t real = manual_ ? 0 : (steady_ns() - start_ns_) / 1000000u;
  return real + offset_ms_;
}

uint32_t HostRtc::now() {
  const double elapsed_s = static_cast<double>(clock_.world_utc_ms() - world_at_base_ms_) / 1000.0;
  const double v = static_cast<double>(base_s_) + elapsed_s * (1.0 + drift_s_per_day_ / 86400.0);
  return v <= 0 ? 0u : static_cast<uint32_t>(std::floor(v));
}

void HostRtc::set(uint32_t utc) {
  set_ = true;
  base_s_ = utc;
  world_at_base_ms_ = clock_.world_utc_ms();
}

void HostRtc::lose() {
  set_ = false;
  base_s_ = 0;
  world_at_base_ms_ = clock_.world_utc_ms();
}

void HostRtc::set_drift(double s_per_day) {
  const uint32_t reading = now();
  const bool was = set_;
  base_s_ = reading;
  world_at_base_ms_ = clock_.world_utc_ms();
  set_ = was;
  drift_s_per_day_ = s_per_day;
}

void HostRtc::restore(const Saved& s) {
  set_ = s.set;
  base_s_ = s.base_s;
  world_at_base_ms_ = s.world_at_base_ms;
  drift_s_per_day_ = s.drift;
}

void HostEntropy::fill(uint8_t* buf, size_t n) {
  while (n > 0) {
    const ssize_t got = getrandom(buf, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::abort();  // no entropy means no device secret: refuse to run rather than weaken it
    }
    buf += got;
    n -= static_cast<size_t>(got);
  }
}

void SeededEntropy::fill(uint8_t* buf, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    buf[i] = static_cast<uint8_t>(s_ >> 24);
  }
}

SodiumCrypto::SodiumCrypto() {
  if (sodium_init() < 0) std::abort();
  static_assert(sizeof(crypto_auth_hmacsha256_state) <= sizeof(HmacState::opaque));
}
// libsodium declares its pointers non-null even for zero lengths.
static const uint8_t kEmpty[1] = {0};
void SodiumCrypto::hmac_init(HmacState& st, const uint8_t* key, size_t key_len) {
  if (!key) key = kEmpty;
  crypto_auth_hmacsha256_init(reinterpret_cast<crypto_auth_hmacsha256_state*>(st.opaque), key, key_len);
}
void SodiumCrypto::hmac_update(HmacState& st, const uint8_t* data, size_t n) {
  if (n == 0) return;
  crypto_auth_hmacsha256_update(reinterpret_cast<crypto_auth_hmacsha256_state*>(st.opaque), data, n);
}
void SodiumCrypto::hmac_final(HmacState& st, uint8_t out[32]) {
  crypto_auth_hmacsha256_final(reinterpret_cast<crypto_auth_hmacsha256_state*>(st.opaque), out);
}
void SodiumCrypto::sha256(const uint8_t* data, size_t n, uint8_t out[32]) {
  crypto_hash_sha256(out, data ? data : kEmpty, n);
}

FlashSim::FlashSim(uint32_t block_size, uint32_t blocks, uint8_t* external)
    : bsize_(block_size), blocks_(blocks), erases_(blocks, 0) {
  if (external) {
    mem_ = external;
  } else {
    own_.assign(static_cast<size_t>(block_size) * blocks, 0xFF);
    mem_ = own_.data();
  }
}

bool FlashSim::read(uint32_t addr, uint8_t* buf, uint32_t n) {
  if (static_cast<size_t>(addr) + n > size()) return false;
  std::memcpy(buf, mem_ + addr, n);
  return true;
}

// Returns false when the device is already dead; partial_of = bytes to apply when this is the
// operation the power cut interrupts (n otherwise).
bool FlashSim::begin_op(uint32_t& partial_of, uint32_t n) {
  if (dead_) return false;
  ++ops_;
  partial_of = n;
  if (cut_countdown_ < 0) return true;
  if (cut_countdown_-- > 0) return true;
  cut_rng_ ^= cut_rng_ << 13;
  cut_rng_ ^= cut_rng_ >> 7;
  cut_rng_ ^= cut_rng_ << 17;
  partial_of = n ? static_cast<uint32_t>(cut_rng_ % n) : 0;  // strictly less than the whole
  dead_ = true;
  return true;
}

bool FlashSim::prog(uint32_t addr, const uint8_t* buf, uint32_t n) {
  if (static_cast<size_t>(addr) + n > size()) return false;
  uint32_t apply = n;
  if (!begin_op(apply, n)) return false;
  for (uint32_t i = 0; i < apply; ++i) {
    if ((buf[i] & ~mem_[addr + i]) != 0) ++violations_;  // NOR cannot set bits: they stay 0
    mem_[addr + i] &= buf[i];
  }
  if (dead_) {
    if (on_cut) on_cut();
    return false;
  }
  return true;
}

bool FlashSim::erase(uint32_t block) {
  if (block >= blocks_) return false;
  if (erases_[block] >= erase_limit_) return false;  // worn out: the erase no longer takes
  uint32_t apply = bsize_;
  if (!begin_op(apply, bsize_)) return false;
  std::memset(mem_ + static_cast<size_t>(block) * bsize_, 0xFF, apply);
  ++erases_[block];
  if (dead_) {
    if (on_cut) on_cut();
    return false;
  }
  return true;
}

bool SocketUsbPort::send_report(const uint8_t* report64) {
  if (tap) tap(report64);
  for (int fd : clients_) {
    // A client that does not read is its own problem; the lock never blocks on it.
    (void)::send(fd, report64, wire::kReportSize, MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  return true;
}

void SocketUsbPort::remove_client(int fd) {
  clients_.erase(std::remove(clients_.begin(), clients_.end(), fd), clients_.end());
}

}  // namespace lockfw::host
