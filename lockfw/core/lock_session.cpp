// Sessions bound to a channel (protocol 1.4, issue 11 item 2; docs/protocol.md 11): the host
// arms the keypad for its channel (ARM_SESSION), "admin code * 0 #" then opens the session for
// that channel only, every other channel gets SESSION_REQUIRED. First arm holds: while one
// channel's arm is live another channel's ARM_SESSION gets SESSION_ELSEWHERE, so a program
// cannot slip its channel in after lockdiag asked the admin for the code. A session open for
// another channel does not stop an arm: only the admin's "code * 0 #" moves the session to the
// armed channel (the old one ends, SESSION_CLOSED reason SESSION_MOVED), so a lockdiag process
// that died without CLOSE_SESSION does not block the next one for the idle timeout.
#include "core/bytes.h"
#include "core/lock.h"
#include "lockfw/wire.h"

namespace lockfw {

using namespace wire;

bool Lock::arm_live() const {
  if (!config_.channel_sessions) return true;  // 1.3 behaviour: "* 0 #" needs no arm
  return armed_ && hal_.ticks.now_ms() - armed_ms_ <= config_.session_timeout_s * 1000u;
}

bool Lock::session_mine() const { return session_open_ && (session_cid_ == channel_ || !config_.channel_sessions); }

uint8_t Lock::channel_session_state() const {
  const uint8_t st = session_state();
  return st == kSessionOpen && !session_mine() ? uint8_t{kSessionNone} : st;
}

Reply Lock::arm_session(uint8_t* out) {
  if (!storage_ok_) return Reply::fail(kErrStorageFailure);
  ArmSessionResponse r{};
  r.timeout_s = config_.session_timeout_s;
  // First arm holds until it lapses or its channel goes: a program that arms after lockdiag
  // cannot take the session lockdiag asked the technician for. Re-arming refreshes; armed while
  // its own session is open, "code * 0 #" renews that session (a new session id), as before 1.4.
  if (config_.channel_sessions && arm_live() && armed_cid_ != channel_)
    return Reply::fail(kErrSessionElsewhere, kSessionDetailArmed);
  armed_ = true;
  armed_cid_ = channel_;
  armed_ms_ = hal_.ticks.now_ms();
  r.state = session_mine() ? uint8_t{kArmAlreadyOpen} : uint8_t{kArmArmed};
  copy_bytes(out, &r, sizeof r);
  return Reply::ok(sizeof r);
}

uint16_t Lock::session_refusal() const {
  if (session_open_) return kSessionDetailOtherChannel;
  if (arm_live() && armed_cid_ == channel_) return kSessionDetailArmed;
  return kSessionDetailNotArmed;
}

bool Lock::take_arm() {
  if (!config_.channel_sessions) {
    armed_ = false;
    session_cid_ = channel_;
    return true;
  }
  if (!arm_live()) {
    armed_ = false;
    return false;
  }
  armed_ = false;
  if (session_open_ && session_cid_ != armed_cid_) end_session(kEvSessionClosed, kReasonSessionMoved);
  session_cid_ = armed_cid_;
  return true;
}

// A host that armed and then stops waiting (timeout, cancel) sends CLOSE_SESSION: its arm is
// withdrawn at once, so the next program need not wait for the arm to lapse (first arm holds).
bool Lock::withdraw_arm() {
  if (!config_.channel_sessions || !armed_ || armed_cid_ != channel_) return false;
  armed_ = false;
  return true;
}

void Lock::channel_released(uint32_t cid) {
  if (!config_.channel_sessions) return;
  if (armed_ && armed_cid_ == cid) armed_ = false;
  if (session_open_ && session_cid_ == cid) end_session(kEvSessionClosed, kReasonChannelRecycled);
}

}  // namespace lockfw
