// One keyed hash per keypad entry (slot-independent v2 MAC) compared with every
// slot; slots written before keep their per-slot v1 MAC until their code is next typed or
// enrolled. Attacks: an old slot that stops opening, a duplicate that hides behind the old
// format, a wrong code that rewrites anything. The cost is measured by tests/bench/bench_keypad.
#include <sodium.h>

#include "support.h"

using namespace lockfw;
using namespace lockfw::test;

namespace {

const std::string kAdmin = "19283746";

// Rewrites slot `idx` the way firmware before 1.2 stored it: the v1 MAC, no v2 flag.
void make_v1(Rig& rig, uint16_t idx, const std::string& code) {
  uint8_t key[32];
  REQUIRE(rig.vl.ram_secrets().load(hal::kCodeHashKey, key));
  SlotData d{};
  REQUIRE(rig.lock().read_slot(idx, d));
  REQUIRE((d.flags & kSlotMacV2) != 0);  // enrollment writes v2
  std::string msg = "lockfw-code-v1";
  msg += static_cast<char>(idx & 0xFF);
  msg += static_cast<char>(idx >> 8);
  msg += static_cast<char>(code.size());
  msg += code;
  crypto_auth_hmacsha256(d.hash, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), key);
  d.flags = static_cast<uint8_t>(d.flags & ~kSlotMacV2);
  REQUIRE(rig.lock().state().write_slot(idx, d, nullptr));
}

bool is_v2(Rig& rig, uint16_t idx) {
  SlotData d{};
  REQUIRE(rig.lock().read_slot(idx, d));
  return (d.flags & kSlotMacV2) != 0;
}

}  // namespace

TEST_CASE("the v2 MAC does not depend on the slot: the same code hashes alike in two slots' checks") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "1357") == kEnrollCommitted);
  REQUIRE(rig.enroll(2, kRoleUser, "8642") == kEnrollCommitted);
  CHECK(rig.lock().check_code("1357", 4) == 1);
  CHECK(rig.lock().check_code("8642", 4) == 2);
  CHECK(rig.lock().check_code(kAdmin.c_str(), static_cast<uint8_t>(kAdmin.size())) == 0);
  CHECK(rig.lock().check_code("1358", 4) == -1);
  CHECK(rig.lock().check_code("135", 3) == -1);
  CHECK(rig.lock().check_code("13570", 5) == -1);  // the length is in the MAC
  SlotData a{}, b{};
  REQUIRE(rig.lock().read_slot(1, a));
  REQUIRE(rig.lock().read_slot(2, b));
  CHECK(std::memcmp(a.hash, b.hash, 32) != 0);
}

TEST_CASE("an old-format slot opens, and is rewritten in the v2 format when its code is typed") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "1357") == kEnrollCommitted);
  REQUIRE(rig.enroll(2, kRoleUser, "8642") == kEnrollCommitted);
  make_v1(rig, 1, "1357");
  make_v1(rig, 2, "8642");
  REQUIRE_FALSE(is_v2(rig, 1));
  // A wrong code rewrites nothing.
  rig.type("9999#");
  CHECK_FALSE(is_v2(rig, 1));
  CHECK_FALSE(is_v2(rig, 2));
  rig.advance_s(120);
  rig.type("1357#");
  CHECK(rig.unlocks() == 1);
  CHECK(is_v2(rig, 1));
  CHECK_FALSE(is_v2(rig, 2));  // only the slot whose code was typed
  REQUIRE(rig.vl.power_cycle());
  rig.type("1357#");
  rig.type("8642#");
  CHECK(rig.unlocks() == 3);
  CHECK(is_v2(rig, 2));
  // The fingerprint is computed over the stored MACs: a rewrite changes it once, using a
  // v2 slot does not.
  auto f1 = rig.call(kCmdGetFingerprint).payload;
  rig.type("8642#");
  CHECK(rig.call(kCmdGetFingerprint).payload == f1);
}

TEST_CASE("a code enrolled again in an old-format slot is written in the v2 format") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "1357") == kEnrollCommitted);
  make_v1(rig, 1, "1357");
  REQUIRE(rig.enroll(1, kRoleUser, "2468") == kEnrollCommitted);
  CHECK(is_v2(rig, 1));
  CHECK(rig.lock().check_code("2468", 4) == 1);
  CHECK(rig.lock().check_code("1357", 4) == -1);
}

TEST_CASE("a duplicate of an old-format slot is still refused and counted as wrong (item 5)") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "2468") == kEnrollCommitted);
  make_v1(rig, 1, "2468");
  const uint8_t before = rig.status().wrong_attempts;
  REQUIRE(rig.open_enrollment(2, kRoleUser) == kErrNone);
  rig.type("2468#");
  CHECK(rig.lock().enroll_state() == kEnrollAborted);
  CHECK(+rig.session().enroll_reason == kReasonDuplicate);
  CHECK(+rig.status().wrong_attempts == before + 1);
  // The slot's own current code typed at its own re-enrollment is no duplicate.
  make_v1(rig, 1, "2468");
  REQUIRE(rig.open_enrollment(1, kRoleUser) == kErrNone);
  rig.type("2468#");
  CHECK(+rig.session().enroll_reason != kReasonDuplicate);
  CHECK(+rig.status().wrong_attempts == before + 1);
}

TEST_CASE("an admin-code check against an old-format admin slot opens the service session") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.call(kCmdCloseSession).error == kErrNone);
  make_v1(rig, 0, kAdmin);
  rig.type(kAdmin + "*0#");
  CHECK(rig.lock().session_state() == kSessionOpen);
  CHECK(is_v2(rig, 0));
}
