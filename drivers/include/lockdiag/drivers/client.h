// The typed protocol client: one channel on one lock, request -> exactly one answer.
#pragma once

#include <chrono>
#include <memory>
#include <span>

#include "lockdiag/drivers/error.h"
#include "lockdiag/drivers/framing.h"
#include "lockdiag/drivers/transport.h"
#include "lockdiag/drivers/types.h"

namespace lockdiag::drivers {

struct ClientOptions {
  int call_timeout_ms = 2000;  // per request, from the first report written to the last read
};

class Client {
 public:
  // Allocates a channel (INIT on the broadcast channel) and returns a ready client.
  static Result<Client> open(std::unique_ptr<Transport> transport, ClientOptions options = {});

  // One request, one answer. An ERROR answer becomes kLockRefused with the lock's code.
  Result<Message> call(uint8_t cmd, std::span<const uint8_t> request = {});

  Result<Identity> identity();
  Result<Status> status();
  Result<Capabilities> capabilities();
  Result<SessionInfo> session();

  uint32_t channel() const { return cid_; }
  const Transport& transport() const { return *transport_; }

 private:
  Client(std::unique_ptr<Transport> t, ClientOptions o) : transport_(std::move(t)), options_(o) {}
  Result<Message> exchange(uint32_t cid, uint8_t cmd, std::span<const uint8_t> request,
                           std::span<const uint8_t> expect_nonce = {});

  std::unique_ptr<Transport> transport_;
  ClientOptions options_;
  uint32_t cid_ = 0;
};

// What a wire::ErrorCode means, in words a technician can act on.
std::string describe_lock_error(uint8_t code);

}  // namespace lockdiag::drivers
