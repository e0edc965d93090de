// The real lockfw ServicePort (framing, channels, INIT, PING) in this process, behind a
// Transport, on virtual time: a read that waits advances the clock instead of sleeping, so
// thousands of timeouts cost nothing and every run is reproducible.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "core/command_handler.h"
#include "core/service_port.h"
#include "lockdiag/drivers/transport.h"

namespace lockdiag::test {

class LoopbackLock {
 public:
  explicit LoopbackLock(lockfw::CommandHandler& handler, uint64_t entropy_seed = 42);
  LoopbackLock(const LoopbackLock&) = delete;

  struct Tap {  // one connected host program's IN queue
    std::deque<drivers::Report> in;
    bool unplugged = false;
  };
  std::shared_ptr<Tap> attach();
  void on_report(const uint8_t* report);
  void poll() { port_.poll(); }
  int64_t now_ms() const { return clock_.ms; }
  void advance(int64_t ms) { clock_.ms += ms; }
  void unplug();  // every attached transport sees kDisconnected from now on

 private:
  struct Clock final : lockfw::hal::Ticks {
    uint32_t now_ms() override { return static_cast<uint32_t>(ms); }
    int64_t ms = 1000;
  };
  struct Entropy final : lockfw::hal::Entropy {
    uint64_t s;
    void fill(uint8_t* buf, size_t n) override;
  };
  struct Port final : lockfw::hal::UsbPort {
    LoopbackLock* owner;
    bool send_report(const uint8_t* r) override;
  };
  Clock clock_;
  Entropy entropy_;
  Port usb_;
  lockfw::ServicePort port_;
  std::vector<std::weak_ptr<Tap>> taps_;
};

class LoopbackTransport final : public drivers::Transport {
 public:
  explicit LoopbackTransport(std::shared_ptr<LoopbackLock> lock, std::string name = "loop:fake");
  drivers::Result<void> write(const drivers::Report& report) override;
  drivers::Result<drivers::Report> read(int timeout_ms) override;
  std::string describe() const override { return name_; }
  int64_t now_ms() const override { return lock_->now_ms(); }

 private:
  std::shared_ptr<LoopbackLock> lock_;
  std::shared_ptr<LoopbackLock::Tap> tap_;
  std::string name_;
};

}  // namespace lockdiag::test
