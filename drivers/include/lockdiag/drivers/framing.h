// Host-side framing: splits a request into reports and reassembles one channel's answer
// (docs/protocol.md, "Framing").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lockdiag/drivers/transport.h"

namespace lockdiag::drivers {

// Reports for one message; payload must be at most wire::kMaxMessageSize bytes. `txn` (1..7,
// 0 = none) numbers a request for a 1.1 lock, which then drops a repeat of its reports.
std::vector<Report> encode_message(uint32_t cid, uint8_t cmd, std::span<const uint8_t> payload, uint8_t txn = 0);

struct Message {
  uint8_t cmd = 0;
  std::vector<uint8_t> payload;
};

// Collects the reports of one channel; reports of other channels are ignored, as another
// program on the same lock would be talking on its own channel.
class MessageAssembler {
 public:
  enum class Status { kIgnored, kNeedMore, kComplete, kError };

  explicit MessageAssembler(uint32_t cid) : cid_(cid) {}
  Status feed(const Report& report);
  const Message& message() const { return msg_; }
  const std::string& error() const { return error_; }
  void reset();

 private:
  uint32_t cid_;
  bool active_ = false;
  uint16_t expected_ = 0;
  uint8_t next_seq_ = 0;
  Message msg_;
  std::string error_;
};

}  // namespace lockdiag::drivers
