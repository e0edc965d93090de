// Service commands that change the lock (clock, enrollment, delete, reset, enable, schedule, policy).
#include "core/lock.h"
#include "core/lock_detail.h"

#include "core/bytes.h"
#include "lockfw/wire.h"

namespace lockfw {

using namespace wire;
using namespace lock_detail;

Reply Lock::set_clock(const uint8_t* req, uint16_t len, uint8_t* out) {
  SetClockRequest rq;
  if (!read_struct(req, len, rq)) return Reply::fail(kErrInvalidLength);
  if (rq.utc < kMinValidUtc || rq.utc > kMaxValidUtc || rq.utc_offset_min < -720 || rq.utc_offset_min > 840)
    return Reply::fail(kErrInvalidTime);
  SetClockResponse r{};
  r.was_set = hal_.rtc.is_set() ? 1 : 0;
  r.previous_utc = r.was_set ? now_s() : 0;
  hal_.rtc.set(rq.utc);
  Settings s = store_.settings();
  s.utc_offset_min = rq.utc_offset_min;
  const OpEvents ev = ops(kEvClockSet, kNoSlot, 0);
  if (!commit_settings(s, &ev)) return Reply::fail(kErrStorageFailure);
  refresh_zone();
  copy_bytes(out, &r, sizeof r);
  return Reply::ok(sizeof r);
}

Reply Lock::open_enrollment(const uint8_t* req, uint16_t len) {
  OpenEnrollmentRequest rq;
  if (!read_struct(req, len, rq)) return Reply::fail(kErrInvalidLength);
  if (enroll_.state == kEnrollWaitFirst || enroll_.state == kEnrollWaitSecond) return Reply::fail(kErrEnrollmentActive);
  if (confirm_.state == kConfirmWaiting) return Reply::fail(kErrConfirmationPending);
  if (rq.slot >= config_.slot_count) return Reply::fail(kErrSlotOutOfRange, rq.slot);
  if (rq.role >= kRoleCount) return Reply::fail(kErrInvalidRole);
  if (rq.kind >= kKindCount) return Reply::fail(kErrInvalidKind);
  if (admin_count_ == 0 && rq.role != kRoleAdmin) return Reply::fail(kErrFactoryAdminOnly);
  SlotData cur;
  const bool cur_admin = read_slot(rq.slot, cur) && role_of(cur.role_kind) == kRoleAdmin;
  if (rq.role == kRoleAdmin && !cur_admin && config_.max_admins && admin_count_ >= config_.max_admins)
    return Reply::fail(kErrAdminLimit, rq.slot);
  if (cur_admin && rq.role != kRoleAdmin && admin_count_ <= 1) return Reply::fail(kErrLastAdmin, rq.slot);
  uint8_t sched[8];
  copy_bytes(sched, rq.schedule.b, sizeof sched);
  if (const uint8_t e = validate_schedule(rq.kind, sched); e != kErrNone) return Reply::fail(e, rq.slot);
  if (locked_out_) return Reply::fail(kErrKeypadBusy);
  Settings s = store_.settings();
  ++s.enroll_token;
  s.enroll_pending = static_cast<uint16_t>(rq.slot + 1);
  const OpEvents ev = ops(kEvEnrollStarted, rq.slot, 0);
  if (!commit_settings(s, &ev)) return Reply::fail(kErrStorageFailure);
  enroll_ = Enroll{};
  enroll_.state = kEnrollWaitFirst;
  enroll_.slot = rq.slot;
  enroll_.role = rq.role;
  enroll_.kind = rq.kind;
  copy_bytes(enroll_.schedule, sched, sizeof sched);
  enroll_.started_ms = hal_.ticks.now_ms();
  clear_entry();
  return Reply::ok(0);
}

Reply Lock::delete_slot(const uint8_t* req, uint16_t len, uint8_t* out) {
  SlotRequest rq;
  if (!read_struct(req, len, rq)) return Reply::fail(kErrInvalidLength);
  if (enroll_.state == kEnrollWaitFirst || enroll_.state == kEnrollWaitSecond) return Reply::fail(kErrEnrollmentActive);
  if (confirm_.state == kConfirmWaiting) return Reply::fail(kErrConfirmationPending);
  if (rq.slot >= config_.slot_count) return Reply::fail(kErrSlotOutOfRange, rq.slot);
  SlotData d;
  if (!read_slot(rq.slot, d)) return Reply::fail(kErrSlotEmpty, rq.slot);
  if (role_of(d.role_kind) == kRoleAdmin && admin_count_ <= 1) return Reply::fail(kErrLastAdmin, rq.slot);
  if (locked_out_) return Reply::fail(kErrKeypadBusy);
  confirm_ = Confirm{kConfirmWaiting, kActionDeleteSlot, ++ticket_counter_, rq.slot, hal_.ticks.now_ms()};
  log(kEvConfirmRequested, rq.slot, kReasonActionDelete);
  clear_entry();
  PendingConfirmation p{confirm_.ticket, config_.confirmation_timeout_s};
  copy_bytes(out, &p, sizeof p);
  return Reply::ok(sizeof p);
}

Reply Lock::factory_reset(const uint8_t* req, uint16_t len, uint8_t* out) {
  FactoryResetRequest rq;
  if (!read_struct(req, len, rq)) return Reply::fail(kErrInvalidLength);
  if (enroll_.state == kEnrollWaitFirst || enroll_.state == kEnrollWaitSecond) return Reply::fail(kErrEnrollmentActive);
  if (confirm_.state == kConfirmWaiting) return Reply::fail(kErrConfirmationPending);
  if (rq.flags & ~kResetFullWipe) return Reply::fail(kErrInvalidParameter);
  if (locked_out_) return Reply::fail(kErrKeypadBusy);
  confirm_ = Confirm{kConfirmWaiting, kActionFactoryReset, ++ticket_counter_, rq.flags, hal_.ticks.now_ms()};
  log(kEvConfirmRequested, kNoSlot, kReasonActionReset);
  clear_entry();
  PendingConfirmation p{confirm_.ticket, config_.confirmation_timeout_s};
  copy_bytes(out, &p, sizeof p);
  return Reply::ok(sizeof p);
}

Reply Lock::set_slot_enabled(const uint8_t* req, uint16_t len) {
  SetSlotEnabledRequest rq;
  if (!read_struct(req, len, rq)) return Reply::fail(kErrInvalidLength);
  if (rq.slot >= config_.slot_count) return Reply::fail(kErrSlotOutOfRange, rq.slot);
  if (rq.enabled > 1) return Reply::fail(kErrInvalidParameter);
  SlotData d;
  if (!read_slot(rq.slot, d)) return Reply::fail(kErrSlotEmpty, rq.slot);
  if (!rq.enabled && role_of(d.role_kind) == kRoleAdmin && (d.flags & kSlotEnabled)) {
    // Disabling the only enabled admin would leave nobody who can open a service session.
    uint16_t enabled_admins = 0;
    for (uint16_t i = 0; i < config_.slot_count; ++i) {
      SlotData o;
      if (read_slot(i, o) && role_of(o.role_kind) == kRoleAdmin && (o.flags & kSlotEnabled)) ++enabled_admins;
    }
    if (enabled_admins <= 1) return Reply::fail(kErrLastAdmin, rq.slot);
  }
  if (rq.enabled) d.flags |= kSlotEnabled;
  else d.flags = static_cast<uint8_t>(d.flags & ~kSlotEnabled);
  if (!commit_slot(rq.slot, d, ops(rq.enabled ? kEvCodeEnabled : kEvCodeDisabled, rq.slot, 0)))
    return Reply::fail(kErrStorageFailure);
  return Reply::ok(0);
}

Reply Lock::set_schedule(const uint8_t* req, uint16_t len) {
  SetScheduleRequest rq;
  if (!read_struct(req, len, rq)) return Reply::fail(kErrInvalidLength);
  if (rq.slot >= config_.slot_count) return Reply::fail(kErrSlotOutOfRange, rq.slot);
  if (rq.kind >= kKindCount) return Reply::fail(kErrInvalidKind);
  SlotData d;
  if (!read_slot(rq.slot, d)) return Reply::fail(kErrSlotEmpty, rq.slot);
  uint8_t sched[8];
  copy_bytes(sched, rq.schedule.b, sizeof sched);
  if (const uint8_t e = validate_schedule(rq.kind, sched); e != kErrNone) return Reply::fail(e, rq.slot);
  const SlotData before = d;
  d.role_kind = pack_role_kind(role_of(d.role_kind), rq.kind);
  copy_bytes(d.schedule, sched, sizeof sched);
  d.flags = static_cast<uint8_t>(d.flags & ~kSlotFirstUseStarted);
  if (!commit_slot(rq.slot, d, ops(kEvScheduleChanged, rq.slot, 0))) return Reply::fail(kErrStorageFailure);
  log_schedule_change(kind_of(before.role_kind), before.schedule, rq.kind, d.schedule);
  return Reply::ok(0);
}

Reply Lock::set_policy(const uint8_t* req, uint16_t len) {
  // A 1.1 host sends the first 8 bytes: the 1.2 fields keep their current values.
  if (len < kLockoutPolicyV11Size) return Reply::fail(kErrInvalidLength);
  Settings s = store_.settings();
  const Settings before = s;
  LockoutPolicy p{};
  p.daily_wrong_cap = s.daily_cap;
  p.level_quiet_h = s.quiet_h;
  copy_bytes(&p, req, len < sizeof p ? len : sizeof p);
  if (p.daily_wrong_cap == 0) p.daily_wrong_cap = s.daily_cap;  // 0: keep
  if (p.level_quiet_h == 0) p.level_quiet_h = s.quiet_h;
  if (p.wrong_code_limit < 1 || p.doubling > 1 || p.disable_s < 1 || p.disable_s > 3600 ||
      p.max_disable_s < p.disable_s || p.max_disable_s > 3600 || p.daily_wrong_cap < 1 ||
      p.daily_wrong_cap > kMaxDailyWrongCap || p.level_quiet_h < 1 || p.level_quiet_h > kMaxLevelQuietH)
    return Reply::fail(kErrInvalidPolicy);
  s.daily_cap = p.daily_wrong_cap;
  s.quiet_h = p.level_quiet_h;
  s.wrong_limit = p.wrong_code_limit;
  s.doubling = p.doubling;
  s.disable_s = p.disable_s;
  s.max_disable_s = p.max_disable_s;
  const OpEvents ev = ops(kEvPolicyChanged, kNoSlot, 0);
  if (!commit_settings(s, &ev)) return Reply::fail(kErrStorageFailure);
  log_policy_change(before, s);
  return Reply::ok(0);
}

}  // namespace lockfw
