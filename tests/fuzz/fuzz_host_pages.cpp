// Target: the host's page decoders, decode_slot_page (fixed 1.0 and compact 1.1 records) and
// decode_event_page, fed READ_SLOTS / READ_EVENTS answers from a hostile or broken lock.
//
// Input: byte 0 bit 0 picks the decoder (0 slots, 1 events); slots: bytes 1-2 the start index
// asked for, bytes 3-4 the lock's slot count (0: unknown); then the answer's payload.
//
// Invariants: a decoded page never holds more records than its bytes allow nor than its head
// announces; slot indexes rise strictly, start at or after the start asked for, stay below the
// slot count and the page's next index; a compact page's records re-encode with wire.h's
// put_compact_slot and decode to the same fields (decode(encode(x)) == x); events carry
// consecutive sequence numbers from the page's first, and re-encoded they decode the same.
#include <cstring>
#include <utility>
#include <vector>

#include "check.h"
#include "lockdiag/drivers/client.h"

using namespace lockdiag::drivers;
using lockdiag::fuzz::check;
using namespace lockfw::wire;

namespace {

void slot_page(const uint8_t* data, size_t size) {
  if (size < 5) return;
  const uint16_t start = get_u16_le(data + 1);
  const int slot_count = get_u16_le(data + 3);
  const std::span<const uint8_t> payload(data + 5, size - 5);
  auto page = decode_slot_page(payload, start, slot_count);
  if (!page) {
    check(!page.error().message.empty(), "a refused page without a message");
    return;
  }
  ReadSlotsResponseHead head{};
  std::memcpy(&head, payload.data(), sizeof head);
  const size_t body = payload.size() - sizeof head;
  const size_t min_record = page->format == kSlotFormatCompact ? 3 : sizeof(SlotRecordHead);
  check(page->records.size() <= head.count, "more records than the page announces");
  check(page->records.size() * min_record <= body, "more records than the page's bytes can hold");
  check(page->next_index == kNoMoreSlots || page->next_index > start, "a page that makes no progress");
  int prev = static_cast<int>(start) - 1;
  for (const SlotRecord& r : page->records) {
    check(r.index > prev, "slot indexes out of order");
    check(slot_count == 0 || r.index < slot_count, "a slot index past the slot count");
    check(page->next_index == kNoMoreSlots || r.index < page->next_index, "a slot index past the next page");
    prev = r.index;
  }
  if (page->format != kSlotFormatCompact) return;
  // Round trip through the wire format's own encoder.
  const uint8_t* p = payload.data() + sizeof head;
  const uint8_t* end = payload.data() + payload.size();
  CompactSlotCursor in{start, 0}, out{start, 0};
  std::vector<SlotRecordFields> fields;
  for (int i = 0; i < head.count; ++i) {
    SlotRecordFields f{};
    check(read_compact_slot(p, end, in, f) == CompactSlotStatus::kOk, "an accepted page's record does not decode");
    fields.push_back(f);
  }
  std::vector<uint8_t> re;
  for (const SlotRecordFields& f : fields) {
    uint8_t buf[kMaxCompactSlotRecord];
    const size_t n = put_compact_slot(buf, f, out);
    check(n > 0 && n <= kMaxCompactSlotRecord, "a decoded record does not re-encode");
    re.insert(re.end(), buf, buf + n);
  }
  const uint8_t* q = re.data();
  CompactSlotCursor again{start, 0};
  for (const SlotRecordFields& f : fields) {
    SlotRecordFields g{};
    check(read_compact_slot(q, re.data() + re.size(), again, g) == CompactSlotStatus::kOk,
          "a re-encoded record does not decode");
    check(g.index == f.index && g.flags == f.flags && g.role_kind == f.role_kind && g.created == f.created &&
              g.last_used == f.last_used && g.use_count == f.use_count &&
              std::memcmp(g.schedule.b, f.schedule.b, sizeof g.schedule.b) == 0,
          "decode(encode(record)) != record");
  }
  check(q == re.data() + re.size(), "bytes left after the re-encoded records");
}

void event_page(const uint8_t* data, size_t size) {
  Message m;
  m.cmd = kCmdReadEvents;
  m.payload.assign(data + 1, data + size);
  auto page = decode_event_page(m);
  if (!page) {
    check(!page.error().message.empty(), "a refused page without a message");
    return;
  }
  ReadEventsResponseHead head{};
  std::memcpy(&head, m.payload.data(), sizeof head);
  check(page->events.size() == head.count, "an accepted page with another count than announced");
  check(page->encoded_bytes <= m.payload.size() - sizeof head, "more bytes decoded than the page has");
  check(page->events.size() * 2 <= page->encoded_bytes, "more events than the page's bytes can hold");
  // Sequence numbers are u32 and count modulo 2^32 (where a read must stop at a wrap is the
  // read loop's business, not the page decoder's).
  check(page->next_seq == static_cast<uint32_t>(head.first_seq + head.count),
        "next_seq is not past the page's last event");
  for (size_t i = 0; i < page->events.size(); ++i)
    check(page->events[i].seq == static_cast<uint32_t>(head.first_seq + i),
          "event sequence numbers are not consecutive");
  // Re-encode (the format of docs/protocol.md 5.7) where every step fits a signed 32-bit delta.
  std::vector<uint8_t> re(sizeof head);
  int64_t t = head.base_time;
  for (const Event& e : page->events) {
    const int64_t delta = static_cast<int64_t>(e.time) - t;
    if (delta < INT32_MIN || delta > INT32_MAX) return;
    uint8_t buf[kMaxEncodedEvent + 2];
    size_t n = 0;
    const bool extra = e.reason != lockdiag::drivers::Reason::kNone || e.clock_not_set;
    buf[n++] = static_cast<uint8_t>(std::to_underlying(e.type) | (e.slot ? kEvHasSlot : 0) | (extra ? kEvHasExtra : 0));
    n += put_leb128(buf + n, zigzag_encode(static_cast<int32_t>(delta)));
    if (e.slot) n += put_leb128(buf + n, *e.slot);
    if (extra)
      buf[n++] = static_cast<uint8_t>(std::to_underlying(e.reason) | (e.clock_not_set ? kExtraClockNotSet : 0));
    re.insert(re.end(), buf, buf + n);
    t = e.time;
  }
  std::memcpy(re.data(), &head, sizeof head);
  Message m2{kCmdReadEvents, re};
  auto again = decode_event_page(m2);
  check(again.has_value(), "a re-encoded page is refused");
  check(again->events == page->events, "decode(encode(events)) != events");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1) event_page(data, size);
  else slot_page(data, size);
  return 0;
}
