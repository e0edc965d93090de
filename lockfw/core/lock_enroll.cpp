// Enrollment at the keypad and confirmation of destructive service commands at the lock.
#include "core/lock.h"
#include "core/lock_detail.h"

#include "core/bytes.h"
#include "lockfw/wire.h"

namespace lockfw {

using namespace wire;
using namespace lock_detail;

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
                   ops(kEvEnrollCommitted, enroll_.slot, 0, existed ? kEvCodeChanged : kEvCodeAdded, enroll_.slot,
                       0))) {
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
    session_cid_ = factory_cid_;  // 1.4: the channel that asked for the first admin
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
    confirm_.state = commit_slot(confirm_.arg, gone, ops(kEvCodeDeleted, confirm_.arg, 0)) ? kConfirmDone
                                                                                           : kConfirmFailed;
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

}  // namespace lockfw
