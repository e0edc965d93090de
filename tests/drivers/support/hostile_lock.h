// A lock that lies on the paged reads: the fake lock's answers, except
// that READ_EVENTS and READ_SLOTS misbehave in one chosen way. Used against the real CLI
// over a socket (tests/drivers/test_hostile_reads.cpp) to prove every read stays bounded.
#pragma once

#include <string>
#include <vector>

#include "fake_lock.h"

namespace lockdiag::test {

enum class Hostility {
  kEndlessPages,     // every page full and "more", sequence numbers and slot pages without end
  kSequenceWrap,     // event sequence numbers run past 2^32; slot pages jump back to the start
  kTruncationJumps,  // every event page says "truncated" and jumps ahead; slot pages skip past the table
  kAbsurdCounts,     // capacity 4e9, counts the page cannot hold
  kOversizedRecords, // records longer than any valid encoding (endless LEB128 continuation bytes)
};

std::vector<Hostility> all_hostilities();
std::string hostility_name(Hostility h);

class HostileLock final : public lockfw::CommandHandler {
 public:
  explicit HostileLock(Hostility h);
  lockfw::Reply handle(uint8_t cmd, const uint8_t* request, uint16_t length, uint8_t* out,
                       uint16_t out_capacity) override;

 private:
  lockfw::Reply events(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap);
  lockfw::Reply slots(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap);
  Hostility mode_;
  FakeLock fake_;
};

}  // namespace lockdiag::test
