#include "virtual_lock.h"

namespace lockfw::host {

VirtualLock::VirtualLock(Options options, SimClock& clock, hal::Flash& flash, hal::UsbPort& usb)
    : options_(std::move(options)),
      clock_(clock),
      flash_(flash),
      usb_(usb),
      ticks_(clock),
      rtc_(clock),
      seeded_(options_.entropy_seed),
      entropy_(options_.entropy_seed ? static_cast<hal::Entropy*>(&seeded_) : &os_entropy_) {}

VirtualLock::~VirtualLock() = default;

bool VirtualLock::boot() {
  port_.reset();
  lock_.reset();
  hal::SecretStore& secrets = options_.secrets ? *options_.secrets : ram_secrets_;
  const LockHal hal{ticks_, rtc_, battery_, bolt_, flash_, crypto_, *entropy_, secrets};
  lock_ = std::make_unique<Lock>(options_.config, options_.serial.c_str(), hal);
  const bool ok = lock_->boot();
  if (!device_cert_.empty())
    lock_->set_device_certificate(device_cert_.data(), static_cast<uint16_t>(device_cert_.size()));
  port_ = std::make_unique<ServicePort>(usb_, ticks_, *entropy_, *lock_);
  return ok;
}

bool VirtualLock::power_cycle() {
  rtc_.lose();
  return boot();
}

void VirtualLock::keypad(std::string_view keys) {
  for (char c : keys) {
    if (wet_) {
      noise_ ^= noise_ << 13;
      noise_ ^= noise_ >> 17;
      noise_ ^= noise_ << 5;
      if ((noise_ & 3) == 0) lock_->key(static_cast<char>('0' + (noise_ >> 8) % 10));  // water bridges a key
    }
    lock_->key(c);
  }
}

void VirtualLock::advance_ms(uint64_t ms) {
  // In steps, so timeouts fire in order (lockout end before session timeout, ...); long jumps
  // take at most ~64 steps.
  const uint64_t chunk = ms / 64 > 1000 ? ms / 64 : 1000;
  while (ms > 0) {
    const uint64_t step = ms < chunk ? ms : chunk;
    clock_.advance_ms(step);
    ms -= step;
    poll();
  }
}

void VirtualLock::poll() {
  lock_->poll();
  port_->poll();
}

VirtualLock::Result VirtualLock::call(uint8_t cmd, const void* request, uint16_t length) {
  std::vector<uint8_t> out(ServicePort::kMaxResponse);
  lock_->set_channel(wire::kReservedCid);  // the in-process caller: never a service-port channel
  const Reply r = lock_->handle(cmd, static_cast<const uint8_t*>(request), length, out.data(),
                                static_cast<uint16_t>(out.size()));
  out.resize(r.error ? 0 : r.length);
  return Result{r.error, std::move(out)};
}

}  // namespace lockfw::host
