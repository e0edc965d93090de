// ARM_SESSION (protocol 1.4, docs/protocol.md 11): the service session belongs to the channel
// that armed it. One Client is one channel, so a session lives as long as the Client (the CLI:
// one lockdiag process; the GUI: while it stays connected).
#include "call_spec.h"
#include "decode.h"
#include "lockdiag/drivers/client.h"

namespace lockdiag::drivers {

using namespace lockfw::wire;

Result<ArmResult> Client::arm_session() {
  std::lock_guard lock(*mu_);
  ArmResult a;
  // A 1.3 or older lock has no ARM_SESSION: its session is the whole lock's; nothing to arm.
  if (identity_.protocol_major == kProtocolMajor && identity_.protocol_minor < 4) return a;
  auto m = transact({kCmdArmSession, {}, true, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  auto r = decode<ArmSessionResponse>(m->payload, "ARM_SESSION");
  if (!r) return std::unexpected(r.error());
  if (r->state != kArmArmed && r->state != kArmAlreadyOpen)
    return fail(ErrorKind::kProtocol, "ARM_SESSION answer has unknown state " + std::to_string(r->state));
  a.lock_binds = true;
  a.already_open = r->state == kArmAlreadyOpen;
  a.timeout_s = r->timeout_s;
  return a;
}

std::string describe_lock_error(uint8_t code, uint16_t detail) {
  if (code == kErrSessionRequired) {
    switch (detail) {
      case kSessionDetailOtherChannel:
        return "the lock's service session belongs to another program on this computer (another lockdiag, or the "
               "GUI): close it or let its session end, then open a session for this one (admin code, then * 0 #)";
      case kSessionDetailArmed: return "the lock waits for the admin: at the lock, type the admin code then * 0 #";
      case kSessionDetailNotArmed:
        return "the lock needs a service session for this program: at the lock, type the admin code then * 0 # "
               "when lockdiag asks (a tool older than lockdiag with protocol 1.4 cannot open one on this lock)";
      default: break;
    }
  }
  if (code == kErrSessionElsewhere)
    return "another program on this computer is waiting for, or holds, the lock's service session: close other "
           "lockdiag windows or service tools, or wait for its request to lapse, then retry";
  return describe_lock_error(code);
}

}  // namespace lockdiag::drivers
