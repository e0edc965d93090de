// The lock's time-zone commands: SET_TIME_ZONE and GET_TIME_ZONE (docs/protocol.md, "Time
// zone"). The evaluation itself is core/time_zone.cpp; schedules use it through tz_.
#include "core/bytes.h"
#include "core/lock.h"
#include "lockfw/wire.h"

namespace lockfw {

using namespace wire;

static_assert(sizeof(TimeZoneBlock) == sizeof(tz::ZoneData) && kTzNameBytes == tz::kNameBytes &&
                  kTzRuleBytes == tz::kRuleBytes && kTzMaxTransitions == tz::kMaxTransitions,
              "the wire block and the stored zone share one layout");

void Lock::refresh_zone() {
  const tz::ZoneData* z = store_.zone();
  // A stored zone that no longer validates (it did when it was written) falls back to the offset.
  if (!z || tz_.set(*z) != tz::ZoneError::kNone) tz_.set_fixed(store_.settings().utc_offset_min);
}

uint16_t Lock::time_zone_status(uint8_t* out) {
  TimeZoneStatus r{};
  r.flags = tz_.has_zone() ? kTzHasZone : 0;
  r.fixed_offset_min = store_.settings().utc_offset_min;
  r.current_offset_s = hal_.rtc.is_set() ? tz_.offset_s(now_s()) : 0;
  if (tz_.has_zone()) copy_bytes(&r.zone, &tz_.data(), sizeof r.zone);
  copy_bytes(out, &r, sizeof r);
  return sizeof r;
}

Reply Lock::set_time_zone(const uint8_t* req, uint16_t len, uint8_t* out) {
  if (len < sizeof(TimeZoneBlock)) return Reply::fail(kErrInvalidLength);
  tz::ZoneData z;
  copy_bytes(&z, req, sizeof z);
  const bool clear = z.name[0] == 0;
  if (!clear) {
    z.reserved = 0;
    for (uint8_t i = 0; i < tz::kMaxTransitions; ++i)
      if (i >= z.count) z.table[i] = tz::Transition{};
      else z.table[i].reserved = 0;
    // The bytes after each string's terminator are zeroed so the stored zone is canonical.
    bool end = false;
    for (char& c : z.name) end = end || c == 0, c = end ? 0 : c;
    end = false;
    for (char& c : z.rule) end = end || c == 0, c = end ? 0 : c;
    if (tz::validate(z) != tz::ZoneError::kNone) return Reply::fail(kErrInvalidTime);
  }
  const uint16_t n = time_zone_status(out);  // the answer: what the lock had before
  const OpEvents ev = ops(kEvClockSet, kNoSlot, 0);
  if (!store_.write_zone(clear ? nullptr : &z, &ev)) return Reply::fail(kErrStorageFailure);
  flush_ops(ev);
  refresh_zone();
  return Reply::ok(n);
}

}  // namespace lockfw
