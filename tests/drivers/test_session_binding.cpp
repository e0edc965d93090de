// Issue 11 item 2 (protocol 1.4) from the laptop side: two programs, each with its own Client
// (its own channel) on one lock through the real ServicePort. lockdiag arms, the admin types
// "code * 0 #"; the other program tries to use the session.
#include <doctest/doctest.h>

#include <memory>

#include "fake_lock.h"
#include "lockdiag/drivers/client.h"
#include "loopback.h"
#include "support.h"

using namespace lockdiag;
using namespace lockdiag::drivers;
using namespace lockdiag::test;
namespace wire = lockfw::wire;

namespace {
const std::string kAdmin = "19283746";

void refused(const Error& e, uint16_t detail) {
  CHECK(e.kind == ErrorKind::kLockRefused);
  CHECK(+e.lock_code == wire::kErrSessionRequired);
  CHECK(e.detail == detail);
  CHECK(e.message.find("* 0 #") != std::string::npos);
}
template <typename T>
void refused_by_other(const Result<T>& r) {
  CHECK_FALSE(r.has_value());
  if (!r) refused(r.error(), wire::kSessionDetailOtherChannel);
}
}  // namespace

TEST_CASE("a second program on the laptop cannot use lockdiag's session") {
  using namespace lockfw::test;
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.call(wire::kCmdCloseSession).error == wire::kErrNone);
  auto lock = std::make_shared<LoopbackLock>(rig.lock());
  auto lockdiag = Client::open(std::make_unique<LoopbackTransport>(lock));
  auto other = Client::open(std::make_unique<LoopbackTransport>(lock));
  REQUIRE(lockdiag);
  REQUIRE(other);
  REQUIRE(lockdiag->channel() != other->channel());

  auto arm = lockdiag->arm_session();
  REQUIRE(arm);
  CHECK(arm->lock_binds);
  CHECK_FALSE(arm->already_open);
  CHECK(arm->timeout_s == rig.lock().config().session_timeout_s);
  // The other program cannot take the arm while it is live.
  auto steal = other->arm_session();
  REQUIRE_FALSE(steal);
  CHECK(+steal.error().lock_code == wire::kErrSessionElsewhere);
  CHECK(steal.error().message.find("another program") != std::string::npos);

  rig.type_raw(kAdmin + "*0#");
  REQUIRE(lockdiag->session()->state == drivers::SessionState::kOpen);
  CHECK(other->session()->state == drivers::SessionState::kNone);
  CHECK(other->status()->withheld);
  CHECK_FALSE(lockdiag->status()->withheld);

  // Everything the issue's attacker did, and the rest of the privileged commands.
  const uint32_t head = rig.lock().events().head_seq();
  Schedule always;
  refused_by_other(other->set_schedule(1, always));
  refused_by_other(other->set_slot_enabled(0, false));
  refused_by_other(other->set_clock(1735689600u, 0));
  drivers::LockoutPolicy weak;
  weak.wrong_code_limit = 255;
  weak.disable_s = 1;
  weak.max_disable_s = 1;
  refused_by_other(other->set_lockout_policy(weak));
  refused_by_other(other->read_slots());
  refused_by_other(other->read_events(0));
  refused_by_other(other->get_fingerprint());
  refused_by_other(other->delete_slot(0));
  refused_by_other(other->factory_reset(true));
  refused_by_other(other->open_enrollment(3, drivers::Role::kAdmin));
  refused_by_other(other->close_session());
  CHECK(rig.lock().events().head_seq() == head);  // nothing happened, nothing logged
  CHECK(rig.lock().session_state() == wire::kSessionOpen);

  // lockdiag's own calls work; its session ends with CLOSE_SESSION from its channel.
  auto slots = lockdiag->read_slots();
  REQUIRE(slots);
  CHECK(slots->size() == 1);
  REQUIRE(lockdiag->close_session());
  auto after = lockdiag->read_slots();
  REQUIRE_FALSE(after);
  refused(after.error(), wire::kSessionDetailNotArmed);
}

TEST_CASE("the client does not arm a lock older than 1.4; a 1.4 lock answers ALREADY_OPEN") {
  FakeLockConfig old_cfg;
  old_cfg.protocol_minor = 3;
  old_cfg.session_open = false;
  FakeLock old_lock(old_cfg);
  auto lock = std::make_shared<LoopbackLock>(old_lock);
  auto c = Client::open(std::make_unique<LoopbackTransport>(lock));
  REQUIRE(c);
  auto arm = c->arm_session();
  REQUIRE(arm);
  CHECK_FALSE(arm->lock_binds);
  CHECK(old_lock.handled_by_cmd[wire::kCmdArmSession] == 0);  // never sent

  FakeLock new_lock{FakeLockConfig{}};
  auto lock2 = std::make_shared<LoopbackLock>(new_lock);
  auto c2 = Client::open(std::make_unique<LoopbackTransport>(lock2));
  REQUIRE(c2);
  auto arm2 = c2->arm_session();
  REQUIRE(arm2);
  CHECK(arm2->lock_binds);
  CHECK(arm2->already_open);
  CHECK(new_lock.handled_by_cmd[wire::kCmdArmSession] == 1);
}
