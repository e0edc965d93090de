// Schedule rules: whether a slot may open now, and validation of a schedule a host sends.
#include "core/lock.h"
#include "core/lock_detail.h"

#include "core/bytes.h"
#include "lockfw/wire.h"

namespace lockfw {

using namespace wire;
using namespace lock_detail;

uint8_t Lock::schedule_reason(const SlotData& d, uint32_t now, bool set, bool* expired) const {
  const uint8_t kind = kind_of(d.role_kind);
  if (expired) *expired = false;
  if (kind == kKindPersistent) return kReasonNone;
  if (!set) return kReasonClockNotSet;
  uint8_t r = kReasonNone;  // local times go through the zone: docs/firmware.md, "Time zone"
  const int64_t t = now;
  switch (kind) {
    case kKindTemporaryUntil: {
      ScheduleUntil u;
      copy_bytes(&u, d.schedule, sizeof u);
      if (t >= tz_.first_at_or_after(u.end_time)) r = kReasonExpired;  // end_time is local, as for ranges
      break;
    }
    case kKindTemporaryFirstUse: {
      ScheduleFirstUse f;
      copy_bytes(&f, d.schedule, sizeof f);
      if ((d.flags & kSlotFirstUseStarted) && now >= f.first_used_at + static_cast<uint32_t>(f.minutes) * 60u)
        r = kReasonExpired;
      break;
    }
    case kKindWeekday: {
      ScheduleWeekday w;
      copy_bytes(&w, d.schedule, sizeof w);
      if (!tz::in_weekly_window(tz_, t, w.days_mask, w.start_minute, w.end_minute)) r = kReasonOutsideSchedule;
      break;
    }
    case kKindDateRange: {
      ScheduleDateRange dr;
      copy_bytes(&dr, d.schedule, sizeof dr);
      if (t < tz_.first_at_or_after(dr.start_time)) r = kReasonNotYetValid;
      else if (t >= tz_.first_at_or_after(dr.end_time)) r = kReasonExpired;
      break;
    }
    default: r = kReasonOutsideSchedule;
  }
  if (expired) *expired = r == kReasonExpired;
  return r;
}

uint8_t Lock::validate_schedule(uint8_t kind, uint8_t* sched) {
  const bool set = hal_.rtc.is_set();
  const uint32_t now = now_s();
  switch (kind) {
    case kKindPersistent: zero_bytes(sched, 8); return kErrNone;
    case kKindTemporaryUntil: {
      ScheduleUntil u;
      copy_bytes(&u, sched, sizeof u);
      if (!set) return kErrClockNotSet;  // an expiry time means nothing on a clock that is not set
      if (tz_.first_at_or_after(u.end_time) <= static_cast<int64_t>(now)) return kErrInvalidSchedule;
      u.reserved = 0;
      copy_bytes(sched, &u, sizeof u);
      return kErrNone;
    }
    case kKindTemporaryFirstUse: {
      ScheduleFirstUse f;
      copy_bytes(&f, sched, sizeof f);
      if (f.minutes < 1 || f.minutes > 2880) return kErrInvalidSchedule;
      f.reserved = 0;
      f.first_used_at = 0;
      copy_bytes(sched, &f, sizeof f);
      return kErrNone;
    }
    case kKindWeekday: {
      ScheduleWeekday w;
      copy_bytes(&w, sched, sizeof w);
      if (w.days_mask == 0 || (w.days_mask & 0x80) || w.start_minute >= w.end_minute || w.end_minute > 1440)
        return kErrInvalidSchedule;
      w.reserved = 0;
      w.reserved2 = 0;
      copy_bytes(sched, &w, sizeof w);
      return kErrNone;
    }
    case kKindDateRange: {
      ScheduleDateRange dr;
      copy_bytes(&dr, sched, sizeof dr);
      if (!set) return kErrClockNotSet;
      if (dr.start_time >= dr.end_time) return kErrInvalidSchedule;
      if (tz_.first_at_or_after(dr.end_time) <= static_cast<int64_t>(now)) return kErrInvalidSchedule;
      return kErrNone;
    }
    default: return kErrInvalidKind;
  }
}

}  // namespace lockfw
