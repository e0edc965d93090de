// The lock: boot, the device secret, slot and event helpers, code matching, and the poll loop.
#include "core/lock.h"
#include "core/lock_detail.h"

#include "core/bytes.h"
#include "lockfw/wire.h"

namespace lockfw {

using namespace wire;
using namespace lock_detail;

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
  storage_ok_ = store_.mount(hal_.flash, config_.state_first_block, config_.state_blocks, config_.slot_count,
                             defaults) &&
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
    if (is_change_event(ev.type)) log_change_source(ev.slot);  // item 7: who made it
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

bool Lock::read_slot(uint16_t index, SlotData& out) { return storage_ok_ && store_.slot(index, out) && occupied(out); }

void Lock::recount_admins() {
  admin_count_ = 0;
  for (uint16_t i = 0; i < config_.slot_count; ++i) {
    SlotData d;
    if (read_slot(i, d) && role_of(d.role_kind) == kRoleAdmin) ++admin_count_;
  }
}

// The v2 code MAC: independent of the slot, so one keyed hash per entry is
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

void Lock::key_override() { log(kEvKeyOverride); }

void Lock::tamper() {
  tamper_ = true;
  log(kEvTamper);
}

void Lock::end_session(uint8_t event, uint8_t reason) {
  if (enroll_.state == kEnrollWaitFirst || enroll_.state == kEnrollWaitSecond) enroll_abort(kReasonSessionEnded);
  if (confirm_.state == kConfirmWaiting) confirm_.state = kConfirmCancelled;
  log(event, opened_by_slot_, reason);
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

}  // namespace lockfw
