// Shorthands for drivers tests: a fake lock behind the real ServicePort, and a client on it.
#pragma once

#include <memory>

#include "fake_lock.h"
#include "faulty_transport.h"
#include "lockdiag/drivers/client.h"
#include "loopback.h"

namespace lockdiag::test {

struct Bench {
  explicit Bench(FakeLockConfig c = {}) : fake(c), lock(std::make_shared<LoopbackLock>(fake)) {}
  std::unique_ptr<drivers::Transport> transport() { return std::make_unique<LoopbackTransport>(lock); }
  drivers::Result<drivers::Client> client(drivers::ClientOptions o = {}) {
    return drivers::Client::open(transport(), std::move(o));
  }
  FakeLock fake;
  std::shared_ptr<LoopbackLock> lock;
};

}  // namespace lockdiag::test
