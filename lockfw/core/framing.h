// Service-port framing, device side: reassembles requests from 64-byte OUT reports and
// splits responses into IN reports (docs/protocol.md, "Framing"). Fixed storage only.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hal/hal.h"
#include "lockfw/wire.h"

namespace lockfw {

struct Frame {
  uint32_t cid;
  uint8_t cmd;
  const uint8_t* payload;
  uint16_t length;
};

// What one OUT report produced.
struct RxResult {
  enum Kind : uint8_t { kNothing, kMessage, kError } kind;
  Frame frame;        // kMessage
  uint32_t err_cid;   // kError: channel to answer
  uint8_t err_code;   // kError: wire::ErrorCode
};

class ChannelTable {
 public:
  static constexpr size_t kChannels = 8;
  // Allocates a fresh channel id, evicting the least recently allocated when full.
  // `evicted` (if given) gets the id that lost its entry, 0 if none.
  uint32_t allocate(uint32_t seed, uint32_t* evicted = nullptr);
  bool contains(uint32_t cid) const;
  // Transaction number of the last numbered request taken on `cid` (0: none since INIT).
  uint8_t last_txn(uint32_t cid) const;
  void set_last_txn(uint32_t cid, uint8_t txn);

 private:
  int find(uint32_t cid) const;
  uint32_t cids_[kChannels] = {};
  uint8_t txns_[kChannels] = {};
  size_t next_ = 0;
  uint32_t counter_ = 0;
};

class RequestAssembler {
 public:
  RequestAssembler(uint8_t* buffer, uint16_t capacity) : buf_(buffer), cap_(capacity) {}

  // Repeats are dropped without an answer (docs/protocol.md 3, "Repeated reports"): a numbered
  // request with its channel's last number, and, within a numbered message, the continuation
  // just taken or, right after the message completed, its last one.
  RxResult on_report(const uint8_t* report, uint32_t now_ms, ChannelTable& channels);
  // Reports a message whose continuation packets stopped arriving (kErrMessageTimeout).
  RxResult poll(uint32_t now_ms);
  bool busy() const { return active_; }
  void reset() { active_ = false; }

 private:
  RxResult error(uint32_t cid, uint8_t code);
  uint8_t* buf_;
  uint16_t cap_;
  bool active_ = false;
  uint32_t cid_ = 0;
  uint8_t cmd_ = 0;
  uint16_t expected_ = 0;
  uint16_t received_ = 0;
  uint8_t next_seq_ = 0;
  uint8_t txn_ = 0;        // the message in progress is numbered
  uint32_t done_cid_ = 0;  // the last numbered multi-packet message completed on this channel
  uint8_t done_seq_ = 0;   // ... with this continuation
  uint32_t last_ms_ = 0;
};

// Splits one response message into reports, pushing as many as the port accepts per pump.
class ResponseSender {
 public:
  void start(uint32_t cid, uint8_t cmd, const uint8_t* payload, uint16_t length);
  // Returns true when the whole message has been handed to the port.
  bool pump(hal::UsbPort& port);
  bool idle() const { return !active_; }

 private:
  bool build_next(uint8_t* report) const;
  bool active_ = false;
  uint32_t cid_ = 0;
  uint8_t cmd_ = 0;
  const uint8_t* data_ = nullptr;
  uint16_t length_ = 0;
  uint16_t offset_ = 0;
  uint8_t seq_ = 0;
  bool init_sent_ = false;
};

}  // namespace lockfw
