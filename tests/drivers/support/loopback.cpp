#include "loopback.h"

#include <algorithm>
#include <cstring>

namespace lockdiag::test {

using drivers::ErrorKind;
using drivers::fail;

void LoopbackLock::Entropy::fill(uint8_t* buf, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    buf[i] = static_cast<uint8_t>(s);
  }
}

bool LoopbackLock::Port::send_report(const uint8_t* r) {
  drivers::Report rep;
  std::memcpy(rep.data(), r, rep.size());
  for (auto& w : owner->taps_)
    if (auto t = w.lock(); t && !t->unplugged) t->in.push_back(rep);
  return true;
}

LoopbackLock::LoopbackLock(lockfw::CommandHandler& handler, uint64_t entropy_seed)
    : port_(usb_, clock_, entropy_, handler) {
  entropy_.s = entropy_seed | 1;
  usb_.owner = this;
}

std::shared_ptr<LoopbackLock::Tap> LoopbackLock::attach() {
  auto t = std::make_shared<Tap>();
  taps_.erase(std::remove_if(taps_.begin(), taps_.end(), [](auto& w) { return w.expired(); }), taps_.end());
  taps_.push_back(t);
  return t;
}

void LoopbackLock::on_report(const uint8_t* report) { port_.on_report(report); }

void LoopbackLock::unplug() {
  for (auto& w : taps_)
    if (auto t = w.lock()) t->unplugged = true;
}

LoopbackTransport::LoopbackTransport(std::shared_ptr<LoopbackLock> lock, std::string name)
    : lock_(std::move(lock)), tap_(lock_->attach()), name_(std::move(name)) {}

drivers::Result<void> LoopbackTransport::write(const drivers::Report& report) {
  if (tap_->unplugged) return fail(ErrorKind::kDisconnected, "unplugged");
  lock_->on_report(report.data());
  return {};
}

drivers::Result<drivers::Report> LoopbackTransport::read(int timeout_ms) {
  if (tap_->unplugged) return fail(ErrorKind::kDisconnected, "unplugged");
  lock_->poll();
  if (tap_->in.empty()) {
    lock_->advance(std::max(timeout_ms, 1));  // waiting costs virtual time only
    lock_->poll();
  }
  if (tap_->in.empty()) return fail(ErrorKind::kTimeout, "no report");
  drivers::Report r = tap_->in.front();
  tap_->in.pop_front();
  return r;
}

}  // namespace lockdiag::test
