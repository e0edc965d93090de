// Page codecs as pure functions: schedule blocks, READ_SLOTS pages (the fixed 1.0 record codec
// beside the compact 1.1 one) and READ_EVENTS pages, bytes to values with no I/O.
#include "lockdiag/drivers/client.h"

#include <algorithm>
#include <cstring>

#include "decode.h"

namespace lockdiag::drivers {

using namespace lockfw::wire;

std::array<uint8_t, 8> encode_schedule(const Schedule& s) {
  std::array<uint8_t, 8> b{};
  switch (s.kind) {
    case CodeKind::kPersistent: break;
    case CodeKind::kTemporaryUntil: {
      ScheduleUntil u{s.end_time, 0};
      std::memcpy(b.data(), &u, 8);
      break;
    }
    case CodeKind::kTemporaryFirstUse: {
      ScheduleFirstUse f{s.first_use_minutes, 0, s.first_used_at};
      std::memcpy(b.data(), &f, 8);
      break;
    }
    case CodeKind::kWeekday: {
      ScheduleWeekday w{s.days_mask, 0, s.start_minute, s.end_minute, 0};
      std::memcpy(b.data(), &w, 8);
      break;
    }
    case CodeKind::kDateRange: {
      ScheduleDateRange d{s.start_time, s.end_time};
      std::memcpy(b.data(), &d, 8);
      break;
    }
  }
  return b;
}

Schedule decode_schedule(uint8_t kind, const uint8_t* b) {
  Schedule s;
  s.kind = static_cast<CodeKind>(kind);
  if (!b) return s;
  switch (kind) {
    case kKindTemporaryUntil: {
      ScheduleUntil u;
      std::memcpy(&u, b, 8);
      s.end_time = u.end_time;
      break;
    }
    case kKindTemporaryFirstUse: {
      ScheduleFirstUse f;
      std::memcpy(&f, b, 8);
      s.first_use_minutes = f.minutes;
      s.first_used_at = f.first_used_at;
      break;
    }
    case kKindWeekday: {
      ScheduleWeekday w;
      std::memcpy(&w, b, 8);
      s.days_mask = w.days_mask;
      s.start_minute = w.start_minute;
      s.end_minute = w.end_minute;
      break;
    }
    case kKindDateRange: {
      ScheduleDateRange d;
      std::memcpy(&d, b, 8);
      s.start_time = d.start_time;
      s.end_time = d.end_time;
      break;
    }
    default: break;
  }
  return s;
}

namespace {

SlotRecord to_record(const SlotRecordFields& f) {
  SlotRecord r;
  r.index = f.index;
  r.enabled = f.flags & kSlotEnabled;
  r.expired = f.flags & kSlotExpired;
  r.first_use_started = f.flags & kSlotFirstUseStarted;
  r.retained_across_reset = f.flags & kSlotRetainedAcrossReset;
  r.role = static_cast<Role>(role_of(f.role_kind));
  const uint8_t kind = kind_of(f.role_kind);
  r.kind = static_cast<CodeKind>(kind);
  r.created = f.created;
  r.last_used = f.last_used;
  r.use_count = f.use_count;
  r.schedule = decode_schedule(kind, kind == kKindPersistent ? nullptr : f.schedule.b);
  return r;
}

std::string slot_where(uint16_t start, int i) {
  return "READ_SLOTS page from slot " + std::to_string(start) + ", record " + std::to_string(i + 1);
}

const char* compact_problem(CompactSlotStatus st) {
  switch (st) {
    case CompactSlotStatus::kTruncated: return "is cut short";
    case CompactSlotStatus::kReservedBits: return "has reserved bits set";
    case CompactSlotStatus::kNotOccupied: return "is for an empty slot";
    case CompactSlotStatus::kUnknownKind: return "has an unknown code kind";
    case CompactSlotStatus::kIndexRange: return "has a slot index out of range";
    case CompactSlotStatus::kValueRange: return "has a number too large for its field";
    case CompactSlotStatus::kOk: break;
  }
  return "is damaged";
}

// 1.0 records: SlotRecordHead + ScheduleBlock when schedule_len says so.
Result<void> decode_fixed_records(const ReadSlotsResponseHead& head, const uint8_t* p, const uint8_t* end,
                                  uint16_t start, std::vector<SlotRecordFields>& out) {
  for (int i = 0; i < head.count; ++i) {
    if (end - p < static_cast<ptrdiff_t>(sizeof(SlotRecordHead)))
      return fail(ErrorKind::kProtocol, slot_where(start, i) + ": the page holds fewer records than it announces");
    SlotRecordHead h;
    std::memcpy(&h, p, sizeof h);
    p += sizeof h;
    if (end - p < h.schedule_len)
      return fail(ErrorKind::kProtocol, slot_where(start, i) + " (slot " + std::to_string(h.index) + ") is cut short");
    const uint8_t* sched = h.schedule_len >= sizeof(ScheduleBlock) ? p : nullptr;
    p += h.schedule_len;
    if (!(h.flags & kSlotOccupied)) continue;  // 1.0 hosts skip these too
    SlotRecordFields f{};
    f.index = h.index;
    f.flags = h.flags;
    f.role_kind = h.role_kind;
    f.created = h.created;
    f.last_used = h.last_used;
    f.use_count = h.use_count;
    if (sched) std::memcpy(f.schedule.b, sched, sizeof f.schedule);
    out.push_back(f);
  }
  return {};
}

// 1.1 compact records; the page ends with its last record.
Result<void> decode_compact_records(const ReadSlotsResponseHead& head, const uint8_t* p, const uint8_t* end,
                                    uint16_t start, std::vector<SlotRecordFields>& out) {
  CompactSlotCursor cursor{start, 0};
  for (int i = 0; i < head.count; ++i) {
    if (p >= end)
      return fail(ErrorKind::kProtocol, slot_where(start, i) + ": the page holds fewer records than it announces (" +
                                            std::to_string(head.count) + ")");
    SlotRecordFields f{};
    const CompactSlotStatus st = read_compact_slot(p, end, cursor, f);
    if (st != CompactSlotStatus::kOk)
      return fail(ErrorKind::kProtocol, slot_where(start, i) + " " + compact_problem(st));
    out.push_back(f);
  }
  if (p != end)
    return fail(ErrorKind::kProtocol, "READ_SLOTS page from slot " + std::to_string(start) + " has " +
                                          std::to_string(end - p) + " bytes after its last record");
  return {};
}

}  // namespace

Result<SlotPage> decode_slot_page(std::span<const uint8_t> payload, uint16_t start, int slot_count) {
  auto head = decode<ReadSlotsResponseHead>(payload, "READ_SLOTS");
  if (!head) return std::unexpected(head.error());
  SlotPage page;
  page.next_index = head->next_index;
  page.format = head->format;
  if (head->start_index != start)
    return fail(ErrorKind::kProtocol, "READ_SLOTS page starts at slot " + std::to_string(head->start_index) +
                                          ", asked for " + std::to_string(start));
  if (head->next_index != kNoMoreSlots && head->next_index <= start)
    return fail(ErrorKind::kProtocol, "READ_SLOTS page from slot " + std::to_string(start) + " made no progress");
  if (head->next_index != kNoMoreSlots && slot_count > 0 && head->next_index > slot_count)
    return fail(ErrorKind::kProtocol, "READ_SLOTS page points to slot " + std::to_string(head->next_index) +
                                          " past the " + std::to_string(slot_count) + " slots the lock announced");
  const uint8_t* p = payload.data() + sizeof(ReadSlotsResponseHead);
  const uint8_t* end = payload.data() + payload.size();
  std::vector<SlotRecordFields> fields;
  fields.reserve(head->count);
  Result<void> ok;
  if (head->format == kSlotFormatFixed) ok = decode_fixed_records(*head, p, end, start, fields);
  else if (head->format == kSlotFormatCompact) ok = decode_compact_records(*head, p, end, start, fields);
  else
    return fail(ErrorKind::kProtocol, "READ_SLOTS page uses record format " + std::to_string(head->format) +
                                          ", which this lockdiag does not know; update lockdiag");
  if (!ok) return std::unexpected(ok.error());
  int prev = static_cast<int>(start) - 1;
  page.records.reserve(fields.size());
  for (const SlotRecordFields& f : fields) {
    if (f.index <= prev || (slot_count > 0 && f.index >= slot_count) ||
        (head->next_index != kNoMoreSlots && f.index >= head->next_index))
      return fail(ErrorKind::kProtocol, "READ_SLOTS record index " + std::to_string(f.index) + " is out of order");
    prev = f.index;
    const uint8_t kind = kind_of(f.role_kind);
    if (kind >= kKindCount)
      return fail(ErrorKind::kProtocol, "READ_SLOTS record for slot " + std::to_string(f.index) + " has unknown kind " +
                                            std::to_string(kind));
    page.records.push_back(to_record(f));
  }
  return page;
}

Result<EventPage> decode_event_page(const Message& m) {
  auto head = decode<ReadEventsResponseHead>(m.payload, "READ_EVENTS");
  if (!head) return std::unexpected(head.error());
  EventPage page;
  page.first_seq = head->first_seq;
  page.head_seq = head->head_seq;
  page.more = head->flags & kEventsMore;
  page.truncated = head->flags & kEventsTruncated;
  const uint8_t* p = m.payload.data() + sizeof(ReadEventsResponseHead);
  const uint8_t* const begin = p;
  const uint8_t* end = m.payload.data() + m.payload.size();
  // Times add modulo 2^32: a 1.1 lock wraps a delta of 2^31 s or more (a clock set far
  // ahead or back), and modular arithmetic undoes exactly that. A 1.2 lock re-anchors instead.
  uint32_t time = head->base_time;
  // Every event takes at least two bytes: a count the page cannot hold is refused before
  // anything is allocated for it.
  if (static_cast<size_t>(head->count) * 2 > static_cast<size_t>(end - p))
    return fail(ErrorKind::kProtocol, "READ_EVENTS page announces " + std::to_string(head->count) +
                                          " events but holds only " + std::to_string(end - p) + " bytes");
  if (static_cast<uint64_t>(head->first_seq) + head->count > 0xFFFFFFFFull)
    return fail(ErrorKind::kProtocol, "READ_EVENTS page runs past the largest sequence number (a faulty lock)");
  page.events.reserve(head->count);
  for (uint32_t i = 0; i < head->count; ++i) {
    if (p >= end) return fail(ErrorKind::kProtocol, "READ_EVENTS page holds fewer events than it announces");
    const uint8_t b0 = *p++;
    uint32_t zz = 0;
    if (!read_leb128(p, end, zz)) return fail(ErrorKind::kProtocol, "READ_EVENTS page has a damaged timestamp");
    time += static_cast<uint32_t>(zigzag_decode(zz));
    Event e;
    e.seq = head->first_seq + i;
    e.time = time;
    e.type = static_cast<EventType>(b0 & 0x3F);
    if (b0 & kEvHasSlot) {
      uint32_t slot = 0;
      if (!read_leb128(p, end, slot) || slot > 0xFFFF)
        return fail(ErrorKind::kProtocol, "READ_EVENTS page has a damaged slot index");
      e.slot = static_cast<uint16_t>(slot);
    }
    if (b0 & kEvHasExtra) {
      if (p >= end) return fail(ErrorKind::kProtocol, "READ_EVENTS page is cut short");
      const uint8_t x = *p++;
      e.reason = static_cast<Reason>(x & kReasonMask);
      e.clock_not_set = x & kExtraClockNotSet;
    }
    page.events.push_back(e);
  }
  page.encoded_bytes = static_cast<size_t>(p - begin);
  page.next_seq = head->first_seq + head->count;
  if (page.more && head->count == 0)
    return fail(ErrorKind::kProtocol, "READ_EVENTS page is empty but says there is more");
  return page;
}

uint32_t event_read_limit(uint32_t announced_capacity) {
  // Events logged while the read runs may push a full ring past its capacity: allow a margin.
  const uint64_t cap = announced_capacity ? announced_capacity : kMaxEventsPerRead;
  return static_cast<uint32_t>(std::min<uint64_t>(cap + cap / 8 + 256, kMaxEventsPerRead));
}

}  // namespace lockdiag::drivers
