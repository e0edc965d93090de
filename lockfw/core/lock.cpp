#include "core/lock.h"

#include "core/bytes.h"
#include "lockfw/wire.h"

namespace lockfw {

using namespace wire;

namespace {

void copy_padded(char* dst, size_t cap, const char* src) {
  size_t i = 0;
  for (; i < cap && src[i] != '\0'; ++i) dst[i] = src[i];
  for (; i < cap; ++i) dst[i] = '\0';
}

bool ct_equal(const uint8_t* a, const uint8_t* b, size_t n) {
  uint8_t diff = 0;
  for (size_t i = 0; i < n; ++i) diff = static_cast<uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

void wipe(void* p, size_t n) {
  volatile uint8_t* v = static_cast<volatile uint8_t*>(p);
  for (size_t i = 0; i < n; ++i) v[i] = 0;
}

bool is_zero(const uint8_t* p, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; ++i) acc = static_cast<uint8_t>(acc | p[i]);
  return acc == 0;
}

constexpr uint32_t kMinValidUtc = 1577836800u;  // 2020-01-01: anything earlier is a wrong clock
constexpr uint32_t kMaxValidUtc = 4102444799u;  // 2099-12-31 23:59:59: 2100 and later are refused (1.2)
constexpr uint8_t kMaxLockoutLevel = 15;

}  // namespace

Lock::Lock(const DeviceConfig& config, const char* serial, const LockHal& hal) : config_(config), hal_(hal) {
  copy_padded(serial_, sizeof serial_, serial);
}

Settings Lock::default_settings() {
  Settings s{};
  s.generation = 1;
  s.secret_epoch = 1;  // the key itself is in the secret store (load_secret), never here
  s.event_floor = 0;
  s.wrong_limit = config_.default_wrong_limit;
  s.doubling = 1;
  s.disable_s = config_.default_disable_s;
  s.max_disable_s = config_.default_max_disable_s;
  s.daily_cap = kDefaultDailyWrongCap;
  s.quiet_h = kDefaultLevelQuietH;
  return s;
}

bool Lock::boot() {
  boot_ms_ = hal_.ticks.now_ms();
  hal_.entropy.fill(reinterpret_cast<uint8_t*>(&rng_), sizeof rng_);
  if (rng_ == 0) rng_ = 1;
  const Settings defaults = default_settings();
  storage_ok_ = store_.mount(hal_.flash, config_.state_first_block, config_.state_blocks, config_.slot_count, defaults) &&
                log_.mount(hal_.flash, config_.event_first_block, config_.event_blocks);
  if (!storage_ok_) return false;
  refresh_zone();

  // 1. Events of the last operation that did not reach the event log before power went.
  if (const OpEvents* op = store_.last_op()) {
    for (uint8_t k = 0; k < op->count && k < 2; ++k) {
      if (op->first_seq + k < log_.head_seq()) continue;
      Event ev{0, op->time, op->ev[k].type, op->ev[k].extra, op->ev[k].slot};
      log_.append(ev);
    }
  }
  load_secret();
  recount_admins();
  // A 1.1 image: the 1.2 policy fields read as zero; give them their defaults and write the
  // settings back in today's layout (docs/firmware.md, "Migration").
  if (store_.settings_upgraded() || store_.settings().daily_cap == 0 || store_.settings().quiet_h == 0) {
    Settings s = store_.settings();
    if (s.daily_cap == 0) s.daily_cap = kDefaultDailyWrongCap;
    if (s.quiet_h == 0) s.quiet_h = kDefaultLevelQuietH;
    commit_settings(s, nullptr);
  }
  log(kEvPowerOn);
  battery_last_ = battery_state();
  if (battery_last_ == kBatteryLow) log(kEvBatteryLow);
  if (battery_last_ == kBatteryCritical) log(kEvBatteryCritical);

  // 2. An enrollment that was open when power went: committed (its record carries the
  //    token) or aborted, never half-written.
  Settings s = store_.settings();
  if (s.enroll_pending != 0) {
    const uint16_t slot = static_cast<uint16_t>(s.enroll_pending - 1);
    SlotData d{};
    const bool committed = store_.slot(slot, d) && (d.flags & kSlotOccupied) && d.commit_token == s.enroll_token &&
                           d.generation == s.generation;
    s.enroll_pending = 0;
    if (committed) {
      commit_settings(s, nullptr);
    } else {
      const OpEvents ev = ops(kEvEnrollAborted, slot, kReasonPowerLost);
      commit_settings(s, &ev);
    }
  }
  // 3. A lockout survives power cycles: pulling the batteries does not buy more guesses.
  if (store_.settings().locked_out) start_lockout_timer();
  return true;
}

// The code-hash key (docs/firmware.md, "Secret store"). An image written before the secret
// store holds the key in its settings: it moves to the store, and the journal is rewritten so
// that no block keeps the old bytes. A fresh image gets a new key. An image without a key in
// the store cannot check any code (secret_ok_ false).
void Lock::load_secret() {
  secret_ok_ = false;
  const Settings& cur = store_.settings();
  if (!is_zero(cur.secret, sizeof cur.secret)) {
    // The settings' key is the one the slot hashes were made with: it wins over the store.
    copy_bytes(key_, cur.secret, sizeof key_);
    secret_ok_ = true;
    if (!hal_.secrets.store(hal::kCodeHashKey, key_)) return;  // keep it in the journal until the store works
    Settings s = cur;
    wipe(s.secret, sizeof s.secret);
    store_.rewrite_without_history(s);  // interrupted: the flag makes the next boot finish it
    wipe(&s, sizeof s);
    return;
  }
  if (cur.secret_flags & kSecretScrubPending) {
    if (store_.erase_history()) {
      Settings s = cur;
      s.secret_flags = static_cast<uint8_t>(s.secret_flags & ~kSecretScrubPending);
      commit_settings(s, nullptr);
    }
  }
  if (hal_.secrets.load(hal::kCodeHashKey, key_)) {
    secret_ok_ = true;
    return;
  }
  if (store_.formatted()) secret_ok_ = rotate_secret();
}

bool Lock::rotate_secret() {
  uint8_t k[hal::kSecretSize];
  hal_.entropy.fill(k, sizeof k);
  const bool ok = hal_.secrets.store(hal::kCodeHashKey, k);
  if (ok) copy_bytes(key_, k, sizeof key_);
  wipe(k, sizeof k);
  return ok;
}

// ---- small helpers ----------------------------------------------------------------------------

uint32_t Lock::now_s() { return hal_.rtc.now(); }
uint8_t Lock::clock_extra() { return hal_.rtc.is_set() ? 0 : kExtraClockNotSet; }

uint8_t Lock::battery_state() {
  const uint16_t mv = hal_.battery.millivolts();
  return mv <= config_.critical_battery_mv ? kBatteryCritical : mv <= config_.low_battery_mv ? kBatteryLow : kBatteryOk;
}

uint8_t Lock::session_state() const {
  if (session_open_) return kSessionOpen;
  if (admin_count_ == 0) return kSessionFactory;
  return kSessionNone;
}

void Lock::log(uint8_t type, uint16_t slot, uint8_t reason) {
  if (!storage_ok_) return;
  Event ev{0, now_s(), type, static_cast<uint8_t>((reason & kReasonMask) | clock_extra()), slot};
  log_.append(ev);
}

OpEvents Lock::ops(uint8_t type0, uint16_t slot0, uint8_t reason0, uint8_t type1, uint16_t slot1, uint8_t reason1) {
  OpEvents op{};
  op.first_seq = log_.head_seq();
  op.time = now_s();
  const uint8_t ce = clock_extra();
  op.count = type1 ? 2 : 1;
  op.ev[0] = EventStub{type0, static_cast<uint8_t>((reason0 & kReasonMask) | ce), slot0};
  op.ev[1] = EventStub{type1, static_cast<uint8_t>((reason1 & kReasonMask) | ce), slot1};
  return op;
}

void Lock::flush_ops(const OpEvents& op) {
  for (uint8_t k = 0; k < op.count; ++k) {
    Event ev{0, op.time, op.ev[k].type, op.ev[k].extra, op.ev[k].slot};
    log_.append(ev);
  }
}

bool Lock::commit_slot(uint16_t index, const SlotData& d, const OpEvents& ev) {
  if (!storage_ok_ || !store_.write_slot(index, d, &ev)) return false;
  flush_ops(ev);
  return true;
}

bool Lock::commit_settings(const Settings& s, const OpEvents* ev) {
  if (!storage_ok_ || !store_.write_settings(s, ev)) return false;
  if (ev) flush_ops(*ev);
  return true;
}

bool Lock::occupied(const SlotData& d) const {
  return (d.flags & kSlotOccupied) && d.generation == store_.settings().generation;
}

bool Lock::read_slot(uint16_t index, SlotData& out) {
  return storage_ok_ && store_.slot(index, out) && occupied(out);
}

void Lock::recount_admins() {
  admin_count_ = 0;
  for (uint16_t i = 0; i < config_.slot_count; ++i) {
    SlotData d;
    if (read_slot(i, d) && role_of(d.role_kind) == kRoleAdmin) ++admin_count_;
  }
}

// The v2 code MAC (issue 11 item 4): independent of the slot, so one keyed hash per entry is
// compared against every slot.
void Lock::code_mac(const char* d, uint8_t n, uint8_t out[32]) {
  static constexpr char kDomain[] = "lockfw-code-v2";
  hal::Crypto::HmacState st;
  hal_.crypto.hmac_init(st, key_, sizeof key_);
  hal_.crypto.hmac_update(st, reinterpret_cast<const uint8_t*>(kDomain), sizeof kDomain - 1);
  hal_.crypto.hmac_update(st, &n, 1);
  hal_.crypto.hmac_update(st, reinterpret_cast<const uint8_t*>(d), n);
  hal_.crypto.hmac_final(st, out);
  wipe(&st, sizeof st);
}

// HMAC(key) with "lockfw-code-v1" absorbed: the common prefix of every v1 slot MAC.
void Lock::legacy_base(hal::Crypto::HmacState& base) {
  static constexpr char kDomain1[] = "lockfw-code-v1";
  hal_.crypto.hmac_init(base, key_, sizeof key_);
  hal_.crypto.hmac_update(base, reinterpret_cast<const uint8_t*>(kDomain1), sizeof kDomain1 - 1);
}

// Whether the typed code (v2 MAC `h`) is the one slot `i` holds, whichever MAC format it has.
bool Lock::holds_code(uint16_t i, const SlotData& s, const char* d, uint8_t n, const uint8_t h[32]) {
  if (s.flags & kSlotMacV2) return ct_equal(s.hash, h, 32);
  hal::Crypto::HmacState base;
  legacy_base(base);
  uint8_t v1[32];
  legacy_mac(base, i, d, n, v1);
  wipe(&base, sizeof base);
  const bool eq = ct_equal(s.hash, v1, sizeof v1);
  wipe(v1, sizeof v1);
  return eq;
}

// The v1 MAC of a slot not yet rewritten: base is HMAC(key) with "lockfw-code-v1" absorbed.
void Lock::legacy_mac(const hal::Crypto::HmacState& base, uint16_t slot, const char* d, uint8_t n, uint8_t out[32]) {
  hal::Crypto::HmacState st;
  copy_bytes(&st, &base, sizeof st);
  const uint8_t hdr[3] = {static_cast<uint8_t>(slot), static_cast<uint8_t>(slot >> 8), n};
  hal_.crypto.hmac_update(st, hdr, sizeof hdr);
  hal_.crypto.hmac_update(st, reinterpret_cast<const uint8_t*>(d), n);
  hal_.crypto.hmac_final(st, out);
  wipe(&st, sizeof st);
}

// Index of the slot whose code this is, or -1. One keyed hash per entry, then every occupied
// slot is compared in constant time with no early exit: the work does not depend on which
// slot matches (an older-format slot costs its own v1 MAC whether it matches or not). A
// matching older-format slot is rewritten in the v2 format (lazy migration).
int Lock::match(const char* d, uint8_t n, bool admin_only, int skip_slot) {
  if (!secret_ok_) return -1;
  uint8_t mac[32];
  code_mac(d, n, mac);
  hal::Crypto::HmacState base;
  bool base_ready = false;
  int found = -1;
  bool found_v1 = false;
  const uint32_t generation = store_.settings().generation;
  for (uint16_t i = 0; i < config_.slot_count; ++i) {
    if (static_cast<int>(i) == skip_slot) continue;
    SlotData s;
    if (!store_.slot_unchecked(i, s) || !(s.flags & kSlotOccupied) || s.generation != generation) continue;
    if (admin_only && role_of(s.role_kind) != kRoleAdmin) continue;
    const bool v1 = !(s.flags & kSlotMacV2);
    uint8_t old[32];
    if (v1) {
      if (!base_ready) {
        legacy_base(base);
        base_ready = true;
      }
      legacy_mac(base, i, d, n, old);
    }
    const bool eq = ct_equal(v1 ? old : mac, s.hash, sizeof mac);
    if (v1) wipe(old, sizeof old);
    if (eq && found < 0) {
      found = i;
      found_v1 = v1;
    }
  }
  if (base_ready) wipe(&base, sizeof base);
  SlotData s;
  // The slot that matched is read once more with its record CRC before it counts.
  if (found >= 0 && !read_slot(static_cast<uint16_t>(found), s)) found = -1;
  if (found >= 0 && found_v1) {
    copy_bytes(s.hash, mac, sizeof mac);
    s.flags = static_cast<uint8_t>(s.flags | kSlotMacV2);
    if (storage_ok_) store_.write_slot(static_cast<uint16_t>(found), s, nullptr);  // failure: stays v1, still works
  }
  wipe(mac, sizeof mac);
  return found;
}

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
    case kKindPersistent:
      zero_bytes(sched, 8);
      return kErrNone;
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
    default:
      return kErrInvalidKind;
  }
}

// ---- keypad -----------------------------------------------------------------------------------

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
  if (entry_len_ < sizeof entry_)
    entry_[entry_len_++] = c;
  else
    entry_overflow_ = true;
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
    if (cancel)
      enroll_abort(kReasonKeypadCancelled);
    else if (!plain)
      enroll_abort(kReasonBadLength);
    else
      enroll_entry(entry_, digits);
    return;
  }
  if (confirm_.state == kConfirmWaiting) {
    confirm_entry(entry_, plain ? digits : 0, cancel);
    return;
  }
  if (cancel) return;
  if (plain)
    unlock_attempt(entry_, digits);
  else if (service)
    service_attempt(entry_, digits);
  else
    wrong_code(kNoSlot);
}

// ---- rolling 24 h count of wrong entries and the decay of the lockout level ----------------
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
  if (!(s.flags & kSlotEnabled))
    reason = kReasonDisabled;
  else
    reason = schedule_reason(s, now, set);
  if (reason == kReasonNone && kind_of(s.role_kind) == kKindTemporaryFirstUse && !(s.flags & kSlotFirstUseStarted) && !set)
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
  const int slot = admin_presence(d, n);
  if (slot == kRefusedAdmin) return;  // a disabled or expired admin code opens nothing
  if (slot < 0) {
    // A non-admin code (slot -2 - index) or no code at all: not a way into the service menu.
    wrong_code(kNoSlot);
    return;
  }
  const uint16_t idx = static_cast<uint16_t>(slot);
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

void Lock::enroll_entry(const char* d, uint8_t n) {
  if (n < config_.min_code_len || n > config_.max_code_len) {
    enroll_abort(kReasonBadLength);
    return;
  }
  uint8_t h[32];
  code_mac(d, n, h);
  if (enroll_.state == kEnrollWaitFirst) {
    if (match(d, n, false, enroll_.slot) >= 0) {
      wipe(h, sizeof h);
      enroll_abort(kReasonDuplicate);
      // "Already in use" says the typed code opens this lock: without a cost it would be a
      // guessing oracle. It counts as a wrong entry (lockout, daily cap).
      wrong_code(kNoSlot);
      return;
    }
    copy_bytes(enroll_.first_hash, h, sizeof h);
    wipe(h, sizeof h);
    enroll_.state = kEnrollWaitSecond;
    return;
  }
  const bool same = ct_equal(h, enroll_.first_hash, sizeof h);
  wipe(enroll_.first_hash, sizeof enroll_.first_hash);
  if (!same) {
    wipe(h, sizeof h);
    enroll_abort(kReasonMismatch);
    return;
  }
  const Settings& st = store_.settings();
  SlotData old{};
  const bool existed = read_slot(enroll_.slot, old);
  if (existed && holds_code(enroll_.slot, old, d, n, h)) {  // a rotation that re-types the old code changes nothing
    wipe(h, sizeof h);
    wipe(old.hash, sizeof old.hash);
    enroll_abort(kReasonSameCode);
    return;
  }
  SlotData s{};
  s.flags = kSlotOccupied | kSlotEnabled | kSlotMacV2;
  s.role_kind = pack_role_kind(enroll_.role, enroll_.kind);
  s.reset_count = st.reset_count;
  s.generation = st.generation;
  s.created = hal_.rtc.is_set() ? now_s() : 0;
  s.commit_token = st.enroll_token;
  copy_bytes(s.schedule, enroll_.schedule, sizeof s.schedule);
  copy_bytes(s.hash, h, sizeof h);
  wipe(h, sizeof h);
  const bool was_factory = admin_count_ == 0;
  if (!commit_slot(enroll_.slot, s,
                   ops(kEvEnrollCommitted, enroll_.slot, 0, existed ? kEvCodeChanged : kEvCodeAdded, enroll_.slot, 0))) {
    enroll_abort(kReasonStorage);
    return;
  }
  Settings cleared = store_.settings();
  cleared.enroll_pending = 0;
  commit_settings(cleared, nullptr);
  enroll_.state = kEnrollCommitted;
  enroll_.reason = kReasonNone;
  recount_admins();
  if (was_factory && admin_count_ > 0) {
    // The new admin typed the code twice at the lock: that is presence, the session goes on.
    session_open_ = 1;
    opened_by_ = kOpenedByFactoryState;
    opened_by_slot_ = enroll_.slot;
    session_last_ms_ = hal_.ticks.now_ms();
  }
}

void Lock::enroll_abort(uint8_t reason) {
  wipe(enroll_.first_hash, sizeof enroll_.first_hash);
  enroll_.state = kEnrollAborted;
  enroll_.reason = reason;
  Settings s = store_.settings();
  s.enroll_pending = 0;
  const OpEvents ev = ops(kEvEnrollAborted, enroll_.slot, reason);
  commit_settings(s, &ev);
}

void Lock::confirm_entry(const char* d, uint8_t n, bool cancel) {
  const uint8_t action_reason = confirm_.action == kActionDeleteSlot ? kReasonActionDelete : kReasonActionReset;
  if (cancel || n == 0) {
    confirm_.state = kConfirmDenied;
    log(kEvConfirmDenied, kNoSlot, action_reason);
    if (!cancel) wrong_code(kNoSlot);
    return;
  }
  const int slot = admin_presence(d, n);
  if (slot == kRefusedAdmin || slot == -1) {
    confirm_.state = kConfirmDenied;
    log(kEvConfirmDenied, kNoSlot, action_reason);
    if (slot == -1) wrong_code(kNoSlot);  // a disabled or expired admin code is logged as refused
    return;
  }
  if (slot < 0) {
    // A tenant's own code while the lock waits for the admin: the lock still works as a lock
    // (unlock if the code is valid now, logged as usual); the confirmation keeps waiting.
    // Not a wrong entry.
    unlock_slot(static_cast<uint16_t>(-2 - slot));
    return;
  }
  execute_confirmed();
}

void Lock::execute_confirmed() {
  session_last_ms_ = hal_.ticks.now_ms();
  if (confirm_.action == kActionDeleteSlot) {
    SlotData s;
    if (!read_slot(confirm_.arg, s)) {
      confirm_.state = kConfirmFailed;
      return;
    }
    SlotData gone = s;
    gone.flags = 0;
    zero_bytes(gone.hash, sizeof gone.hash);
    confirm_.state = commit_slot(confirm_.arg, gone, ops(kEvCodeDeleted, confirm_.arg, 0)) ? kConfirmDone : kConfirmFailed;
    recount_admins();
    return;
  }
  // Factory reset.
  const bool full = confirm_.arg & kResetFullWipe;
  const Settings& old = store_.settings();
  Settings s = default_settings();
  s.session_counter = old.session_counter;
  s.utc_offset_min = old.utc_offset_min;
  s.enroll_token = old.enroll_token;
  s.reset_count = static_cast<uint16_t>(old.reset_count + 1);
  if (config_.retain_codes_on_reset) {
    // The product that keeps its codes: same generation, same key (the hashes need it).
    s.generation = old.generation;
    s.secret_epoch = old.secret_epoch;
  } else {
    s.generation = old.generation + 1;
    s.secret_epoch = old.secret_epoch + 1;
  }
  s.event_floor = full ? log_.head_seq() : old.event_floor;
  const OpEvents ev = ops(kEvFactoryReset, kNoSlot, full ? kReasonResetFullWipe : kReasonResetKeepLog);
  const bool ok = commit_settings(s, &ev);
  wipe(&s, sizeof s);
  // The codes of the old generation are gone: a new key in the store. A power cut between the
  // record above and this write leaves the old key (guarding no codes); enrollment still works.
  if (ok && !config_.retain_codes_on_reset) secret_ok_ = rotate_secret() || secret_ok_;
  confirm_.state = ok ? kConfirmDone : kConfirmFailed;
  if (!ok) return;
  locked_out_ = false;
  recount_admins();
  // The reset ends the session; a lock without codes is in factory state.
  session_open_ = 0;
  opened_by_ = kOpenedByNone;
  opened_by_slot_ = 0xFFFF;
}

void Lock::key_override() { log(kEvKeyOverride); }

void Lock::tamper() {
  tamper_ = true;
  log(kEvTamper);
}

void Lock::end_session(uint8_t event) {
  if (enroll_.state == kEnrollWaitFirst || enroll_.state == kEnrollWaitSecond) enroll_abort(kReasonSessionEnded);
  if (confirm_.state == kConfirmWaiting) confirm_.state = kConfirmCancelled;
  log(event, opened_by_slot_);
  session_open_ = 0;
  opened_by_ = kOpenedByNone;
  opened_by_slot_ = 0xFFFF;
}

void Lock::poll() {
  const uint32_t now = hal_.ticks.now_ms();
  if (entry_len_ > 0 && now - last_key_ms_ > config_.key_timeout_ms) clear_entry();
  if (!storage_ok_) return;
  if (locked_out_ && static_cast<int32_t>(now - lockout_until_ms_) >= 0) {
    locked_out_ = false;
    Settings s = store_.settings();
    s.locked_out = 0;
    const OpEvents ev = ops(kEvLockoutEnd, kNoSlot, 0);
    commit_settings(s, &ev);
  }
  if ((enroll_.state == kEnrollWaitFirst || enroll_.state == kEnrollWaitSecond) &&
      now - enroll_.started_ms > config_.enrollment_timeout_s * 1000u)
    enroll_abort(kReasonTimeout);
  if (confirm_.state == kConfirmWaiting && now - confirm_.started_ms > config_.confirmation_timeout_s * 1000u) {
    confirm_.state = kConfirmTimedOut;
    log(kEvConfirmTimeout, kNoSlot, confirm_.action == kActionDeleteSlot ? kReasonActionDelete : kReasonActionReset);
  }
  if (session_open_ && now - session_last_ms_ > config_.session_timeout_s * 1000u) end_session(kEvSessionTimeout);
  const uint8_t b = battery_state();
  if (b != battery_last_) {
    battery_last_ = b;
    log(b == kBatteryCritical ? kEvBatteryCritical : b == kBatteryLow ? kEvBatteryLow : kEvBatteryOk);
  }
}

// ---- service commands -------------------------------------------------------------------------

Reply Lock::handle(uint8_t cmd, const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap) {
  if (cap < 64) return Reply::fail(kErrInvalidLength);
  switch (cmd) {
    case kCmdGetIdentity: return Reply::ok(identity(out));
    case kCmdGetStatus: return Reply::ok(status(out));
    case kCmdGetCapabilities: return Reply::ok(capabilities(out));
    case kCmdGetSession: return Reply::ok(session(out));
    default: break;
  }
  const bool tz_cmd = cmd == kCmdSetTimeZone || cmd == kCmdGetTimeZone;
  if (!tz_cmd && (cmd < kCmdCloseSession || cmd > kCmdCancelConfirmation)) return Reply::fail(kErrInvalidCommand);
  if (tz_cmd && cap < sizeof(TimeZoneStatus)) return Reply::fail(kErrInvalidLength);
  if (!storage_ok_) return Reply::fail(kErrStorageFailure);
  const uint8_t st = session_state();
  if (st == kSessionFactory) {
    if (cmd != kCmdOpenEnrollment && cmd != kCmdAbortEnrollment) return Reply::fail(kErrFactoryAdminOnly);
  } else if (st != kSessionOpen) {
    return Reply::fail(kErrSessionRequired);
  }
  session_last_ms_ = hal_.ticks.now_ms();
  switch (cmd) {
    case kCmdCloseSession:
      end_session(kEvSessionClosed);
      return Reply::ok(0);
    case kCmdReadSlots: return read_slots(req, len, out, cap);
    case kCmdReadEvents: return read_events(req, len, out, cap);
    case kCmdGetFingerprint: return fingerprint(out);
    case kCmdSetClock: return set_clock(req, len, out);
    case kCmdOpenEnrollment: return open_enrollment(req, len);
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
  r.session_state = session_state();
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
               kFeatureMechanicalKey | kFeatureTimeZone;
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
  r.state = session_state();
  r.opened_by = static_cast<uint8_t>(session_open_ ? opened_by_ : (r.state == kSessionFactory ? uint8_t{kOpenedByFactoryState} : uint8_t{kOpenedByNone}));
  r.opened_by_slot = session_open_ ? opened_by_slot_ : 0xFFFF;
  r.session_id = storage_ok_ ? store_.settings().session_counter : 0;
  if (session_open_) {
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

Reply Lock::set_clock(const uint8_t* req, uint16_t len, uint8_t* out) {
  SetClockRequest rq;
  if (!read_struct(req, len, rq)) return Reply::fail(kErrInvalidLength);
  if (rq.utc < kMinValidUtc || rq.utc > kMaxValidUtc || rq.utc_offset_min < -720 || rq.utc_offset_min > 840) return Reply::fail(kErrInvalidTime);
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
  if (rq.enabled)
    d.flags |= kSlotEnabled;
  else
    d.flags = static_cast<uint8_t>(d.flags & ~kSlotEnabled);
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
  d.role_kind = pack_role_kind(role_of(d.role_kind), rq.kind);
  copy_bytes(d.schedule, sched, sizeof sched);
  d.flags = static_cast<uint8_t>(d.flags & ~kSlotFirstUseStarted);
  if (!commit_slot(rq.slot, d, ops(kEvScheduleChanged, rq.slot, 0))) return Reply::fail(kErrStorageFailure);
  return Reply::ok(0);
}

Reply Lock::set_policy(const uint8_t* req, uint16_t len) {
  // A 1.1 host sends the first 8 bytes: the 1.2 fields keep their current values.
  if (len < kLockoutPolicyV11Size) return Reply::fail(kErrInvalidLength);
  Settings s = store_.settings();
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
  return Reply::ok(0);
}

}  // namespace lockfw
