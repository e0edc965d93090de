// Service commands: dispatch and the read-only answers (identity, status, slots, events).
#include "core/lock.h"
#include "core/lock_detail.h"

#include "core/bytes.h"
#include "lockfw/wire.h"

namespace lockfw {

using namespace wire;
using namespace lock_detail;

Reply Lock::handle(uint8_t cmd, const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap) {
  if (cap < 64) return Reply::fail(kErrInvalidLength);
  switch (cmd) {
    case kCmdGetIdentity: return Reply::ok(identity(out));
    case kCmdGetStatus: return Reply::ok(status(out));
    case kCmdGetCapabilities: return Reply::ok(capabilities(out));
    case kCmdGetSession: return Reply::ok(session(out));
    case kCmdArmSession: return arm_session(out);
    default: break;
  }
  const bool tz_cmd = cmd == kCmdSetTimeZone || cmd == kCmdGetTimeZone || cmd == kCmdGetAttestation;
  if (!tz_cmd && (cmd < kCmdCloseSession || cmd > kCmdCancelConfirmation)) return Reply::fail(kErrInvalidCommand);
  if (tz_cmd && cap < sizeof(TimeZoneStatus)) return Reply::fail(kErrInvalidLength);
  if (!storage_ok_) return Reply::fail(kErrStorageFailure);
  const uint8_t st = session_state();
  if (cmd == kCmdCloseSession && !session_mine() && withdraw_arm()) return Reply::ok(0);  // 1.4: gave up waiting
  if (st == kSessionFactory) {
    if (cmd != kCmdOpenEnrollment && cmd != kCmdAbortEnrollment) return Reply::fail(kErrFactoryAdminOnly);
  } else if (st != kSessionOpen || !session_mine()) {
    return Reply::fail(kErrSessionRequired, session_refusal());
  }
  session_last_ms_ = hal_.ticks.now_ms();
  switch (cmd) {
    case kCmdCloseSession: end_session(kEvSessionClosed); return Reply::ok(0);
    case kCmdReadSlots: return read_slots(req, len, out, cap);
    case kCmdReadEvents: return read_events(req, len, out, cap);
    case kCmdGetFingerprint: return fingerprint(out);
    case kCmdSetClock: return set_clock(req, len, out);
    case kCmdOpenEnrollment: {
      const Reply r = open_enrollment(req, len);
      if (r.error == kErrNone && st == kSessionFactory) factory_cid_ = channel_;
      return r;
    }
    case kCmdAbortEnrollment:
      if (enroll_.state != kEnrollWaitFirst && enroll_.state != kEnrollWaitSecond) return Reply::fail(kErrNoEnrollment);
      enroll_abort(kReasonHostCancelled);
      return Reply::ok(0);
    case kCmdDeleteSlot: return delete_slot(req, len, out);
    case kCmdSetSlotEnabled: return set_slot_enabled(req, len);
    case kCmdSetSchedule: return set_schedule(req, len);
    case kCmdSetLockoutPolicy: return set_policy(req, len);
    case kCmdFactoryReset: return factory_reset(req, len, out);
    case kCmdGetLockoutPolicy: {
      const Settings& s = store_.settings();
      LockoutPolicy p{s.wrong_limit, s.doubling, s.disable_s, s.max_disable_s, 0, s.daily_cap, s.quiet_h, 0};
      copy_bytes(out, &p, sizeof p);
      return Reply::ok(sizeof p);
    }
    case kCmdSetTimeZone: return set_time_zone(req, len, out);
    case kCmdGetTimeZone: return Reply::ok(time_zone_status(out));
    case kCmdGetAttestation: return attestation(req, len, out, cap);
    case kCmdCancelConfirmation:
      if (confirm_.state != kConfirmWaiting) return Reply::fail(kErrNoConfirmation);
      confirm_.state = kConfirmCancelled;
      return Reply::ok(0);
    default: return Reply::fail(kErrInvalidCommand);
  }
}

uint16_t Lock::identity(uint8_t* out) const {
  IdentityResponse r{};
  r.protocol_major = kProtocolMajor;
  r.protocol_minor = kProtocolMinor;
  r.fw_major = config_.fw_major;
  r.fw_minor = config_.fw_minor;
  r.fw_patch = config_.fw_patch;
  copy_padded(r.model, sizeof r.model, config_.model);
  copy_bytes(r.serial, serial_, sizeof r.serial);
  r.slot_count = config_.slot_count;
  r.hw_revision = config_.hw_revision;
  r.event_capacity = config_.event_capacity;
  copy_bytes(out, &r, sizeof r);
  return sizeof r;
}

uint16_t Lock::status(uint8_t* out) {
  StatusResponse r{};
  r.battery_mv = hal_.battery.millivolts();
  r.battery_state = battery_state();
  r.session_state = channel_session_state();
  r.uptime_s = (hal_.ticks.now_ms() - boot_ms_) / 1000;
  uint8_t flags = 0;
  if (admin_count_ == 0) flags |= kStatusFactoryState;
  if (tamper_) flags |= kStatusTamper;
  if (enroll_.state == kEnrollWaitFirst || enroll_.state == kEnrollWaitSecond) flags |= kStatusEnrollmentActive;
  if (confirm_.state == kConfirmWaiting) flags |= kStatusConfirmationPending;
  if (r.session_state == kSessionNone || !storage_ok_) {
    flags |= kStatusWithheld;
  } else {
    const Settings& s = store_.settings();
    if (hal_.rtc.is_set()) {
      flags |= kStatusClockSet;
      r.clock_utc = now_s();
    }
    if (locked_out_) {
      flags |= kStatusLockedOut;
      const uint32_t left = lockout_until_ms_ - hal_.ticks.now_ms();
      r.lockout_remaining_s = static_cast<uint16_t>((left + 999) / 1000);
    }
    r.lockout_level = s.lockout_level;
    r.utc_offset_min = s.utc_offset_min;
    r.wrong_attempts = s.wrong_attempts;
    r.event_head_seq = log_.head_seq();
    uint32_t oldest = log_.oldest_seq();
    if (s.event_floor > oldest) oldest = s.event_floor;
    if (log_.head_seq() - oldest > config_.event_capacity) oldest = log_.head_seq() - config_.event_capacity;
    r.event_count = log_.head_seq() - oldest;
  }
  r.flags = flags;
  copy_bytes(out, &r, sizeof r);
  return sizeof r;
}

uint16_t Lock::capabilities(uint8_t* out) const {
  CapabilitiesResponse r{};
  r.slot_count = config_.slot_count;
  r.min_code_len = config_.min_code_len;
  r.max_code_len = config_.max_code_len;
  r.event_capacity = config_.event_capacity;
  r.features = kFeatureRtc | kFeatureWeekdaySchedules | kFeatureDateRangeSchedules | kFeatureExpiring |
               kFeatureExpireAfterFirstUse | kFeatureFullWipe | kFeatureBatterySense | kFeatureTamperSensor |
               kFeatureMechanicalKey | kFeatureTimeZone | kFeatureAttestation;
  if (config_.channel_sessions) r.features |= kFeatureChannelSession;
  if (config_.retain_codes_on_reset) r.features |= kFeatureRetainsCodesOnReset;
  r.max_admins = config_.max_admins;
  r.min_wrong_limit = 1;
  r.max_wrong_limit = 255;
  r.min_disable_s = 1;
  r.max_disable_s = 3600;
  r.session_timeout_s = config_.session_timeout_s;
  r.confirmation_timeout_s = config_.confirmation_timeout_s;
  r.enrollment_timeout_s = config_.enrollment_timeout_s;
  r.max_response = 1024;
  copy_bytes(out, &r, sizeof r);
  return sizeof r;
}

uint16_t Lock::session(uint8_t* out) {
  SessionResponse r{};
  r.state = channel_session_state();
  r.opened_by = static_cast<uint8_t>(
      session_mine() ? opened_by_
                     : (r.state == kSessionFactory ? uint8_t{kOpenedByFactoryState} : uint8_t{kOpenedByNone}));
  r.opened_by_slot = session_mine() ? opened_by_slot_ : 0xFFFF;
  r.session_id = storage_ok_ ? store_.settings().session_counter : 0;
  if (session_mine()) {
    const uint32_t idle = hal_.ticks.now_ms() - session_last_ms_;
    const uint32_t limit = config_.session_timeout_s * 1000u;
    r.remaining_s = static_cast<uint16_t>(idle >= limit ? 0 : (limit - idle + 999) / 1000);
  }
  r.enroll_state = enroll_.state;
  r.enroll_reason = enroll_.reason;
  r.enroll_slot = enroll_.state == kEnrollIdle ? 0xFFFF : enroll_.slot;
  r.confirm_state = confirm_.state;
  r.confirm_action = confirm_.action;
  r.confirm_ticket = confirm_.ticket;
  r.confirm_arg = confirm_.arg;
  copy_bytes(out, &r, sizeof r);
  return sizeof r;
}

Reply Lock::read_slots(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap) {
  // 1.0 hosts send the 4-byte request (no format: fixed records); 1.1 hosts may ask for compact.
  if (len < kReadSlotsRequestMinSize) return Reply::fail(kErrInvalidLength);
  ReadSlotsRequest rq{};
  copy_bytes(&rq, req, len < sizeof rq ? len : sizeof rq);
  if (rq.start_index >= config_.slot_count) return Reply::fail(kErrSlotOutOfRange, rq.start_index);
  // An unknown format gets fixed records; the head says which format the page is in.
  const uint8_t format = rq.format == kSlotFormatCompact ? kSlotFormatCompact : kSlotFormatFixed;
  const uint16_t limit = rq.max_bytes && rq.max_bytes < cap ? rq.max_bytes : cap;
  const size_t biggest = format == kSlotFormatCompact ? kMaxCompactSlotRecord : kMaxFixedSlotRecord;
  if (limit < sizeof(ReadSlotsResponseHead) + biggest) return Reply::fail(kErrInvalidParameter);
  ReadSlotsResponseHead head{rq.start_index, kNoMoreSlots, 0, format};
  uint16_t n = sizeof head;
  const uint32_t now = now_s();
  const bool set = hal_.rtc.is_set();
  const Settings& st = store_.settings();
  CompactSlotCursor cursor{rq.start_index, 0};
  for (uint16_t i = rq.start_index; i < config_.slot_count; ++i) {
    SlotData d;
    if (!read_slot(i, d)) continue;
    bool expired = false;
    schedule_reason(d, now, set, &expired);
    SlotRecordFields f{};
    f.index = i;
    f.flags = static_cast<uint8_t>((d.flags & (kSlotOccupied | kSlotEnabled | kSlotFirstUseStarted)) |
                                   (expired ? kSlotExpired : 0) |
                                   (d.reset_count != st.reset_count ? kSlotRetainedAcrossReset : 0));
    f.role_kind = d.role_kind;
    f.created = d.created;
    f.last_used = d.last_used;
    f.use_count = d.use_count;
    const bool sched = kind_of(d.role_kind) != kKindPersistent;
    if (sched) copy_bytes(f.schedule.b, d.schedule, sizeof f.schedule);
    uint8_t rec[kMaxCompactSlotRecord > kMaxFixedSlotRecord ? kMaxCompactSlotRecord : kMaxFixedSlotRecord];
    size_t k = 0;
    CompactSlotCursor next = cursor;
    if (format == kSlotFormatCompact) {
      k = put_compact_slot(rec, f, next);
      if (k == 0) return Reply::fail(kErrStorageFailure, i);  // a stored slot the format cannot carry
    } else {
      SlotRecordHead r{};
      r.index = f.index;
      r.flags = f.flags;
      r.role_kind = f.role_kind;
      r.created = f.created;
      r.last_used = f.last_used;
      r.use_count = f.use_count;
      r.schedule_len = sched ? sizeof(ScheduleBlock) : 0;
      copy_bytes(rec, &r, sizeof r);
      k = sizeof r;
      if (sched) {
        copy_bytes(rec + k, f.schedule.b, sizeof f.schedule);
        k += sizeof f.schedule;
      }
    }
    if (n + k > limit || head.count == 255) {  // a page never splits a record
      head.next_index = i;
      break;
    }
    copy_bytes(out + n, rec, k);
    n = static_cast<uint16_t>(n + k);
    cursor = next;
    ++head.count;
  }
  copy_bytes(out, &head, sizeof head);
  return Reply::ok(n);
}

Reply Lock::read_events(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap) {
  ReadEventsRequest rq;
  if (!read_struct(req, len, rq)) return Reply::fail(kErrInvalidLength);
  const uint16_t limit = rq.max_bytes && rq.max_bytes < cap ? rq.max_bytes : cap;
  if (limit < sizeof(ReadEventsResponseHead) + kMaxEncodedEvent) return Reply::fail(kErrInvalidParameter);
  const Settings& st = store_.settings();
  const uint32_t head_seq = log_.head_seq();
  uint32_t oldest = log_.oldest_seq();
  if (st.event_floor > oldest) oldest = st.event_floor;
  if (head_seq - oldest > config_.event_capacity) oldest = head_seq - config_.event_capacity;
  ReadEventsResponseHead h{};
  h.head_seq = head_seq;
  uint32_t seq = rq.from_seq;
  if (seq < oldest) {
    if (oldest > 1) h.flags |= kEventsTruncated;
    seq = oldest;
  }
  h.first_seq = seq;
  uint16_t n = sizeof h;
  uint32_t prev = 0;
  bool first = true;
  for (; seq < head_seq; ++seq) {
    if (rq.max_count && h.count >= rq.max_count) break;
    Event ev;
    if (!log_.read(seq, ev)) {
      if (h.count == 0) return Reply::fail(kErrStorageFailure, 0);
      break;
    }
    if (first) {
      h.base_time = ev.time;
      prev = ev.time;
      first = false;
    }
    // 1.2: a delta is a signed 32-bit number; two times further apart than that (a clock set
    // far ahead or back) end the page, and the next page's base_time re-anchors at the event's
    // absolute time. Every decoder, a 1.1 one included, reads every time exactly.
    const int64_t gap = static_cast<int64_t>(ev.time) - static_cast<int64_t>(prev);
    if (gap > INT32_MAX || gap < INT32_MIN) break;
    uint8_t tmp[kMaxEncodedEvent];
    size_t k = 0;
    const bool has_slot = ev.slot != kNoSlot;
    const bool has_extra = ev.extra != 0;
    tmp[k++] = static_cast<uint8_t>((ev.type & 0x3F) | (has_slot ? kEvHasSlot : 0) | (has_extra ? kEvHasExtra : 0));
    const int32_t delta = static_cast<int32_t>(ev.time - prev);
    k += put_leb128(tmp + k, zigzag_encode(delta));
    if (has_slot) k += put_leb128(tmp + k, ev.slot);
    if (has_extra) tmp[k++] = ev.extra;
    if (n + k > limit) break;
    copy_bytes(out + n, tmp, k);
    n = static_cast<uint16_t>(n + k);
    prev = ev.time;
    ++h.count;
  }
  if (seq < head_seq) h.flags |= kEventsMore;
  copy_bytes(out, &h, sizeof h);
  return Reply::ok(n);
}

Reply Lock::fingerprint(uint8_t* out) {
  static constexpr char kDomain[] = "lockfw-fingerprint-v1";
  const Settings& st = store_.settings();
  FingerprintResponse r{};
  r.algorithm = kFingerprintHmacSha256;
  r.secret_epoch = st.secret_epoch;
  hal::Crypto::HmacState hs;
  hal_.crypto.hmac_init(hs, key_, sizeof key_);
  hal_.crypto.hmac_update(hs, reinterpret_cast<const uint8_t*>(kDomain), sizeof kDomain - 1);
  for (uint16_t i = 0; i < config_.slot_count; ++i) {
    SlotData d;
    if (!read_slot(i, d)) continue;
    ++r.occupied_count;
    uint8_t rec[4 + 8];
    store_u16(rec, i);
    rec[2] = d.flags & (kSlotOccupied | kSlotEnabled);
    rec[3] = d.role_kind;
    copy_bytes(rec + 4, d.schedule, 8);
    if (kind_of(d.role_kind) == kKindTemporaryFirstUse) zero_bytes(rec + 8, 4);  // usage, not configuration
    hal_.crypto.hmac_update(hs, rec, sizeof rec);
    hal_.crypto.hmac_update(hs, d.hash, sizeof d.hash);
  }
  hal_.crypto.hmac_final(hs, r.digest);
  wipe(&hs, sizeof hs);
  copy_bytes(out, &r, sizeof r);
  return Reply::ok(sizeof r);
}

}  // namespace lockfw
