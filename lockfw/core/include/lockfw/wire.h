// The service-port wire protocol: the one file both sides share (lockfw and drivers).
// docs/protocol.md is the prose version; every layout here has a table there.
//
// Rules that hold for every message:
//  - little-endian, fixed layouts (packed, sizes asserted below);
//  - a request shorter than its layout is refused with kErrInvalidLength; bytes past the
//    layout are ignored (a later minor version appends fields, never reorders);
//  - no command, request or response ever carries a code (PIN) value. Codes are typed on
//    the lock's keypad only.
//
// Freestanding: only <stdint.h>/<stddef.h>, no library that allocates.
#pragma once

#include <stddef.h>
#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "wire.h layouts are little-endian; add byte swapping before building for a big-endian part"
#endif

#define LOCKFW_PACKED __attribute__((packed))

namespace lockfw::wire {

// ---- USB identity --------------------------------------------------------------------------
inline constexpr uint16_t kUsbVendorId = 0x1209;   // pid.codes
inline constexpr uint16_t kUsbProductId = 0x0001;  // pid.codes test PID; a product gets its own
inline constexpr uint16_t kHidUsagePage = 0xFF00;  // vendor-defined
inline constexpr uint8_t kHidUsage = 0x01;
inline constexpr size_t kReportSize = 64;          // IN and OUT, no report IDs

inline constexpr uint8_t kProtocolMajor = 1;
inline constexpr uint8_t kProtocolMinor = 3;  // 1.1 compact slot records; 1.2 security (docs/protocol.md 9); 1.3 time zone (10)
                                              // 1.2: lockfw security (docs/protocol.md, "1.2")

// ---- Framing (CTAPHID-like) ----------------------------------------------------------------
// init packet:         cid u32 | cmd|0x80 u8 | bcnt u16 | 57 data bytes
// continuation packet: cid u32 | seq u8 (0..127)       | 59 data bytes
inline constexpr size_t kInitHeaderSize = 7;
inline constexpr size_t kContHeaderSize = 5;
inline constexpr size_t kInitDataSize = kReportSize - kInitHeaderSize;  // 57
inline constexpr size_t kContDataSize = kReportSize - kContHeaderSize;  // 59
inline constexpr uint8_t kMaxSeq = 0x7F;
inline constexpr size_t kMaxMessageSize = kInitDataSize + (kMaxSeq + 1) * kContDataSize;  // 7609
inline constexpr uint8_t kInitFlag = 0x80;

// Since 1.1 a host may number its requests so the lock can recognise a report that reached it
// twice: bcnt of a request's init packet carries the payload length in bits 0-12 (messages are
// at most 7,609 bytes) and a transaction number in bits 13-15. 0 = not numbered (1.0 hosts,
// and INIT, which is never numbered); a host numbers its requests 1..7 round and round, a new
// number for every request it sends, retries included. Answers are never numbered.
inline constexpr uint16_t kBcntLengthMask = 0x1FFF;
inline constexpr unsigned kTxnShift = 13;
inline constexpr uint8_t kTxnMax = 7;
static_assert(kMaxMessageSize <= kBcntLengthMask);

inline constexpr uint32_t kBroadcastCid = 0xFFFFFFFFu;
inline constexpr uint32_t kReservedCid = 0;
inline constexpr uint32_t kContinuationTimeoutMs = 500;  // gap allowed between packets of a message

// ---- Commands ------------------------------------------------------------------------------
enum Command : uint8_t {
  // Framing layer
  kCmdPing = 0x01,            // echo; open
  kCmdInit = 0x06,            // channel allocation / resync; open
  kCmdCancel = 0x11,          // drop the partial message on this channel; no response
  kCmdKeepalive = 0x3B,       // device -> host only
  kCmdError = 0x3F,           // device -> host only; payload ErrorResponse
  // Service layer
  kCmdGetIdentity = 0x40,     // open
  kCmdGetStatus = 0x41,       // open; clock/lockout/log fields withheld without a session
  kCmdGetCapabilities = 0x42, // open
  kCmdGetSession = 0x43,      // open: how the laptop learns a session was opened at the lock
  kCmdCloseSession = 0x44,    // session
  kCmdReadSlots = 0x45,       // session; paged
  kCmdReadEvents = 0x46,      // session; paged from a sequence number
  kCmdGetFingerprint = 0x47,  // session
  kCmdSetClock = 0x48,        // session
  kCmdOpenEnrollment = 0x49,  // session (factory state: admin role only)
  kCmdAbortEnrollment = 0x4A, // session
  kCmdDeleteSlot = 0x4B,      // session + keypad confirmation
  kCmdSetSlotEnabled = 0x4C,  // session
  kCmdSetSchedule = 0x4D,     // session
  kCmdSetLockoutPolicy = 0x4E,// session
  kCmdFactoryReset = 0x4F,    // session + keypad confirmation
  kCmdGetLockoutPolicy = 0x50,// session
  kCmdCancelConfirmation = 0x51, // session
};

// ---- Errors (ErrorResponse.code) -----------------------------------------------------------
enum ErrorCode : uint8_t {
  kErrNone = 0x00,
  // framing
  kErrInvalidCommand = 0x01,
  kErrInvalidParameter = 0x02,
  kErrInvalidLength = 0x03,
  kErrInvalidSequence = 0x04,
  kErrMessageTimeout = 0x05,
  kErrChannelBusy = 0x06,
  kErrInvalidChannel = 0x0B,
  // service
  kErrSessionRequired = 0x20,
  kErrFactoryAdminOnly = 0x21,
  kErrSlotOutOfRange = 0x22,
  kErrSlotEmpty = 0x23,
  kErrInvalidRole = 0x24,
  kErrInvalidKind = 0x25,
  kErrInvalidSchedule = 0x26,
  kErrAdminLimit = 0x27,
  kErrEnrollmentActive = 0x28,
  kErrNoEnrollment = 0x29,
  kErrConfirmationPending = 0x2A,
  kErrClockNotSet = 0x2B,
  kErrBatteryCritical = 0x2C,
  kErrStorageFailure = 0x2D,
  kErrInvalidPolicy = 0x2E,
  kErrInvalidTime = 0x2F,
  kErrLastAdmin = 0x30,
  kErrKeypadBusy = 0x31,
  kErrNoConfirmation = 0x32,
};

struct LOCKFW_PACKED ErrorResponse {
  uint8_t code;
  uint8_t reserved;
  uint16_t detail;  // e.g. the offending slot index, or 0
};

// ---- INIT ----------------------------------------------------------------------------------
struct LOCKFW_PACKED InitRequest {
  uint8_t nonce[8];
};
struct LOCKFW_PACKED InitResponse {
  uint8_t nonce[8];
  uint32_t cid;
  uint8_t protocol_major;
  uint8_t protocol_minor;
  uint16_t max_request;   // longest request message the device accepts
  uint16_t max_response;  // longest response the device sends (page size bound)
  uint16_t reserved;
};

// ---- Identity ------------------------------------------------------------------------------
struct LOCKFW_PACKED IdentityResponse {
  uint8_t protocol_major;
  uint8_t protocol_minor;
  uint8_t fw_major;
  uint8_t fw_minor;
  uint16_t fw_patch;
  char model[24];   // NUL-padded ASCII
  char serial[16];  // NUL-padded ASCII
  uint16_t slot_count;
  uint16_t hw_revision;
  uint32_t event_capacity;
};

// ---- Status --------------------------------------------------------------------------------
enum StatusFlags : uint8_t {
  kStatusClockSet = 1u << 0,
  kStatusWithheld = 1u << 1,  // no session: clock, lockout and log fields are zero
  kStatusFactoryState = 1u << 2,
  kStatusLockedOut = 1u << 3,
  kStatusTamper = 1u << 4,
  kStatusEnrollmentActive = 1u << 5,
  kStatusConfirmationPending = 1u << 6,
};
enum BatteryState : uint8_t { kBatteryOk = 0, kBatteryLow = 1, kBatteryCritical = 2 };
enum SessionState : uint8_t { kSessionNone = 0, kSessionOpen = 1, kSessionFactory = 2 };

struct LOCKFW_PACKED StatusResponse {
  uint8_t flags;            // StatusFlags
  uint8_t battery_state;    // BatteryState
  uint16_t battery_mv;
  uint8_t session_state;    // SessionState
  uint8_t lockout_level;    // consecutive lockouts (disable time doubles per level)
  uint16_t lockout_remaining_s;
  uint32_t clock_utc;       // lock's RTC, seconds since 1970 UTC (0 when not set or withheld)
  int16_t utc_offset_min;   // local time = utc + offset (schedules are local)
  uint8_t wrong_attempts;   // wrong codes since the last success
  uint8_t reserved;
  uint32_t uptime_s;
  uint32_t event_head_seq;  // sequence number the next event will get
  uint32_t event_count;     // events currently stored
};

// ---- Capabilities --------------------------------------------------------------------------
enum FeatureFlags : uint32_t {
  kFeatureRtc = 1u << 0,
  kFeatureWeekdaySchedules = 1u << 1,
  kFeatureDateRangeSchedules = 1u << 2,
  kFeatureExpiring = 1u << 3,
  kFeatureExpireAfterFirstUse = 1u << 4,
  kFeatureFullWipe = 1u << 5,
  kFeatureRetainsCodesOnReset = 1u << 6,  // the less common product: codes survive reset
  kFeatureBatterySense = 1u << 7,
  kFeatureTamperSensor = 1u << 8,
  kFeatureMechanicalKey = 1u << 9,
};

struct LOCKFW_PACKED CapabilitiesResponse {
  uint16_t slot_count;
  uint8_t min_code_len;
  uint8_t max_code_len;
  uint32_t event_capacity;
  uint32_t features;           // FeatureFlags
  uint8_t max_admins;          // 0: no limit
  uint8_t min_wrong_limit;     // lockout policy bounds
  uint8_t max_wrong_limit;
  uint8_t reserved;
  uint16_t min_disable_s;
  uint16_t max_disable_s;
  uint16_t session_timeout_s;
  uint16_t confirmation_timeout_s;
  uint16_t enrollment_timeout_s;
  uint16_t max_response;
};

// ---- Session -------------------------------------------------------------------------------
enum SessionOpenedBy : uint8_t { kOpenedByNone = 0, kOpenedByAdminKeypad = 1, kOpenedByFactoryState = 2 };
enum EnrollState : uint8_t {
  kEnrollIdle = 0,
  kEnrollWaitFirst = 1,   // lock waits for the first entry of the new code
  kEnrollWaitSecond = 2,  // lock waits for the repeat
  kEnrollCommitted = 3,
  kEnrollAborted = 4,     // enroll_reason says why; the slot is as it was
};
enum ConfirmState : uint8_t {
  kConfirmNone = 0,
  kConfirmWaiting = 1,    // the lock asks for the admin code + '#' at the keypad
  kConfirmDone = 2,       // confirmed and carried out
  kConfirmDenied = 3,     // wrong code or '*' at the keypad
  kConfirmTimedOut = 4,
  kConfirmFailed = 5,     // confirmed but could not be carried out (storage)
  kConfirmCancelled = 6,  // cancelled by the host
};
enum ConfirmAction : uint8_t { kActionNone = 0, kActionDeleteSlot = 1, kActionFactoryReset = 2 };

struct LOCKFW_PACKED SessionResponse {
  uint8_t state;           // SessionState
  uint8_t opened_by;       // SessionOpenedBy
  uint16_t opened_by_slot; // admin slot that opened it, 0xFFFF if none
  uint32_t session_id;     // increments on every open: tells the host a session is new
  uint16_t remaining_s;    // until the idle timeout
  uint8_t enroll_state;    // EnrollState (last enrollment of this session)
  uint8_t enroll_reason;   // Reason when aborted
  uint16_t enroll_slot;
  uint8_t confirm_state;   // ConfirmState (last confirmation of this session)
  uint8_t confirm_action;  // ConfirmAction
  uint16_t confirm_ticket;
  uint16_t confirm_arg;    // slot for delete; flags for reset
};

// ---- Varints: the building blocks of the compact encodings (events, 1.1 slot records) ---
// Shared so both sides agree to the bit.
inline constexpr uint32_t zigzag_encode(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline constexpr int64_t zigzag_decode(uint32_t z) {
  return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
}
// Unsigned LEB128; returns the bytes written (1 to 5).
inline size_t put_leb128(uint8_t* p, uint32_t v) {
  size_t n = 0;
  do {
    uint8_t b = static_cast<uint8_t>(v & 0x7F);
    v >>= 7;
    if (v) b = static_cast<uint8_t>(b | 0x80);
    p[n++] = b;
  } while (v);
  return n;
}
// Reads what put_leb128 wrote; false when it is cut short by `end` or does not fit 32 bits.
inline bool read_leb128(const uint8_t*& p, const uint8_t* end, uint32_t& out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (p >= end) return false;
    const uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7Fu) << shift;
    if (!(b & 0x80)) {
      if (v > 0xFFFFFFFFu) return false;
      out = static_cast<uint32_t>(v);
      return true;
    }
  }
  return false;
}

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
struct LOCKFW_PACKED ScheduleUntil { uint32_t end_time; uint32_t reserved; };
struct LOCKFW_PACKED ScheduleFirstUse { uint16_t minutes; uint16_t reserved; uint32_t first_used_at; };
struct LOCKFW_PACKED ScheduleWeekday { uint8_t days_mask; uint8_t reserved; uint16_t start_minute; uint16_t end_minute; uint16_t reserved2; };
struct LOCKFW_PACKED ScheduleDateRange { uint32_t start_time; uint32_t end_time; };
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
  if (r.index < c.expected_index || kind >= kKindCount || !(r.flags & kSlotOccupied) || (r.flags & ~kRecSlotFlagsMask) ||
      (r.role_kind & ~kRoleKindMask))
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

// ---- Events --------------------------------------------------------------------------------
enum EventType : uint8_t {
  kEvUnlockCode = 1,
  kEvWrongCode = 2,
  kEvRejected = 3,          // a known code refused; reason says why
  kEvLockoutStart = 4,
  kEvLockoutEnd = 5,
  kEvKeyOverride = 6,       // mechanical key
  kEvCodeAdded = 7,
  kEvCodeChanged = 8,
  kEvCodeDeleted = 9,
  kEvCodeEnabled = 10,
  kEvCodeDisabled = 11,
  kEvScheduleChanged = 12,
  kEvEnrollStarted = 13,
  kEvEnrollCommitted = 14,
  kEvEnrollAborted = 15,
  kEvFactoryReset = 16,
  kEvSessionOpened = 17,
  kEvSessionClosed = 18,
  kEvSessionTimeout = 19,
  kEvClockSet = 20,
  kEvBatteryLow = 21,
  kEvBatteryCritical = 22,
  kEvTamper = 23,
  kEvPowerOn = 24,
  kEvPolicyChanged = 25,
  kEvConfirmRequested = 26,
  kEvConfirmDenied = 27,
  kEvConfirmTimeout = 28,
  kEvBatteryOk = 29,
  // 1.2
  kEvDailyCapReached = 30,  // the rolling-24 h wrong-entry cap was reached: admin code only
};
inline constexpr uint8_t kEventTypeMax = 63;

enum Reason : uint8_t {
  kReasonNone = 0,
  // why a known code was refused (kEvRejected)
  kReasonDisabled = 1,
  kReasonOutsideSchedule = 2,
  kReasonExpired = 3,
  kReasonClockNotSet = 4,
  kReasonLockedOut = 5,
  kReasonBatteryCritical = 6,
  kReasonNotYetValid = 7,
  kReasonFactoryState = 8,
  kReasonDailyCap = 9,          // 1.2: the daily wrong-entry cap is reached; only the admin code works
  // why an enrollment was aborted (kEvEnrollAborted, SessionResponse.enroll_reason)
  kReasonMismatch = 16,
  kReasonTimeout = 17,
  kReasonDuplicate = 18,
  kReasonBadLength = 19,
  kReasonHostCancelled = 20,
  kReasonKeypadCancelled = 21,
  kReasonPowerLost = 22,
  kReasonSessionEnded = 23,
  kReasonStorage = 24,
  kReasonSameCode = 25,  // the new code equals the slot's current one (a rotation changed nothing)
  // factory reset variants (kEvFactoryReset)
  kReasonResetKeepLog = 32,
  kReasonResetFullWipe = 33,
  // confirmation actions (kEvConfirm*)
  kReasonActionDelete = 40,
  kReasonActionReset = 41,
};
inline constexpr uint8_t kReasonMask = 0x3F;

struct LOCKFW_PACKED ReadEventsRequest {
  uint32_t from_seq;
  uint16_t max_bytes;  // 0: device's max_response
  uint16_t max_count;  // 0: no limit
};
enum ReadEventsFlags : uint16_t {
  kEventsMore = 1u << 0,       // more events after this page
  kEventsTruncated = 1u << 1,  // from_seq was older than the oldest kept event
};
struct LOCKFW_PACKED ReadEventsResponseHead {
  uint32_t first_seq;  // sequence number of the first event in the page
  uint16_t count;
  uint16_t flags;      // ReadEventsFlags
  uint32_t base_time;  // timestamp the first event's delta is relative to
  uint32_t head_seq;   // sequence number the next event will get
};
// Event encoding in a page (compact, sequence numbers implicit and consecutive):
//   byte 0: type (bits 0-5) | kEvHasSlot (bit 6) | kEvHasExtra (bit 7)
//   zigzag LEB128 of (timestamp - previous timestamp); the first is relative to base_time
//   if kEvHasSlot: LEB128 slot index
//   if kEvHasExtra: one byte: reason (bits 0-5) | kExtraClockNotSet (bit 6)
inline constexpr uint8_t kEvHasSlot = 1u << 6;
inline constexpr uint8_t kEvHasExtra = 1u << 7;
inline constexpr uint8_t kExtraClockNotSet = 1u << 6;
inline constexpr size_t kMaxEncodedEvent = 1 + 5 + 3 + 1;

// ---- Fingerprint ---------------------------------------------------------------------------
inline constexpr uint8_t kFingerprintHmacSha256 = 1;
struct LOCKFW_PACKED FingerprintResponse {
  uint8_t algorithm;
  uint8_t reserved;
  uint16_t occupied_count;
  uint32_t secret_epoch;  // increments when the device secret rotates (factory reset)
  uint8_t digest[32];
};

// ---- Clock ---------------------------------------------------------------------------------
struct LOCKFW_PACKED SetClockRequest {
  uint32_t utc;
  int16_t utc_offset_min;
  uint16_t reserved;
};
struct LOCKFW_PACKED SetClockResponse {
  uint32_t previous_utc;  // what the lock believed just before (0 if not set)
  uint8_t was_set;
  uint8_t reserved[3];
};

// ---- Enrollment and slot changes -----------------------------------------------------------
struct LOCKFW_PACKED OpenEnrollmentRequest {
  uint16_t slot;
  uint8_t role;
  uint8_t kind;
  ScheduleBlock schedule;
};
struct LOCKFW_PACKED SlotRequest {
  uint16_t slot;
  uint16_t reserved;
};
struct LOCKFW_PACKED SetSlotEnabledRequest {
  uint16_t slot;
  uint8_t enabled;
  uint8_t reserved;
};
struct LOCKFW_PACKED SetScheduleRequest {
  uint16_t slot;
  uint8_t kind;
  uint8_t reserved;
  ScheduleBlock schedule;
};

// ---- Lockout policy ------------------------------------------------------------------------
struct LOCKFW_PACKED LockoutPolicy {
  uint8_t wrong_code_limit;  // 1..255 tries
  uint8_t doubling;          // 1: disable time doubles on each repeated lockout
  uint16_t disable_s;        // base temporary disable time
  uint16_t max_disable_s;    // ceiling for doubling
  uint16_t reserved;
  // 1.2: appended. A 1.1 host sends and reads only the 8 bytes above (kLockoutPolicyV11Size);
  // SET_LOCKOUT_POLICY without them, or with 0 in one, keeps the lock's current value.
  uint8_t daily_wrong_cap = 0;  // wrong entries per rolling 24 h, then only the admin code works (1..200)
  uint8_t level_quiet_h = 0;    // lockout level decays to 0 after this many quiet hours (1..24)
  uint16_t reserved2 = 0;
};
inline constexpr size_t kLockoutPolicyV11Size = 8;
inline constexpr uint8_t kDefaultDailyWrongCap = 20;
inline constexpr uint8_t kMaxDailyWrongCap = 200;
inline constexpr uint8_t kDefaultLevelQuietH = 24;
inline constexpr uint8_t kMaxLevelQuietH = 24;

// ---- Destructive commands: two-phase ------------------------------------------------------
enum ResetFlags : uint8_t { kResetFullWipe = 1u << 0 };
struct LOCKFW_PACKED FactoryResetRequest {
  uint8_t flags;  // ResetFlags
  uint8_t reserved[3];
};
// Answer to DELETE_SLOT and FACTORY_RESET: the action waits for the keypad. Watch
// GET_SESSION (confirm_ticket / confirm_state) for the outcome.
struct LOCKFW_PACKED PendingConfirmation {
  uint16_t ticket;
  uint16_t timeout_s;
};

// ---- Sizes are part of the protocol --------------------------------------------------------
static_assert(sizeof(ErrorResponse) == 4);
static_assert(sizeof(InitRequest) == 8);
static_assert(sizeof(InitResponse) == 20);
static_assert(sizeof(IdentityResponse) == 54);
static_assert(sizeof(StatusResponse) == 28);
static_assert(sizeof(CapabilitiesResponse) == 28);
static_assert(sizeof(SessionResponse) == 20);
static_assert(sizeof(ScheduleBlock) == 8 && sizeof(ScheduleUntil) == 8 && sizeof(ScheduleFirstUse) == 8 &&
              sizeof(ScheduleWeekday) == 8 && sizeof(ScheduleDateRange) == 8);
static_assert(sizeof(SlotRecordHead) == 16);
static_assert(sizeof(ReadSlotsRequest) == 6);
static_assert(sizeof(ReadSlotsResponseHead) == 6);
static_assert(sizeof(ReadEventsRequest) == 8);
static_assert(sizeof(ReadEventsResponseHead) == 16);
static_assert(sizeof(FingerprintResponse) == 40);
static_assert(sizeof(SetClockRequest) == 8);
static_assert(sizeof(SetClockResponse) == 8);
static_assert(sizeof(OpenEnrollmentRequest) == 12);
static_assert(sizeof(SlotRequest) == 4);
static_assert(sizeof(SetSlotEnabledRequest) == 4);
static_assert(sizeof(SetScheduleRequest) == 12);
static_assert(sizeof(LockoutPolicy) == 12);
static_assert(sizeof(FactoryResetRequest) == 4);
static_assert(sizeof(PendingConfirmation) == 4);

// Commands that need an open service session (kErrSessionRequired otherwise).
inline constexpr bool needs_session(uint8_t cmd) {
  switch (cmd) {
    case kCmdPing: case kCmdInit: case kCmdCancel:
    case kCmdGetIdentity: case kCmdGetStatus: case kCmdGetCapabilities: case kCmdGetSession:
      return false;
    default:
      return true;
  }
}
// Commands the lock carries out only after a second confirmation on its keypad.
inline constexpr bool needs_keypad_confirmation(uint8_t cmd) {
  return cmd == kCmdDeleteSlot || cmd == kCmdFactoryReset;
}

}  // namespace lockfw::wire

// ---- Time zone (SET_TIME_ZONE 0x54, GET_TIME_ZONE 0x55, kFeatureTimeZone) -------------------
#include "lockfw/wire_tz.h"  // IWYU pragma: export
