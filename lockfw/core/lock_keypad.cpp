// The keypad: key entry, unlock attempts, wrong-code counting, lockout and its decay.
#include "core/lock.h"
#include "core/lock_detail.h"

#include "core/bytes.h"
#include "lockfw/wire.h"

namespace lockfw {

using namespace wire;
using namespace lock_detail;

void Lock::clear_entry() {
  wipe(entry_, sizeof entry_);
  entry_len_ = 0;
  entry_overflow_ = false;
}

void Lock::key(char c) {
  const uint32_t now = hal_.ticks.now_ms();
  if (hal_.battery.millivolts() < config_.marginal_keypad_mv) {
    // Brown-out: the keypad scan misses keys, as marginal cells make real locks do.
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 17;
    rng_ ^= rng_ << 5;
    if ((rng_ & 15) == 0) return;  // about one key in sixteen
  }
  if (entry_len_ > 0 && now - last_key_ms_ > config_.key_timeout_ms) clear_entry();
  last_key_ms_ = now;
  if (c == '#') {
    submit();
    clear_entry();
    return;
  }
  if (!((c >= '0' && c <= '9') || c == '*')) return;
  if (entry_len_ < sizeof entry_) entry_[entry_len_++] = c;
  else entry_overflow_ = true;
}

void Lock::submit() {
  if (!storage_ok_) return;
  if (!secret_ok_) {  // no key: no code can be checked, none is counted as wrong either
    if (entry_len_ != 0) log(kEvRejected, kNoSlot, kReasonStorage);
    clear_entry();
    return;
  }
  uint8_t digits = 0;
  while (digits < entry_len_ && entry_[digits] != '*') ++digits;
  const bool cancel = entry_len_ == 1 && entry_[0] == '*';
  const bool plain = !entry_overflow_ && digits == entry_len_ && digits > 0;
  const bool service = !entry_overflow_ && digits > 0 && entry_len_ == digits + 2 && entry_[digits] == '*' &&
                       entry_[digits + 1] == '0';
  if (entry_len_ == 0) return;

  if (locked_out_ && !cancel) {
    log(kEvRejected, kNoSlot, kReasonLockedOut);
    return;
  }
  if (enroll_.state == kEnrollWaitFirst || enroll_.state == kEnrollWaitSecond) {
    if (cancel) enroll_abort(kReasonKeypadCancelled);
    else if (!plain) enroll_abort(kReasonBadLength);
    else enroll_entry(entry_, digits);
    return;
  }
  if (confirm_.state == kConfirmWaiting) {
    confirm_entry(entry_, plain ? digits : 0, cancel);
    return;
  }
  if (cancel) return;
  if (plain) unlock_attempt(entry_, digits);
  else if (service) service_attempt(entry_, digits);
  else wrong_code(kNoSlot);
}

// wrong_hours[h % 25] counts the wrong entries of hour h (RTC seconds / 3600); the 25 buckets
// cover every 24 h span, so "at most daily_cap per 24 h" holds for any span, not only for
// hour-aligned ones. A clock that goes back (lost, set back) keeps the counts: they age out
// as hours pass, never early.
void Lock::roll_hours(Settings& s) {
  const uint32_t h = now_s() / 3600u;
  if (h <= s.wrong_hour) return;
  if (h - s.wrong_hour >= 25) {
    zero_bytes(s.wrong_hours, sizeof s.wrong_hours);
  } else {
    for (uint32_t k = s.wrong_hour + 1; k <= h; ++k) s.wrong_hours[k % 25] = 0;
  }
  s.wrong_hour = h;
}

uint16_t Lock::wrong_today(const Settings& s) const {
  uint16_t n = 0;
  for (uint8_t c : s.wrong_hours) n = static_cast<uint16_t>(n + c);
  return n;
}

bool Lock::daily_capped() {
  Settings s = store_.settings();
  roll_hours(s);
  return wrong_today(s) >= s.daily_cap;
}

void Lock::decay_level(Settings& s) {
  // Hours since the newest wrong entry (25 or more when the window holds none).
  uint32_t quiet = 25;
  for (uint32_t back = 0; back < 25; ++back) {
    if (s.wrong_hours[(s.wrong_hour + 25 - back) % 25] != 0) {
      quiet = back;
      break;
    }
  }
  if (quiet >= s.quiet_h) s.lockout_level = 0;
}

void Lock::wrong_code(uint16_t slot_hint) {
  Settings s = store_.settings();
  roll_hours(s);
  decay_level(s);
  uint8_t& bucket = s.wrong_hours[s.wrong_hour % 25];
  if (bucket < 255) ++bucket;
  const uint16_t today = wrong_today(s);
  const bool cap_reached = today == s.daily_cap;
  if (s.wrong_attempts < 255) ++s.wrong_attempts;
  if (today > s.daily_cap) {
    // Past the daily cap only the admin code is still tried, and every miss costs the
    // longest disable time: about one admin-code guess per max_disable_s.
    s.wrong_attempts = 0;
    s.locked_out = 1;
    const OpEvents ev = ops(kEvWrongCode, slot_hint, 0, kEvLockoutStart, kNoSlot, kReasonDailyCap);
    commit_settings(s, &ev);
    start_lockout_timer();
  } else if (s.wrong_attempts >= s.wrong_limit) {
    s.wrong_attempts = 0;
    if (s.lockout_level < kMaxLockoutLevel) ++s.lockout_level;
    s.locked_out = 1;
    const OpEvents ev = ops(kEvWrongCode, slot_hint, 0, kEvLockoutStart, kNoSlot, 0);
    commit_settings(s, &ev);
    start_lockout_timer();
  } else {
    const OpEvents ev = ops(kEvWrongCode, slot_hint, 0);
    commit_settings(s, &ev);
  }
  if (cap_reached) log(kEvDailyCapReached, kNoSlot, kReasonDailyCap);
}

void Lock::start_lockout_timer() {
  const Settings& s = store_.settings();
  uint32_t d = s.disable_s;
  if (s.doubling && s.lockout_level > 1) {
    for (uint8_t i = 1; i < s.lockout_level && d < s.max_disable_s; ++i) d *= 2;
  }
  if (d > s.max_disable_s) d = s.max_disable_s;
  Settings rolled = s;
  roll_hours(rolled);
  if (wrong_today(rolled) > rolled.daily_cap) d = s.max_disable_s;
  locked_out_ = true;
  lockout_until_ms_ = hal_.ticks.now_ms() + d * 1000u;
}

void Lock::unlock_attempt(const char* d, uint8_t n) {
  if (n < config_.min_code_len || n > config_.max_code_len) {
    wrong_code(kNoSlot);
    return;
  }
  const int slot = match(d, n, false);
  if (slot < 0) {
    if (admin_count_ == 0 && !config_.retain_codes_on_reset) {
      log(kEvRejected, kNoSlot, kReasonFactoryState);  // nothing to try against: no lockout either
      return;
    }
    wrong_code(kNoSlot);
    return;
  }
  unlock_slot(static_cast<uint16_t>(slot));
}

// A code that matched slot idx: unlock if the slot is valid now, else say why it is refused.
void Lock::unlock_slot(uint16_t idx) {
  SlotData s;
  read_slot(idx, s);
  if (role_of(s.role_kind) != kRoleAdmin && daily_capped()) {
    // Not counted as wrong: a tenant who comes home during the capped period is refused,
    // but does not extend it (and does not lock the admin out).
    log(kEvRejected, idx, kReasonDailyCap);
    return;
  }
  const uint32_t now = now_s();
  const bool set = hal_.rtc.is_set();
  uint8_t reason = kReasonNone;
  if (!(s.flags & kSlotEnabled)) reason = kReasonDisabled;
  else reason = schedule_reason(s, now, set);
  if (reason == kReasonNone && kind_of(s.role_kind) == kKindTemporaryFirstUse && !(s.flags & kSlotFirstUseStarted) &&
      !set)
    reason = kReasonClockNotSet;
  if (reason == kReasonNone && battery_state() == kBatteryCritical) reason = kReasonBatteryCritical;
  if (reason != kReasonNone) {
    log(kEvRejected, idx, reason);
    return;
  }
  hal_.bolt.unlock();
  if (kind_of(s.role_kind) == kKindTemporaryFirstUse && !(s.flags & kSlotFirstUseStarted)) {
    ScheduleFirstUse f;
    copy_bytes(&f, s.schedule, sizeof f);
    f.first_used_at = now;
    copy_bytes(s.schedule, &f, sizeof f);
    s.flags |= kSlotFirstUseStarted;
  }
  s.last_used = set ? now : 0;
  if (s.use_count < 0xFFFF) ++s.use_count;
  commit_slot(idx, s, ops(kEvUnlockCode, idx, 0));
  // A valid code ends the run of wrong entries in a row (Matter's WrongCodeEntryLimit); the
  // lockout level only decays after a quiet period, and the daily count stays, so a guest
  // who types their own code between guesses gains nothing. The admin code clears both:
  // whoever knows it owns the lock already.
  Settings st = store_.settings();
  const bool admin = role_of(s.role_kind) == kRoleAdmin;
  if (st.wrong_attempts || (admin && (st.lockout_level || wrong_today(st)))) {
    st.wrong_attempts = 0;
    if (admin) {
      st.lockout_level = 0;
      zero_bytes(st.wrong_hours, sizeof st.wrong_hours);
    }
    commit_settings(st, nullptr);
  }
}

// The admin slot a keypad entry proves presence with: an enabled admin code that its
// schedule allows now. Returns the slot, or -1 after logging why (a refused known code is
// logged, not counted as wrong; an unknown code is counted).
int Lock::admin_presence(const char* d, uint8_t n) {
  const int slot = (n >= config_.min_code_len && n <= config_.max_code_len) ? match(d, n, false) : -1;
  SlotData s;
  if (slot < 0 || !read_slot(static_cast<uint16_t>(slot), s)) return -1;
  const uint16_t idx = static_cast<uint16_t>(slot);
  if (role_of(s.role_kind) != kRoleAdmin) return -2 - idx;
  uint8_t reason = (s.flags & kSlotEnabled) ? schedule_reason(s, now_s(), hal_.rtc.is_set()) : uint8_t{kReasonDisabled};
  if (reason != kReasonNone) {
    log(kEvRejected, idx, reason);
    return kRefusedAdmin;
  }
  return slot;
}

void Lock::service_attempt(const char* d, uint8_t n) {
  if (!arm_live()) {  // 1.4: no channel armed "* 0 #": no code is checked, none counted
    log(kEvRejected, kNoSlot, kReasonNotArmed);
    return;
  }
  const int slot = admin_presence(d, n);
  if (slot == kRefusedAdmin) return;  // a disabled or expired admin code opens nothing
  if (slot < 0) {
    // A non-admin code (slot -2 - index) or no code at all: not a way into the service menu.
    wrong_code(kNoSlot);
    return;
  }
  const uint16_t idx = static_cast<uint16_t>(slot);
  if (!take_arm()) return;  // 1.4: the session is for the armed channel
  Settings st = store_.settings();
  ++st.session_counter;
  st.wrong_attempts = 0;
  st.lockout_level = 0;
  zero_bytes(st.wrong_hours, sizeof st.wrong_hours);
  const OpEvents ev = ops(kEvSessionOpened, idx, 0);
  if (!commit_settings(st, &ev)) return;
  session_open_ = 1;
  opened_by_ = kOpenedByAdminKeypad;
  opened_by_slot_ = idx;
  session_last_ms_ = hal_.ticks.now_ms();
  enroll_ = Enroll{};
  confirm_ = Confirm{};
}

}  // namespace lockfw
