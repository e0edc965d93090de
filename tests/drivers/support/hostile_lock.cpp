#include "hostile_lock.h"

#include <cstring>

#include "lockfw/wire.h"

namespace lockdiag::test {

using namespace lockfw::wire;
using lockfw::Reply;

std::vector<Hostility> all_hostilities() {
  return {Hostility::kEndlessPages, Hostility::kSequenceWrap, Hostility::kTruncationJumps, Hostility::kAbsurdCounts,
          Hostility::kOversizedRecords};
}

std::string hostility_name(Hostility h) {
  switch (h) {
    case Hostility::kEndlessPages: return "endless pages";
    case Hostility::kSequenceWrap: return "sequence wrap";
    case Hostility::kTruncationJumps: return "truncation jumps";
    case Hostility::kAbsurdCounts: return "absurd counts";
    case Hostility::kOversizedRecords: return "oversized records";
  }
  return "?";
}

namespace {
FakeLockConfig config_for(Hostility h) {
  FakeLockConfig c;
  c.slot_count = 250;
  c.occupied = 20;
  if (h == Hostility::kAbsurdCounts) c.event_capacity = 0xFFFFFFFFu;
  return c;
}
}  // namespace

HostileLock::HostileLock(Hostility h) : mode_(h), fake_(config_for(h)) {}

Reply HostileLock::handle(uint8_t cmd, const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap) {
  if (cmd == kCmdReadEvents) return events(req, len, out, cap);
  if (cmd == kCmdReadSlots) return slots(req, len, out, cap);
  return fake_.handle(cmd, req, len, out, cap);
}

Reply HostileLock::events(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap) {
  ReadEventsRequest q;
  if (len < sizeof q) return Reply::fail(kErrInvalidLength);
  std::memcpy(&q, req, sizeof q);
  ReadEventsResponseHead h{};
  h.base_time = 1700000000;
  size_t off = sizeof h;
  const size_t room = cap - sizeof h;
  auto fill_events = [&](size_t n) {  // n two-byte events: type 1, time delta 0
    for (size_t i = 0; i < n; ++i) {
      out[off++] = 1;
      out[off++] = 0;
    }
    h.count = static_cast<uint16_t>(n);
  };
  switch (mode_) {
    case Hostility::kEndlessPages:
      h.first_seq = q.from_seq;
      fill_events(room / 2);
      h.flags = kEventsMore;
      h.head_seq = 0xFFFFFFF0u;
      break;
    case Hostility::kSequenceWrap:
      h.first_seq = q.from_seq < 0xFFFFFF00u ? 0xFFFFFF00u : q.from_seq;
      fill_events(room / 2);
      h.flags = kEventsMore;
      h.head_seq = 5;
      break;
    case Hostility::kTruncationJumps:
      h.first_seq = q.from_seq + 1000;
      fill_events(room / 2);
      h.flags = kEventsMore | kEventsTruncated;
      h.head_seq = 0xFFFFFFF0u;
      break;
    case Hostility::kAbsurdCounts:
      h.first_seq = q.from_seq;
      fill_events(8);
      h.count = 0xFFFF;
      h.flags = kEventsMore;
      h.head_seq = 0xFFFFFFF0u;
      break;
    case Hostility::kOversizedRecords:
      h.first_seq = q.from_seq;
      h.count = 1;
      h.flags = kEventsMore;
      h.head_seq = q.from_seq + 100;
      out[off++] = 1 | kEvHasSlot;
      out[off++] = 0;
      while (off < cap) out[off++] = 0x80;  // a slot index whose LEB128 never ends
      break;
  }
  std::memcpy(out, &h, sizeof h);
  return Reply::ok(static_cast<uint16_t>(off));
}

Reply HostileLock::slots(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap) {
  ReadSlotsRequest q{};
  if (len < kReadSlotsRequestMinSize) return Reply::fail(kErrInvalidLength);
  std::memcpy(&q, req, len < sizeof q ? len : sizeof q);
  ReadSlotsResponseHead h{};
  h.start_index = q.start_index;
  h.format = kSlotFormatCompact;
  size_t off = sizeof h;
  switch (mode_) {
    case Hostility::kEndlessPages:  // empty pages, one slot further each time, past the table
      h.next_index = static_cast<uint16_t>(q.start_index + 1 == kNoMoreSlots ? 0 : q.start_index + 1);
      break;
    case Hostility::kSequenceWrap:  // the table "continues" at slot 0 again
      h.next_index = q.start_index == 0 ? 100 : 0;
      break;
    case Hostility::kTruncationJumps:  // pages jump far past the announced slot count
      h.next_index = static_cast<uint16_t>(q.start_index + 5000);
      break;
    case Hostility::kAbsurdCounts:  // 255 records announced, none sent
      h.next_index = kNoMoreSlots;
      h.count = 255;
      break;
    case Hostility::kOversizedRecords:  // one record whose created time never ends
      h.next_index = kNoMoreSlots;
      h.count = 1;
      out[off++] = 0;           // flags
      out[off++] = 1;           // role user, persistent
      while (off < cap) out[off++] = 0x80;
      break;
  }
  std::memcpy(out, &h, sizeof h);
  return Reply::ok(static_cast<uint16_t>(off));
}

}  // namespace lockdiag::test
