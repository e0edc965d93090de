// The service-port wire protocol, slots: roles, kinds, schedule blocks and READ_SLOTS pages
// in both record formats (fixed 1.0 and compact 1.1). Included by wire.h.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lockfw/wire_framing.h"
#include "lockfw/wire_varint.h"

namespace lockfw::wire {

// ---- Slots ---------------------------------------------------------------------------------
enum Role : uint8_t { kRoleAdmin = 0, kRoleUser = 1, kRoleGuest = 2, kRoleService = 3 };
enum Kind : uint8_t {
  kKindPersistent = 0,
  kKindTemporaryUntil = 1,      // valid until end_time
  kKindTemporaryFirstUse = 2,   // valid for N minutes after first use (1..2880)
  kKindWeekday = 3,             // days mask + local start/end minute of day
  kKindDateRange = 4,           // local start/end seconds
};
inline constexpr uint8_t kKindCount = 5;
inline constexpr uint8_t kRoleCount = 4;

// Schedule block: 8 bytes, meaning by kind (docs/protocol.md, "Schedules").
struct LOCKFW_PACKED ScheduleBlock {
  uint8_t b[8];
};
struct LOCKFW_PACKED ScheduleUntil {
  uint32_t end_time;
  uint32_t reserved;
};
struct LOCKFW_PACKED ScheduleFirstUse {
  uint16_t minutes;
  uint16_t reserved;
  uint32_t first_used_at;
};
struct LOCKFW_PACKED ScheduleWeekday {
  uint8_t days_mask;
  uint8_t reserved;
  uint16_t start_minute;
  uint16_t end_minute;
  uint16_t reserved2;
};
struct LOCKFW_PACKED ScheduleDateRange {
  uint32_t start_time;
  uint32_t end_time;
};
inline constexpr uint8_t kDaySunday = 1u << 0;  // bit 0 Sunday .. bit 6 Saturday (as Matter)

enum SlotFlags : uint8_t {
  kSlotOccupied = 1u << 0,
  kSlotEnabled = 1u << 1,
  kSlotExpired = 1u << 2,          // temporary code past its expiry but still present
  kSlotFirstUseStarted = 1u << 3,
  kSlotRetainedAcrossReset = 1u << 4,
};

struct LOCKFW_PACKED SlotRecordHead {
  uint16_t index;
  uint8_t flags;          // SlotFlags
  uint8_t role_kind;      // role in bits 0-1, kind in bits 4-6
  uint32_t created;       // lock time, 0 if unknown
  uint32_t last_used;     // 0: never
  uint16_t use_count;
  uint8_t schedule_len;   // 0 (persistent) or sizeof(ScheduleBlock), which follows
  uint8_t reserved;
};
inline constexpr uint8_t pack_role_kind(uint8_t role, uint8_t kind) {
  return static_cast<uint8_t>((role & 0x03u) | ((kind & 0x07u) << 4));
}
inline constexpr uint8_t role_of(uint8_t role_kind) { return role_kind & 0x03u; }
inline constexpr uint8_t kind_of(uint8_t role_kind) { return (role_kind >> 4) & 0x07u; }

// Record formats of a READ_SLOTS page (docs/protocol.md 5.6). The host asks for one; the
// page head says which one the records are in (a 1.0 lock always answers kSlotFormatFixed).
enum SlotFormat : uint8_t {
  kSlotFormatFixed = 0,    // 1.0: SlotRecordHead (16) + ScheduleBlock (8) when scheduled
  kSlotFormatCompact = 1,  // 1.1: variable-length record, see put_compact_slot below
};

struct LOCKFW_PACKED ReadSlotsRequest {
  uint16_t start_index;
  uint16_t max_bytes;  // 0: as many as fit the device's max_response
  uint8_t format;      // 1.1: SlotFormat wanted; a 1.0 request ends before it (= fixed)
  uint8_t reserved;
};
inline constexpr size_t kReadSlotsRequestMinSize = 4;  // the 1.0 layout: start_index, max_bytes
inline constexpr uint16_t kNoMoreSlots = 0xFFFF;
struct LOCKFW_PACKED ReadSlotsResponseHead {
  uint16_t start_index;
  uint16_t next_index;  // kNoMoreSlots at the end of the table
  uint8_t count;        // occupied slots in this page; empty slots are not sent
  uint8_t format;       // SlotFormat of the records that follow (reserved, 0, in 1.0)
};

// ---- Compact slot records (kSlotFormatCompact) ----------------------------------------------
// One record, in this order (every time is a zigzag LEB128 of a signed 32-bit difference
// taken modulo 2^32, so any u32 value round-trips exactly):
//   flags      u8   SlotFlags (bits 0-4) | kRecUsed | kRecGap; bit 7 is 0
//   role_kind  u8   as SlotRecordHead.role_kind; bits 2, 3 and 7 are 0
//   [gap]      LEB128, if kRecGap: empty slots skipped; index = expected index + gap, where
//              the expected index is start_index for the first record, else previous + 1
//   created    zigzag LEB128 (created - t); then t = created unless created is 0
//   [last_used zigzag LEB128 (last_used - t)]  if kRecUsed
//   [use_count LEB128]                         if kRecUsed; absent: last_used and use_count are 0
//   schedule   by kind: persistent none; temporary-until zigzag (end_time - t);
//              after-first-use minutes u16, first_used_at u32; week-day days_mask u8,
//              start_minute u16, end_minute u16; date range zigzag (start_time - t),
//              zigzag (end_time - start_time)
// t is the page's reference time: 0 before its first record.
inline constexpr uint8_t kRecUsed = 1u << 5;
inline constexpr uint8_t kRecGap = 1u << 6;
inline constexpr uint8_t kRecSlotFlagsMask = 0x1F;
inline constexpr uint8_t kRoleKindMask = 0x73;  // role bits 0-1, kind bits 4-6
inline constexpr size_t kMaxCompactSlotRecord = 1 + 1 + 3 + 5 + 5 + 3 + 10;  // 28
inline constexpr size_t kMaxFixedSlotRecord = 16 + 8;

// A slot as both record formats carry it.
struct SlotRecordFields {
  uint16_t index;
  uint8_t flags;      // SlotFlags
  uint8_t role_kind;
  uint32_t created;
  uint32_t last_used;
  uint16_t use_count;
  ScheduleBlock schedule;  // meaning by kind; all zero for persistent codes
};

// Where a compact page stands between two records.
struct CompactSlotCursor {
  uint32_t expected_index;  // index of the next record when no gap is sent
  uint32_t t;               // reference time
};

inline size_t put_u16_le(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  return 2;
}
inline size_t put_u32_le(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
  return 4;
}
inline uint16_t get_u16_le(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
inline uint32_t get_u32_le(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}
// zigzag LEB128 of (v - ref) as a signed 32-bit difference.
inline size_t put_time_delta(uint8_t* p, uint32_t v, uint32_t ref) {
  return put_leb128(p, zigzag_encode(static_cast<int32_t>(v - ref)));
}
inline bool read_time_delta(const uint8_t*& p, const uint8_t* end, uint32_t ref, uint32_t& out) {
  uint32_t z = 0;
  if (!read_leb128(p, end, z)) return false;
  out = ref + static_cast<uint32_t>(zigzag_decode(z));
  return true;
}
// LEB128 of (v - ref) modulo 2^32: for a time that normally comes after its reference.
inline size_t put_time_after(uint8_t* p, uint32_t v, uint32_t ref) { return put_leb128(p, v - ref); }
inline bool read_time_after(const uint8_t*& p, const uint8_t* end, uint32_t ref, uint32_t& out) {
  uint32_t d = 0;
  if (!read_leb128(p, end, d)) return false;
  out = ref + d;
  return true;
}

// Encodes one compact record into `out`, which has room for kMaxCompactSlotRecord bytes.
// Returns its length, or 0 when it cannot be encoded (index before the cursor, unknown
// kind, bits outside the format). Advances `c` only on success.
inline size_t put_compact_slot(uint8_t* out, const SlotRecordFields& r, CompactSlotCursor& c) {
  const uint8_t kind = (r.role_kind >> 4) & 0x07u;
  if (r.index < c.expected_index || kind >= kKindCount || !(r.flags & kSlotOccupied) ||
      (r.flags & ~kRecSlotFlagsMask) || (r.role_kind & ~kRoleKindMask))
    return 0;
  const uint32_t gap = r.index - c.expected_index;
  const bool used = r.last_used != 0 || r.use_count != 0;
  size_t n = 0;
  out[n++] = static_cast<uint8_t>(r.flags | (used ? kRecUsed : 0) | (gap ? kRecGap : 0));
  out[n++] = r.role_kind;
  if (gap) n += put_leb128(out + n, gap);
  n += put_time_delta(out + n, r.created, c.t);
  const uint32_t t = r.created ? r.created : c.t;
  if (used) {
    n += put_time_after(out + n, r.last_used, t);
    n += put_leb128(out + n, r.use_count);
  }
  const uint8_t* b = r.schedule.b;
  switch (kind) {
    case kKindTemporaryUntil: n += put_time_after(out + n, get_u32_le(b), t); break;
    case kKindTemporaryFirstUse:
      n += put_u16_le(out + n, get_u16_le(b));      // minutes
      n += put_u32_le(out + n, get_u32_le(b + 4));  // first_used_at
      break;
    case kKindWeekday:
      out[n++] = b[0];                              // days_mask
      n += put_u16_le(out + n, get_u16_le(b + 2));  // start_minute
      n += put_u16_le(out + n, get_u16_le(b + 4));  // end_minute
      break;
    case kKindDateRange: {
      const uint32_t start = get_u32_le(b);
      n += put_time_delta(out + n, start, t);
      n += put_time_after(out + n, get_u32_le(b + 4), start);
      break;
    }
    default: break;  // persistent: no schedule bytes
  }
  c.expected_index = static_cast<uint32_t>(r.index) + 1;
  c.t = t;
  return n;
}

enum class CompactSlotStatus : uint8_t {
  kOk,
  kTruncated,      // the record ends past `end`
  kReservedBits,   // a bit the format keeps 0 is set
  kNotOccupied,    // only occupied slots are sent
  kUnknownKind,
  kIndexRange,     // the gap takes the index to 0xFFFF (kNoMoreSlots) or beyond
  kValueRange,     // a number too large for its field (use count past u16, varint past u32)
};

// Decodes one compact record at `p` (advanced past it on success). `out.schedule` holds the
// kind's ScheduleBlock, reserved bytes zero.
inline CompactSlotStatus read_compact_slot(const uint8_t*& p, const uint8_t* end, CompactSlotCursor& c,
                                           SlotRecordFields& out) {
  const uint8_t* q = p;
  // A varint that does not decode is cut short when it runs into `end`, else too big.
  auto bad_varint = [&q, end] { return q >= end ? CompactSlotStatus::kTruncated : CompactSlotStatus::kValueRange; };
  if (end - q < 2) return CompactSlotStatus::kTruncated;
  const uint8_t flags = *q++;
  const uint8_t role_kind = *q++;
  if ((flags & 0x80u) || (role_kind & ~kRoleKindMask)) return CompactSlotStatus::kReservedBits;
  if (!(flags & kSlotOccupied)) return CompactSlotStatus::kNotOccupied;
  const uint8_t kind = (role_kind >> 4) & 0x07u;
  if (kind >= kKindCount) return CompactSlotStatus::kUnknownKind;
  uint32_t gap = 0;
  if (flags & kRecGap) {
    if (!read_leb128(q, end, gap)) return bad_varint();
  }
  const uint64_t index = static_cast<uint64_t>(c.expected_index) + gap;
  if (index > 0xFFFEu) return CompactSlotStatus::kIndexRange;
  SlotRecordFields r{};
  r.index = static_cast<uint16_t>(index);
  r.flags = static_cast<uint8_t>(flags & kRecSlotFlagsMask);
  r.role_kind = role_kind;
  if (!read_time_delta(q, end, c.t, r.created)) return bad_varint();
  const uint32_t t = r.created ? r.created : c.t;
  if (flags & kRecUsed) {
    uint32_t count = 0;
    if (!read_time_after(q, end, t, r.last_used) || !read_leb128(q, end, count)) return bad_varint();
    if (count > 0xFFFFu) return CompactSlotStatus::kValueRange;
    r.use_count = static_cast<uint16_t>(count);
  }
  uint8_t* b = r.schedule.b;
  switch (kind) {
    case kKindTemporaryUntil: {
      uint32_t until = 0;
      if (!read_time_after(q, end, t, until)) return bad_varint();
      put_u32_le(b, until);
      break;
    }
    case kKindTemporaryFirstUse:
      if (end - q < 6) return CompactSlotStatus::kTruncated;
      put_u16_le(b, get_u16_le(q));
      put_u32_le(b + 4, get_u32_le(q + 2));
      q += 6;
      break;
    case kKindWeekday:
      if (end - q < 5) return CompactSlotStatus::kTruncated;
      b[0] = q[0];
      put_u16_le(b + 2, get_u16_le(q + 1));
      put_u16_le(b + 4, get_u16_le(q + 3));
      q += 5;
      break;
    case kKindDateRange: {
      uint32_t start = 0, stop = 0;
      if (!read_time_delta(q, end, t, start) || !read_time_after(q, end, start, stop)) return bad_varint();
      put_u32_le(b, start);
      put_u32_le(b + 4, stop);
      break;
    }
    default: break;
  }
  c.expected_index = static_cast<uint32_t>(r.index) + 1;
  c.t = t;
  out = r;
  p = q;
  return CompactSlotStatus::kOk;
}

}  // namespace lockfw::wire
