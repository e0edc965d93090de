#include "fake_lock.h"

#include <cstring>

#include "lockdiag/drivers/client.h"
#include "lockfw/wire.h"

namespace lockdiag::test {

using namespace lockfw::wire;
using lockfw::Reply;

namespace {

struct Rng {
  uint64_t s;
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(next() % n); }
};

template <typename T>
Reply put(uint8_t* out, uint16_t cap, const T& v) {
  if (cap < sizeof v) return Reply::fail(kErrInvalidLength);
  std::memcpy(out, &v, sizeof v);
  return Reply::ok(sizeof v);
}

template <typename T>
bool get(const uint8_t* req, uint16_t len, T& v) {
  if (len < sizeof v) return false;
  std::memcpy(&v, req, sizeof v);
  return true;
}

}  // namespace

FakeLock::FakeLock(FakeLockConfig config) : session_open(config.session_open), config_(config) {
  Rng rng{config_.seed * 0x9E3779B97F4A7C15ull + 1};
  slots_.resize(config_.slot_count);
  const uint32_t stride = config_.stride ? config_.stride : 1;
  for (uint32_t n = 0, i = 0; n < config_.occupied && i < config_.slot_count; ++n, i += stride) {
    Slot& s = slots_[i];
    s.occupied = true;
    s.enabled = rng.below(10) != 0;
    s.role = i == 0 ? uint8_t{kRoleAdmin} : static_cast<uint8_t>(1 + rng.below(3));
    const bool scheduled = rng.below(100) < static_cast<uint32_t>(config_.scheduled_percent);
    const uint8_t kind = config_.only_kind >= 0 ? static_cast<uint8_t>(config_.only_kind)
                                                : static_cast<uint8_t>(1 + rng.below(4));
    s.kind = scheduled ? kind : uint8_t{kKindPersistent};
    // Enrolled over a year or so, used for weeks after; some never used, a few made while the
    // clock was not set (created unknown).
    s.created = rng.below(40) ? 1700000000u + rng.below(30000000) : 0;
    s.last_used = rng.below(4) ? s.created + rng.below(3000000) : 0;
    s.use_count = s.last_used ? static_cast<uint16_t>(1 + rng.below(5000)) : 0;
    s.retained = rng.below(50) == 0;
    drivers::Schedule sch;
    sch.kind = static_cast<drivers::CodeKind>(s.kind);
    const uint32_t base = s.created ? s.created : 1700000000u;
    sch.end_time = base + 3600u * (1 + rng.below(24 * 90));  // an hour to three months
    sch.start_time = base + 3600u * rng.below(24 * 60);      // starts up to two months later
    sch.first_use_minutes = static_cast<uint16_t>(1 + rng.below(2880));
    sch.days_mask = static_cast<uint8_t>(1 + rng.below(127));
    sch.start_minute = static_cast<uint16_t>(rng.below(720));
    sch.end_minute = static_cast<uint16_t>(sch.start_minute + 1 + rng.below(700));
    if (s.kind == kKindDateRange) sch.end_time = sch.start_time + 3600u * (1 + rng.below(24 * 90));
    if (s.kind == kKindTemporaryFirstUse && s.last_used) {
      s.first_use_started = true;
      sch.first_used_at = s.last_used - rng.below(600);
    }
    s.expired = (s.kind == kKindTemporaryUntil || s.kind == kKindDateRange) && rng.below(5) == 0;
    const auto block = drivers::encode_schedule(sch);
    std::memcpy(s.schedule, block.data(), 8);
  }
  // An event log as a lock in daily use writes it: mostly unlocks by code, some wrong codes
  // and refusals, now and then a configuration change; minutes to hours apart.
  if (!config_.event_times.empty()) config_.events_stored = static_cast<uint32_t>(config_.event_times.size());
  events_.reserve(config_.events_stored);
  uint32_t t = 1710000000u;
  for (uint32_t i = 0; i < config_.events_stored; ++i) {
    Ev e{};
    const uint32_t r = rng.below(100);
    t += r < 50 ? rng.below(4000) : r < 90 ? rng.below(120) : rng.below(40000);
    e.time = t;
    e.slot = -1;
    if (r < 70) {
      e.type = kEvUnlockCode;
      e.slot = static_cast<int>(rng.below(config_.occupied ? config_.occupied : 1));
    } else if (r < 82) {
      e.type = kEvWrongCode;
    } else if (r < 90) {
      e.type = kEvRejected;
      e.slot = static_cast<int>(rng.below(config_.occupied ? config_.occupied : 1));
      e.reason = static_cast<uint8_t>(1 + rng.below(7));
    } else if (r < 94) {
      e.type = static_cast<uint8_t>(kEvCodeAdded + rng.below(6));
      e.slot = static_cast<int>(rng.below(config_.slot_count));
    } else if (r < 97) {
      e.type = static_cast<uint8_t>(kEvSessionOpened + rng.below(3));
    } else {
      e.type = kEvClockSet;
      e.clock_not_set = rng.below(2);
      e.reason = kReasonNone;
    }
    if (!config_.event_times.empty()) e.time = config_.event_times[i];
    events_.push_back(e);
  }
}

Reply FakeLock::handle(uint8_t cmd, const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap) {
  ++handled;
  ++handled_by_cmd[cmd];
  if (needs_session(cmd) && !session_open) return Reply::fail(kErrSessionRequired);
  switch (cmd) {
    case kCmdGetIdentity: {
      IdentityResponse r{};
      r.protocol_major = kProtocolMajor;
      r.protocol_minor = config_.protocol_minor;
      r.fw_major = 1;
      r.fw_minor = 2;
      r.fw_patch = 3;
      std::strncpy(r.model, "LD-100 Fake", sizeof r.model);
      std::memcpy(r.serial, config_.serial.data(), std::min(config_.serial.size(), sizeof r.serial));
      r.slot_count = config_.slot_count;
      r.hw_revision = 3;
      r.event_capacity = config_.event_capacity;
      return put(out, cap, r);
    }
    case kCmdGetStatus: {
      StatusResponse r{};
      r.flags = clock_utc ? kStatusClockSet : 0;
      if (!session_open) r.flags = kStatusWithheld;
      r.battery_mv = 5800;
      r.session_state = session_open ? kSessionOpen : kSessionNone;
      r.clock_utc = session_open ? clock_utc : 0;
      r.event_head_seq = session_open ? config_.head_seq : 0;
      r.event_count = session_open ? config_.events_stored : 0;
      return put(out, cap, r);
    }
    case kCmdGetCapabilities: {
      CapabilitiesResponse r{};
      r.slot_count = config_.slot_count;
      r.min_code_len = 4;
      r.max_code_len = 10;
      r.event_capacity = config_.event_capacity;
      r.max_response = 1024;
      return put(out, cap, r);
    }
    case kCmdArmSession: {
      if (config_.protocol_minor < 4) return Reply::fail(kErrInvalidCommand);
      ArmSessionResponse r{session_open ? uint8_t{kArmAlreadyOpen} : uint8_t{kArmArmed}, 0, 300};
      return put(out, cap, r);
    }
    case kCmdGetSession: {
      SessionResponse r{};
      r.state = session_open ? kSessionOpen : kSessionNone;
      r.opened_by = session_open ? kOpenedByAdminKeypad : kOpenedByNone;
      r.opened_by_slot = session_open ? 0 : 0xFFFF;
      r.session_id = 7;
      r.confirm_state = confirmation_pending ? kConfirmWaiting : kConfirmNone;
      return put(out, cap, r);
    }
    case kCmdReadSlots: return read_slots(req, len, out, cap);
    case kCmdReadEvents: return read_events(req, len, out, cap);
    case kCmdGetFingerprint: {
      FingerprintResponse r{};
      r.algorithm = kFingerprintHmacSha256;
      r.occupied_count = config_.occupied;
      r.secret_epoch = 1;
      for (size_t i = 0; i < sizeof r.digest; ++i) r.digest[i] = static_cast<uint8_t>(i * 7 + 1);
      return put(out, cap, r);
    }
    case kCmdSetClock: {
      SetClockRequest q;
      if (!get(req, len, q)) return Reply::fail(kErrInvalidLength);
      SetClockResponse r{};
      r.previous_utc = clock_utc;
      r.was_set = clock_utc != 0;
      clock_utc = q.utc;
      utc_offset = q.utc_offset_min;
      ++set_clock_count;
      return put(out, cap, r);
    }
    case kCmdOpenEnrollment: {
      OpenEnrollmentRequest q;
      if (!get(req, len, q)) return Reply::fail(kErrInvalidLength);
      if (q.slot >= config_.slot_count) return Reply::fail(kErrSlotOutOfRange, q.slot);
      if (q.role >= kRoleCount) return Reply::fail(kErrInvalidRole);
      if (q.kind >= kKindCount) return Reply::fail(kErrInvalidKind);
      if (enrollment_active) return Reply::fail(kErrEnrollmentActive);
      enrollment_active = true;
      return Reply::ok(0);
    }
    case kCmdAbortEnrollment:
      if (!enrollment_active) return Reply::fail(kErrNoEnrollment);
      enrollment_active = false;
      return Reply::ok(0);
    case kCmdDeleteSlot: {
      SlotRequest q;
      if (!get(req, len, q)) return Reply::fail(kErrInvalidLength);
      if (q.slot >= config_.slot_count) return Reply::fail(kErrSlotOutOfRange, q.slot);
      if (!slots_[q.slot].occupied) return Reply::fail(kErrSlotEmpty, q.slot);
      if (confirmation_pending) return Reply::fail(kErrConfirmationPending);
      confirmation_pending = true;
      return put(out, cap, lockfw::wire::PendingConfirmation{next_ticket++, 60});
    }
    case kCmdSetSlotEnabled: {
      SetSlotEnabledRequest q;
      if (!get(req, len, q)) return Reply::fail(kErrInvalidLength);
      if (q.slot >= config_.slot_count) return Reply::fail(kErrSlotOutOfRange, q.slot);
      if (!slots_[q.slot].occupied) return Reply::fail(kErrSlotEmpty, q.slot);
      slots_[q.slot].enabled = q.enabled != 0;
      return Reply::ok(0);
    }
    case kCmdSetSchedule: {
      SetScheduleRequest q;
      if (!get(req, len, q)) return Reply::fail(kErrInvalidLength);
      if (q.slot >= config_.slot_count) return Reply::fail(kErrSlotOutOfRange, q.slot);
      if (!slots_[q.slot].occupied) return Reply::fail(kErrSlotEmpty, q.slot);
      if (q.kind >= kKindCount) return Reply::fail(kErrInvalidKind);
      slots_[q.slot].kind = q.kind;
      std::memcpy(slots_[q.slot].schedule, q.schedule.b, 8);
      return Reply::ok(0);
    }
    case kCmdGetLockoutPolicy: {
      lockfw::wire::LockoutPolicy p{static_cast<uint8_t>(policy.wrong_code_limit),
                                    static_cast<uint8_t>(policy.doubling),
                                    static_cast<uint16_t>(policy.disable_s),
                                    static_cast<uint16_t>(policy.max_disable_s),
                                    0,
                                    static_cast<uint8_t>(policy.daily_wrong_cap),
                                    static_cast<uint8_t>(policy.level_quiet_h),
                                    0};
      return put(out, cap, p);
    }
    case kCmdSetLockoutPolicy: {
      lockfw::wire::LockoutPolicy q{};
      if (len < lockfw::wire::kLockoutPolicyV11Size) return Reply::fail(kErrInvalidLength);
      std::memcpy(&q, req, std::min<size_t>(len, sizeof q));
      if (q.wrong_code_limit == 0 || q.disable_s == 0 || q.max_disable_s < q.disable_s)
        return Reply::fail(kErrInvalidPolicy);
      policy = {q.wrong_code_limit,
                q.doubling != 0,
                q.disable_s,
                q.max_disable_s,
                q.daily_wrong_cap ? q.daily_wrong_cap : policy.daily_wrong_cap,
                q.level_quiet_h ? q.level_quiet_h : policy.level_quiet_h};
      return Reply::ok(0);
    }
    case kCmdFactoryReset: {
      FactoryResetRequest q;
      if (!get(req, len, q)) return Reply::fail(kErrInvalidLength);
      if (confirmation_pending) return Reply::fail(kErrConfirmationPending);
      confirmation_pending = true;
      return put(out, cap, lockfw::wire::PendingConfirmation{next_ticket++, 60});
    }
    case kCmdCancelConfirmation:
      if (!confirmation_pending) return Reply::fail(kErrNoConfirmation);
      confirmation_pending = false;
      return Reply::ok(0);
    case kCmdCloseSession: session_open = false; return Reply::ok(0);
    default: return Reply::fail(kErrInvalidCommand);
  }
}

SlotRecordFields FakeLock::fields(uint16_t i) const {
  const Slot& s = slots_[i];
  SlotRecordFields f{};
  f.index = i;
  f.flags = static_cast<uint8_t>(kSlotOccupied | (s.enabled ? kSlotEnabled : 0) | (s.expired ? kSlotExpired : 0) |
                                 (s.first_use_started ? kSlotFirstUseStarted : 0) |
                                 (s.retained ? kSlotRetainedAcrossReset : 0));
  f.role_kind = pack_role_kind(s.role, s.kind);
  f.created = s.created;
  f.last_used = s.last_used;
  f.use_count = s.use_count;
  if (s.kind != kKindPersistent) std::memcpy(f.schedule.b, s.schedule, 8);
  return f;
}

Reply FakeLock::read_slots(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap) {
  if (len < kReadSlotsRequestMinSize) return Reply::fail(kErrInvalidLength);
  ReadSlotsRequest q{};
  std::memcpy(&q, req, std::min<size_t>(len, sizeof q));
  if (q.start_index >= config_.slot_count) return Reply::fail(kErrSlotOutOfRange, q.start_index);
  const bool compact = q.format == kSlotFormatCompact && !config_.v1_0_slots;
  const uint16_t budget = q.max_bytes && q.max_bytes < cap ? q.max_bytes : cap;
  if (budget < sizeof(ReadSlotsResponseHead) + (compact ? kMaxCompactSlotRecord : kMaxFixedSlotRecord))
    return Reply::fail(kErrInvalidParameter);
  ReadSlotsResponseHead h{q.start_index, kNoMoreSlots, 0, compact ? kSlotFormatCompact : kSlotFormatFixed};
  size_t off = sizeof h;
  CompactSlotCursor cursor{q.start_index, 0};
  for (uint32_t i = q.start_index; i < config_.slot_count; ++i) {
    if (!slots_[i].occupied) continue;
    const SlotRecordFields f = fields(static_cast<uint16_t>(i));
    uint8_t rec[kMaxCompactSlotRecord + kMaxFixedSlotRecord];
    size_t n = 0;
    CompactSlotCursor next = cursor;
    if (compact) {
      n = put_compact_slot(rec, f, next);
      if (n == 0) return Reply::fail(kErrStorageFailure, static_cast<uint16_t>(i));
    } else {
      SlotRecordHead r{f.index, f.flags, f.role_kind, f.created, f.last_used, f.use_count, 0, 0};
      r.schedule_len = slots_[i].kind == kKindPersistent ? 0 : 8;
      std::memcpy(rec, &r, sizeof r);
      n = sizeof r;
      if (r.schedule_len) {
        std::memcpy(rec + n, f.schedule.b, 8);
        n += 8;
      }
    }
    if (off + n > budget || h.count == 255) {
      h.next_index = static_cast<uint16_t>(i);
      break;
    }
    std::memcpy(out + off, rec, n);
    off += n;
    cursor = next;
    ++h.count;
  }
  std::memcpy(out, &h, sizeof h);
  slot_record_bytes += off - sizeof h;
  return Reply::ok(static_cast<uint16_t>(off));
}

size_t FakeLock::encode_event(const Ev& e, uint32_t prev_time, uint8_t* p) const {
  size_t n = 0;
  const bool extra = e.reason != 0 || e.clock_not_set;
  p[n++] = static_cast<uint8_t>(e.type | (e.slot >= 0 ? kEvHasSlot : 0) | (extra ? kEvHasExtra : 0));
  // As the 1.1 firmware encodes it: the difference as a signed 32-bit number (it wraps when the
  // times are 2^31 s or more apart).
  n += put_leb128(p + n, zigzag_encode(static_cast<int32_t>(e.time - prev_time)));
  if (e.slot >= 0) n += put_leb128(p + n, static_cast<uint32_t>(e.slot));
  if (extra) p[n++] = static_cast<uint8_t>((e.reason & kReasonMask) | (e.clock_not_set ? kExtraClockNotSet : 0));
  return n;
}

Reply FakeLock::read_events(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap) {
  ReadEventsRequest q;
  if (!get(req, len, q)) return Reply::fail(kErrInvalidLength);
  const uint16_t budget = q.max_bytes && q.max_bytes < cap ? q.max_bytes : cap;
  ReadEventsResponseHead h{};
  h.head_seq = config_.head_seq;
  uint32_t seq = q.from_seq;
  if (seq < oldest_seq()) {
    seq = oldest_seq();
    h.flags |= kEventsTruncated;
  }
  if (seq > config_.head_seq) seq = config_.head_seq;
  h.first_seq = seq;
  const size_t first = seq - oldest_seq();
  h.base_time = first < events_.size() ? events_[first].time : 0;
  size_t off = sizeof h;
  uint32_t prev = h.base_time;
  uint8_t tmp[kMaxEncodedEvent];
  for (size_t i = first; i < events_.size(); ++i) {
    if (q.max_count && h.count >= q.max_count) break;
    const size_t n = encode_event(events_[i], prev, tmp);
    if (off + n > budget) break;
    std::memcpy(out + off, tmp, n);
    off += n;
    prev = events_[i].time;
    ++h.count;
  }
  if (first + h.count < events_.size()) h.flags |= kEventsMore;
  std::memcpy(out, &h, sizeof h);
  return Reply::ok(static_cast<uint16_t>(off));
}

std::vector<drivers::SlotRecord> FakeLock::expected_slots() const {
  std::vector<drivers::SlotRecord> v;
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    if (!s.occupied) continue;
    drivers::SlotRecord r;
    r.index = static_cast<int>(i);
    r.enabled = s.enabled;
    r.expired = s.expired;
    r.first_use_started = s.first_use_started;
    r.retained_across_reset = s.retained;
    r.role = static_cast<drivers::Role>(s.role);
    r.kind = static_cast<drivers::CodeKind>(s.kind);
    r.created = s.created;
    r.last_used = s.last_used;
    r.use_count = s.use_count;
    r.schedule = drivers::decode_schedule(s.kind, s.kind == kKindPersistent ? nullptr : s.schedule);
    v.push_back(r);
  }
  return v;
}

std::vector<drivers::Event> FakeLock::expected_events(uint32_t from_seq) const {
  std::vector<drivers::Event> v;
  for (size_t i = 0; i < events_.size(); ++i) {
    const uint32_t seq = oldest_seq() + static_cast<uint32_t>(i);
    if (seq < from_seq) continue;
    const Ev& e = events_[i];
    drivers::Event o;
    o.seq = seq;
    o.time = e.time;
    o.type = static_cast<drivers::EventType>(e.type);
    if (e.slot >= 0) o.slot = static_cast<uint16_t>(e.slot);
    o.reason = static_cast<drivers::Reason>(e.reason);
    o.clock_not_set = e.clock_not_set;
    v.push_back(o);
  }
  return v;
}

}  // namespace lockdiag::test
