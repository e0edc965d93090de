// One request/response exchange as Client::transact runs it (private to drivers; shared by
// client.cpp and client_tz.cpp).
#pragma once

#include <functional>
#include <span>

#include "lockdiag/drivers/client.h"

namespace lockdiag::drivers {

struct Client::CallSpec {
  uint8_t cmd;
  std::span<const uint8_t> request;
  bool idempotent;
  std::function<bool(const Message&)> accept;  // false: a stale answer to an earlier request
  const CancelToken* cancel;
  bool auto_reconnect = true;  // false: the caller (a paged read) reconnects itself
};

}  // namespace lockdiag::drivers
