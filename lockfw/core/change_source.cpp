// Every change names its source (lockfw/wire_change.h, docs/protocol.md 11):
// a change made in a service session names the session number, one made at the keypad alone
// (factory onboarding) names the keypad slot. Policy and schedule changes log old and new
// values. Never a code value. The source events follow the change's own events; a power cut
// between the two loses the source record, not the change (docs/firmware.md).
#include "core/bytes.h"
#include "core/lock.h"
#include "lockfw/wire.h"

namespace lockfw {

using namespace wire;

void Lock::log_change_source(uint16_t keypad_slot) {
  if (session_open_)
    log(kEvChangedBy, static_cast<uint16_t>(store_.settings().session_counter & 0xFFFFu), kReasonByService);
  else log(kEvChangedBy, keypad_slot, kReasonByKeypad);
}

void Lock::log_value_change(uint8_t field, uint16_t old_value, uint16_t new_value) {
  log(kEvOldValue, old_value, field);
  log(kEvNewValue, new_value, field);
}

void Lock::log_policy_change(const Settings& o, const Settings& n) {
  if (o.wrong_limit != n.wrong_limit) log_value_change(kFieldWrongCodeLimit, o.wrong_limit, n.wrong_limit);
  if (o.doubling != n.doubling) log_value_change(kFieldDoubling, o.doubling, n.doubling);
  if (o.disable_s != n.disable_s) log_value_change(kFieldDisableS, o.disable_s, n.disable_s);
  if (o.max_disable_s != n.max_disable_s) log_value_change(kFieldMaxDisableS, o.max_disable_s, n.max_disable_s);
  if (o.daily_cap != n.daily_cap) log_value_change(kFieldDailyWrongCap, o.daily_cap, n.daily_cap);
  if (o.quiet_h != n.quiet_h) log_value_change(kFieldLevelQuietH, o.quiet_h, n.quiet_h);
}

// A schedule change logs the kind and all four words, old and new, so a host rebuilds both
// schedules whole (a partial record would need the slot's history to read).
void Lock::log_schedule_change(uint8_t old_kind, const uint8_t* old_b, uint8_t new_kind, const uint8_t* new_b) {
  log_value_change(kFieldScheduleKind, old_kind, new_kind);
  for (uint8_t k = 0; k < 4; ++k)
    log_value_change(static_cast<uint8_t>(kFieldScheduleWord0 + k),
                     static_cast<uint16_t>(old_b[2 * k] | (old_b[2 * k + 1] << 8)),
                     static_cast<uint16_t>(new_b[2 * k] | (new_b[2 * k + 1] << 8)));
}

}  // namespace lockfw
