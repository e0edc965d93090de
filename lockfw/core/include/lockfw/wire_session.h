// The service-port wire protocol, 1.4 addition: sessions bound to a channel (docs/protocol.md,
// "11. What changed in 1.4"). Included by wire.h; kept apart so the addition merges as one block.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace lockfw::wire {

// Open command: arms "admin code * 0 #" at the keypad for the requesting channel. No request
// payload; answer ArmSessionResponse. The session the keypad then opens belongs to this
// channel only. First arm holds: while another channel's arm or session is live the answer is
// kErrSessionElsewhere.
inline constexpr uint8_t kCmdArmSession = 0x52;
inline constexpr uint32_t kFeatureChannelSession = 1u << 10;  // ARM_SESSION; sessions bound to a channel

// Error: a session is open for, or the keypad is armed by, another channel (another program
// on the laptop). Detail: kSessionDetail*.
inline constexpr uint8_t kErrSessionElsewhere = 0x33;

// ErrorResponse.detail of kErrSessionRequired (and kErrSessionElsewhere) from a 1.4 lock.
enum SessionRequiredDetail : uint16_t {
  kSessionDetailNone = 0,        // no session and this channel armed none (1.3 lockdiag: it never arms)
  kSessionDetailNotArmed = 1,    // this channel never armed: the lock needs a 1.4 host (ARM_SESSION first)
  kSessionDetailOtherChannel = 2,// a session is open, for another channel
  kSessionDetailArmed = 3,       // this channel is armed; the admin has not typed "code * 0 #" yet
};

// Reason of kEvRejected: "code * 0 #" typed while no channel had armed the keypad (the code is
// not checked, not counted).
inline constexpr uint8_t kReasonNotArmed = 10;
// Reason of kEvSessionClosed: the session's channel was recycled (a newer channel took its place).
inline constexpr uint8_t kReasonChannelRecycled = 11;
// Reason of kEvSessionClosed: the admin typed "code * 0 #" for another (armed) channel; the
// session moved there.
inline constexpr uint8_t kReasonSessionMoved = 12;

enum ArmState : uint8_t {
  kArmArmed = 1,        // armed for this channel: "code * 0 #" opens the session for it
  kArmAlreadyOpen = 2,  // a session is already open for this channel
};

struct __attribute__((packed)) ArmSessionResponse {
  uint8_t state;       // ArmState
  uint8_t reserved;
  uint16_t timeout_s;  // the arm lapses after this many seconds without "code * 0 #"
};
static_assert(sizeof(ArmSessionResponse) == 4);

}  // namespace lockfw::wire
