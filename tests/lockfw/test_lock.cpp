// Behaviour of the lock core through its keypad and service commands.
#include "support.h"

using namespace lockfw;
using namespace lockfw::test;

namespace {
const std::string kAdmin = "19283746";
uint32_t t0() { return static_cast<uint32_t>(kTestEpochMs / 1000); }
}  // namespace

TEST_CASE("factory state: open without a code, admin enrollment only, then a normal session") {
  Rig rig;
  CHECK(rig.lock().session_state() == kSessionFactory);
  CHECK((+rig.status().flags & kStatusFactoryState) != 0);
  CHECK(rig.call(kCmdReadSlots, ReadSlotsRequest{0, 0, kSlotFormatCompact, 0}).error == kErrFactoryAdminOnly);
  CHECK(rig.call(kCmdSetClock, SetClockRequest{t0(), 0, 0}).error == kErrFactoryAdminOnly);
  CHECK(rig.open_enrollment(1, kRoleUser) == kErrFactoryAdminOnly);
  CHECK(rig.enroll(0, kRoleAdmin, kAdmin) == kEnrollCommitted);
  CHECK(rig.lock().session_state() == kSessionOpen);
  CHECK((+rig.status().flags & kStatusFactoryState) == 0);
  CHECK(+rig.session().opened_by == kOpenedByFactoryState);
  CHECK(rig.call(kCmdCloseSession).error == kErrNone);
  CHECK(rig.call(kCmdReadSlots, ReadSlotsRequest{0, 0, kSlotFormatCompact, 0}).error == kErrSessionRequired);
}

TEST_CASE("every privileged command without a session gets kErrSessionRequired") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.call(kCmdCloseSession).error == kErrNone);
  for (uint8_t cmd = kCmdCloseSession; cmd <= kCmdCancelConfirmation; ++cmd) {
    uint8_t req[16] = {};
    CAPTURE(int(cmd));
    CHECK(rig.call(cmd, req, sizeof req).error == kErrSessionRequired);
  }
  // Open commands stay open.
  CHECK(rig.call(kCmdGetIdentity).error == kErrNone);
  CHECK(rig.call(kCmdGetCapabilities).error == kErrNone);
  const StatusResponse st = rig.status();
  CHECK((+st.flags & kStatusWithheld) != 0);
  CHECK(+st.clock_utc == 0);
  CHECK(+st.event_count == 0);
  CHECK(+st.battery_mv == 5900);
}

TEST_CASE("a service session opens with admin code * 0 #, does not unlock, and times out") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "5555") == kEnrollCommitted);
  rig.call(kCmdCloseSession);
  const uint32_t id = rig.session().session_id;
  rig.type("5555*0#");  // a user cannot open a session
  CHECK(rig.lock().session_state() == kSessionNone);
  rig.type(kAdmin + "*0#");
  CHECK(rig.lock().session_state() == kSessionOpen);
  CHECK(+rig.session().session_id == id + 1);  // the user's attempt opened nothing
  CHECK(+rig.session().opened_by == kOpenedByAdminKeypad);
  CHECK(+rig.session().opened_by_slot == 0);
  CHECK(rig.unlocks() == 0);
  rig.advance_s(299);
  CHECK(rig.lock().session_state() == kSessionOpen);
  rig.advance_s(3);
  CHECK(rig.lock().session_state() == kSessionNone);
  rig.type(kAdmin + "*0#");
  auto ev = read_all_events(rig);
  CHECK(count_type(ev, kEvSessionTimeout) == 1);
  CHECK(count_type(ev, kEvSessionOpened) == 2);
}

TEST_CASE("unlock by code, wrong codes, lockout with doubling, configurable policy") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "246810") == kEnrollCommitted);
  rig.type("246810#");
  CHECK(rig.unlocks() == 1);
  for (int i = 0; i < 4; ++i) rig.type("111111#");
  CHECK_FALSE(rig.lock().locked_out());
  rig.type("111111#");
  CHECK(rig.lock().locked_out());
  rig.type("246810#");  // right code, but locked out
  CHECK(rig.unlocks() == 1);
  rig.advance_s(61);
  CHECK_FALSE(rig.lock().locked_out());
  for (int i = 0; i < 5; ++i) rig.type("111111#");
  CHECK(rig.lock().locked_out());
  rig.advance_s(61);
  CHECK(rig.lock().locked_out());  // second lockout: 120 s
  rig.advance_s(60);
  CHECK_FALSE(rig.lock().locked_out());
  rig.type("246810#");
  CHECK(rig.unlocks() == 2);

  // Policy over the service port.
  CHECK(rig.call(kCmdSetLockoutPolicy, LockoutPolicy{3, 0, 10, 10, 0}).error == kErrNone);
  auto p = rig.call(kCmdGetLockoutPolicy);
  REQUIRE(p.error == kErrNone);
  LockoutPolicy got{};
  std::memcpy(&got, p.payload.data(), sizeof got);
  CHECK(+got.wrong_code_limit == 3);
  CHECK(+got.disable_s == 10);
  CHECK(rig.call(kCmdSetLockoutPolicy, LockoutPolicy{0, 0, 10, 10, 0}).error == kErrInvalidPolicy);
  CHECK(rig.call(kCmdSetLockoutPolicy, LockoutPolicy{3, 2, 10, 10, 0}).error == kErrInvalidPolicy);
  CHECK(rig.call(kCmdSetLockoutPolicy, LockoutPolicy{3, 1, 100, 50, 0}).error == kErrInvalidPolicy);
  for (int i = 0; i < 3; ++i) rig.type("111111#");
  CHECK(rig.lock().locked_out());
  rig.advance_s(11);
  CHECK_FALSE(rig.lock().locked_out());

  auto ev = read_all_events(rig);
  CHECK(count_type(ev, kEvUnlockCode) == 2);
  CHECK(count_type(ev, kEvWrongCode) == 13);
  CHECK(count_type(ev, kEvLockoutStart) == 3);
  CHECK(count_type(ev, kEvLockoutEnd) == 3);
  CHECK(count_type(ev, kEvRejected, kReasonLockedOut) == 1);
  CHECK(count_type(ev, kEvPolicyChanged) == 1);
}

TEST_CASE("a lockout survives a power cycle") {
  Rig rig;
  rig.onboard(kAdmin);
  for (int i = 0; i < 5; ++i) rig.type("111111#");
  REQUIRE(rig.lock().locked_out());
  REQUIRE(rig.vl.power_cycle());
  CHECK(rig.lock().locked_out());
  rig.advance_s(61);
  CHECK_FALSE(rig.lock().locked_out());
}

TEST_CASE("inter-key timeout drops a half-typed entry") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "13579") == kEnrollCommitted);
  rig.type("135");
  rig.advance_s(6);
  rig.type("79#");
  CHECK(rig.unlocks() == 0);
  rig.type("135");
  rig.advance_s(2);
  rig.type("79#");
  CHECK(rig.unlocks() == 1);
}

TEST_CASE("enrollment: typed twice, duplicate refused, mismatch and abort leave the slot as before") {
  Rig rig;
  rig.onboard(kAdmin);
  CHECK(rig.enroll(1, kRoleUser, "4444") == kEnrollCommitted);
  CHECK(rig.enroll(2, kRoleUser, "4444") == kEnrollAborted);  // duplicate of slot 1
  CHECK(+rig.session().enroll_reason == kReasonDuplicate);
  CHECK(rig.enroll(2, kRoleUser, kAdmin) == kEnrollAborted);  // duplicate of the admin code
  SlotData d{};
  CHECK_FALSE(rig.lock().read_slot(2, d));

  REQUIRE(rig.open_enrollment(2, kRoleGuest) == kErrNone);
  CHECK(+rig.session().enroll_state == kEnrollWaitFirst);
  CHECK((+rig.status().flags & kStatusEnrollmentActive) != 0);
  rig.type("7777#");
  CHECK(+rig.session().enroll_state == kEnrollWaitSecond);
  rig.type("7778#");
  CHECK(+rig.session().enroll_state == kEnrollAborted);
  CHECK(+rig.session().enroll_reason == kReasonMismatch);
  CHECK_FALSE(rig.lock().read_slot(2, d));

  // Changing a code: abort keeps the old one.
  REQUIRE(rig.open_enrollment(1, kRoleUser) == kErrNone);
  rig.type("9999#");
  rig.type("*#");
  CHECK(+rig.session().enroll_reason == kReasonKeypadCancelled);
  rig.type("4444#");
  CHECK(rig.unlocks() == 3);
  REQUIRE(rig.open_enrollment(1, kRoleUser) == kErrNone);
  CHECK(rig.call(kCmdAbortEnrollment).error == kErrNone);
  CHECK(+rig.session().enroll_reason == kReasonHostCancelled);
  CHECK(rig.call(kCmdAbortEnrollment).error == kErrNoEnrollment);
  REQUIRE(rig.open_enrollment(1, kRoleUser) == kErrNone);
  CHECK(rig.open_enrollment(2, kRoleUser) == kErrEnrollmentActive);
  rig.advance_s(121);
  CHECK(+rig.session().enroll_reason == kReasonTimeout);
  CHECK(rig.enroll(1, kRoleUser, "123") == kEnrollAborted);  // too short
  CHECK(+rig.session().enroll_reason == kReasonBadLength);
  CHECK(rig.enroll(1, kRoleUser, "12345678901") == kEnrollAborted);  // too long
  CHECK(rig.enroll(1, kRoleUser, "8642") == kEnrollCommitted);
  rig.type("4444#");
  CHECK(rig.unlocks() == 3);  // the old code is gone
  rig.type("8642#");
  CHECK(rig.unlocks() == 4);

  auto ev = read_all_events(rig);
  CHECK(count_type(ev, kEvEnrollStarted) == 11);
  CHECK(count_type(ev, kEvEnrollCommitted) == 3);
  CHECK(count_type(ev, kEvCodeAdded) == 2);
  CHECK(count_type(ev, kEvCodeChanged) == 1);
  CHECK(count_type(ev, kEvEnrollAborted) == 8);
}

TEST_CASE("validation refuses nonsense with a specific error") {
  Rig rig;
  rig.onboard(kAdmin);
  CHECK(rig.open_enrollment(8, kRoleUser) == kErrSlotOutOfRange);
  CHECK(rig.open_enrollment(1, 4) == kErrInvalidRole);
  CHECK(rig.open_enrollment(1, kRoleUser, 5) == kErrInvalidKind);
  CHECK(rig.open_enrollment(1, kRoleAdmin) == kErrAdminLimit);
  CHECK(rig.open_enrollment(0, kRoleUser) == kErrLastAdmin);
  ScheduleWeekday backwards{0x3E, 0, 17 * 60, 9 * 60, 0};
  CHECK(rig.open_enrollment(1, kRoleUser, kKindWeekday, &backwards) == kErrInvalidSchedule);
  ScheduleWeekday nodays{0, 0, 9 * 60, 17 * 60, 0};
  CHECK(rig.open_enrollment(1, kRoleUser, kKindWeekday, &nodays) == kErrInvalidSchedule);
  ScheduleDateRange dr{t0() + 1000, t0() + 500};
  CHECK(rig.open_enrollment(1, kRoleUser, kKindDateRange, &dr) == kErrInvalidSchedule);
  ScheduleUntil past{t0() - 10, 0};
  CHECK(rig.open_enrollment(1, kRoleGuest, kKindTemporaryUntil, &past) == kErrInvalidSchedule);
  ScheduleFirstUse fu{2881, 0, 0};
  CHECK(rig.open_enrollment(1, kRoleGuest, kKindTemporaryFirstUse, &fu) == kErrInvalidSchedule);
  CHECK(rig.call(kCmdDeleteSlot, SlotRequest{3, 0}).error == kErrSlotEmpty);
  CHECK(rig.call(kCmdDeleteSlot, SlotRequest{300, 0}).error == kErrSlotOutOfRange);
  CHECK(rig.call(kCmdDeleteSlot, SlotRequest{0, 0}).error == kErrLastAdmin);
  CHECK(rig.call(kCmdSetSlotEnabled, SetSlotEnabledRequest{3, 1, 0}).error == kErrSlotEmpty);
  CHECK(rig.call(kCmdSetSlotEnabled, SetSlotEnabledRequest{0, 0, 0}).error == kErrLastAdmin);
  CHECK(rig.call(kCmdSetClock, SetClockRequest{100, 0, 0}).error == kErrInvalidTime);
  CHECK(rig.call(kCmdSetClock, SetClockRequest{t0(), 900, 0}).error == kErrInvalidTime);
  uint8_t shortreq[2] = {};
  CHECK(rig.call(kCmdOpenEnrollment, shortreq, 2).error == kErrInvalidLength);
  CHECK(rig.call(kCmdReadSlots, ReadSlotsRequest{0, 10, kSlotFormatFixed, 0}).error == kErrInvalidParameter);
  // a page must have room for the biggest record of the format asked for
  CHECK(rig.call(kCmdReadSlots, ReadSlotsRequest{0, 6 + 27, kSlotFormatCompact, 0}).error == kErrInvalidParameter);
  CHECK(rig.call(kCmdReadSlots, ReadSlotsRequest{0, 6 + 28, kSlotFormatCompact, 0}).error == kErrNone);
  CHECK(rig.call(kCmdReadSlots, ReadSlotsRequest{0, 6 + 23, kSlotFormatFixed, 0}).error == kErrInvalidParameter);
  CHECK(rig.call(kCmdReadSlots, ReadSlotsRequest{0, 6 + 24, kSlotFormatFixed, 0}).error == kErrNone);
  // a 1.0 host's 4-byte request is still served (fixed records); shorter is refused
  {
    const uint8_t v10[4] = {0, 0, 0, 0};
    auto r = rig.call(kCmdReadSlots, v10, sizeof v10);
    REQUIRE(r.error == kErrNone);
    ReadSlotsResponseHead h{};
    std::memcpy(&h, r.payload.data(), sizeof h);
    CHECK(+h.format == kSlotFormatFixed);
    CHECK(rig.call(kCmdReadSlots, v10, 3).error == kErrInvalidLength);
    // an unknown format gets fixed records, and the head says so
    auto u = rig.call(kCmdReadSlots, ReadSlotsRequest{0, 0, 9, 0});
    REQUIRE(u.error == kErrNone);
    std::memcpy(&h, u.payload.data(), sizeof h);
    CHECK(+h.format == kSlotFormatFixed);
  }
  CHECK(rig.call(0x7E).error == kErrInvalidCommand);
}

TEST_CASE("a temporary code's end time is the lock's local time, like a date range's") {
  Rig rig;
  rig.onboard(kAdmin);
  // Two hours west of UTC: local time is now - 2 h. A code valid until 30 min from now, local.
  REQUIRE(rig.set_clock(t0(), -120) == kErrNone);
  const uint32_t local_now = t0() - 7200;
  ScheduleUntil until{local_now + 1800, 0};
  REQUIRE(rig.enroll(2, kRoleGuest, "202020", kKindTemporaryUntil, &until) == kEnrollCommitted);
  ScheduleUntil past_local{local_now - 60, 0};
  CHECK(rig.open_enrollment(3, kRoleGuest, kKindTemporaryUntil, &past_local) == kErrInvalidSchedule);
  rig.type("202020#");
  CHECK(rig.unlocks() == 1);
  rig.advance_s(1801);
  rig.type("202020#");
  CHECK(rig.unlocks() == 1);  // past its local end time
}

TEST_CASE("schedules: weekday windows, date ranges, expiry, first use, and the clock-not-set reason") {
  Rig rig;
  rig.onboard(kAdmin);  // 2026-01-01 00:00 UTC, Thursday
  ScheduleWeekday work{static_cast<uint8_t>(1u << 4), 0, 9 * 60, 17 * 60, 0};  // Thursdays 09-17
  REQUIRE(rig.enroll(1, kRoleUser, "101010", kKindWeekday, &work) == kEnrollCommitted);
  ScheduleUntil until{t0() + 3600, 0};
  REQUIRE(rig.enroll(2, kRoleGuest, "202020", kKindTemporaryUntil, &until) == kEnrollCommitted);
  ScheduleDateRange range{t0() + 2 * 86400, t0() + 3 * 86400};
  REQUIRE(rig.enroll(3, kRoleGuest, "303030", kKindDateRange, &range) == kEnrollCommitted);
  ScheduleFirstUse first{60, 0, 0};
  REQUIRE(rig.enroll(4, kRoleGuest, "404040", kKindTemporaryFirstUse, &first) == kEnrollCommitted);

  rig.type("101010#");  // 00:00 Thursday: outside
  rig.type("202020#");  // valid
  rig.type("303030#");  // not yet valid
  rig.type("404040#");  // first use starts
  CHECK(rig.unlocks() == 2);
  rig.advance_s(9 * 3600 + 60);  // 09:01
  rig.type("101010#");
  rig.type("202020#");  // expired
  rig.type("404040#");  // expired (60 min after first use)
  CHECK(rig.unlocks() == 3);
  rig.advance_s(2 * 86400);  // Saturday 09:01: in range, weekday no
  rig.type("303030#");
  rig.type("101010#");
  CHECK(rig.unlocks() == 4);

  // Disabled code (the service session timed out meanwhile: open a new one).
  rig.type(kAdmin + "*0#");
  CHECK(rig.call(kCmdSetSlotEnabled, SetSlotEnabledRequest{3, 0, 0}).error == kErrNone);
  rig.type("303030#");
  CHECK(rig.unlocks() == 4);

  // READ_SLOTS shows expiry, in both record formats alike.
  const auto fixed = read_slot_page(rig, 0, kSlotFormatFixed);
  const auto compact = read_slot_page(rig, 0, kSlotFormatCompact);
  CHECK(+fixed.head.count == 5);
  CHECK(+fixed.head.next_index == kNoMoreSlots);
  CHECK(+compact.head.next_index == kNoMoreSlots);
  CHECK(same_slots(fixed.records, compact.records));
  CHECK(compact.bytes < fixed.bytes);
  int expired = 0, enabled = 0, kinds = 0;
  for (const auto& s : compact.records) {
    if (s.flags & kSlotExpired) ++expired;
    if (s.flags & kSlotEnabled) ++enabled;
    kinds |= 1 << kind_of(s.role_kind);
    if (+s.index == 4) CHECK((+s.flags & kSlotFirstUseStarted) != 0);
    if (+s.index == 3) {  // the date range, exactly
      ScheduleDateRange d{};
      std::memcpy(&d, s.schedule.b, sizeof d);
      CHECK(+d.start_time == +range.start_time);
      CHECK(+d.end_time == +range.end_time);
    }
  }
  CHECK(kinds == 0x1F);  // every kind went through the compact encoder
  CHECK(expired == 2);
  CHECK(enabled == 4);

  // Power loss: the clock is not set; scheduled and expiring codes are refused, saying why.
  REQUIRE(rig.vl.power_cycle());
  CHECK_FALSE(rig.vl.rtc().is_set());
  rig.type("101010#");
  rig.type(kAdmin + "#");  // persistent codes still work
  CHECK(rig.unlocks() == 5);
  rig.type(kAdmin + "*0#");
  auto ev = read_all_events(rig);
  CHECK(count_type(ev, kEvRejected, kReasonOutsideSchedule) == 2);
  CHECK(count_type(ev, kEvRejected, kReasonExpired) == 2);
  CHECK(count_type(ev, kEvRejected, kReasonNotYetValid) == 1);
  CHECK(count_type(ev, kEvRejected, kReasonDisabled) == 1);
  CHECK(count_type(ev, kEvRejected, kReasonClockNotSet) == 1);
  CHECK(count_type(ev, kEvCodeDisabled) == 1);
  // Events logged while the clock is not set carry the flag.
  const auto& last = ev.back();
  CHECK(last.type == kEvSessionOpened);
  CHECK((last.extra & kExtraClockNotSet) != 0);
  StatusResponse st = rig.status();
  CHECK((+st.flags & kStatusClockSet) == 0);
  CHECK(+st.clock_utc == 0);
}

TEST_CASE("battery: states, events, no bolt at critical, keypad unreliable when marginal") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "5678") == kEnrollCommitted);
  rig.vl.battery().set(4300);
  rig.vl.poll();
  CHECK(+rig.status().battery_state == kBatteryLow);
  rig.type("5678#");
  CHECK(rig.unlocks() == 1);
  rig.vl.battery().set(3900);
  rig.vl.poll();
  CHECK(+rig.status().battery_state == kBatteryCritical);
  int ok = 0;
  for (int i = 0; i < 20; ++i) {
    rig.type("5678#");
    rig.advance_s(6);
  }
  ok = static_cast<int>(rig.unlocks()) - 1;
  CHECK(ok == 0);
  rig.vl.battery().set(5900);
  rig.vl.poll();
  rig.type(kAdmin + "*0#");
  auto ev = read_all_events(rig);
  CHECK(count_type(ev, kEvBatteryLow) == 1);
  CHECK(count_type(ev, kEvBatteryCritical) == 1);
  CHECK(count_type(ev, kEvBatteryOk) == 1);
  CHECK(count_type(ev, kEvRejected, kReasonBatteryCritical) >= 1);

  // Marginal (below 4200 mV): some entries fail because keys are lost.
  rig.vl.battery().set(4150);
  rig.vl.poll();
  const uint64_t before = rig.unlocks();
  for (int i = 0; i < 40; ++i) {
    rig.type("5678#");
    rig.advance_s(6);
  }
  const uint64_t got = rig.unlocks() - before;
  CHECK(got > 0);
  CHECK(got < 40);
}

TEST_CASE("mechanical key, tamper, clock set are logged") {
  Rig rig;
  rig.onboard(kAdmin);
  rig.lock().key_override();
  rig.lock().tamper();
  CHECK((+rig.status().flags & kStatusTamper) != 0);
  auto ev = read_all_events(rig);
  CHECK(count_type(ev, kEvKeyOverride) == 1);
  CHECK(count_type(ev, kEvTamper) == 1);
  CHECK(count_type(ev, kEvClockSet) == 1);
  CHECK(count_type(ev, kEvPowerOn) == 1);
  auto c = rig.call(kCmdSetClock, SetClockRequest{t0() + 500, 60, 0});
  REQUIRE(+c.error == kErrNone);
  SetClockResponse sr{};
  std::memcpy(&sr, c.payload.data(), sizeof sr);
  CHECK(+sr.was_set == 1);
  CHECK(+sr.previous_utc >= t0());
  CHECK(+rig.status().utc_offset_min == 60);
}

TEST_CASE("delete needs a keypad confirmation: confirm, deny, timeout, cancel") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "1111") == kEnrollCommitted);
  REQUIRE(rig.enroll(2, kRoleUser, "2222") == kEnrollCommitted);
  auto r = rig.call(kCmdDeleteSlot, SlotRequest{1, 0});
  REQUIRE(r.error == kErrNone);
  PendingConfirmation pc{};
  std::memcpy(&pc, r.payload.data(), sizeof pc);
  CHECK(+pc.timeout_s == 60);
  CHECK(+rig.session().confirm_state == kConfirmWaiting);
  CHECK(+rig.session().confirm_ticket == +pc.ticket);
  CHECK(rig.call(kCmdDeleteSlot, SlotRequest{2, 0}).error == kErrConfirmationPending);
  rig.type("*#");
  CHECK(+rig.session().confirm_state == kConfirmDenied);
  SlotData d{};
  CHECK(rig.lock().read_slot(1, d));

  REQUIRE(rig.call(kCmdDeleteSlot, SlotRequest{1, 0}).error == kErrNone);
  rig.type("2222#");  // a tenant's code does not confirm; the lock still lets them in (1.2)
  CHECK(+rig.session().confirm_state == kConfirmWaiting);
  CHECK(rig.unlocks() == 1);
  rig.type("*#");
  CHECK(+rig.session().confirm_state == kConfirmDenied);

  REQUIRE(rig.call(kCmdDeleteSlot, SlotRequest{1, 0}).error == kErrNone);
  rig.advance_s(61);
  CHECK(+rig.session().confirm_state == kConfirmTimedOut);

  REQUIRE(rig.call(kCmdDeleteSlot, SlotRequest{1, 0}).error == kErrNone);
  CHECK(rig.call(kCmdCancelConfirmation).error == kErrNone);
  CHECK(+rig.session().confirm_state == kConfirmCancelled);
  CHECK(rig.call(kCmdCancelConfirmation).error == kErrNoConfirmation);

  REQUIRE(rig.call(kCmdDeleteSlot, SlotRequest{1, 0}).error == kErrNone);
  rig.type(kAdmin + "#");
  CHECK(+rig.session().confirm_state == kConfirmDone);
  CHECK(rig.unlocks() == 1);  // confirming does not unlock
  CHECK_FALSE(rig.lock().read_slot(1, d));
  rig.type("1111#");
  CHECK(rig.unlocks() == 1);  // the deleted code opens nothing
  auto ev = read_all_events(rig);
  CHECK(count_type(ev, kEvCodeDeleted) == 1);
  CHECK(count_type(ev, kEvConfirmRequested) == 5);
  CHECK(count_type(ev, kEvConfirmDenied) == 2);
  CHECK(count_type(ev, kEvConfirmTimeout) == 1);
}

TEST_CASE("fingerprint: stable without changes, moves with any code change, rotates with reset") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "1357") == kEnrollCommitted);
  auto fp = [&] {
    auto r = rig.call(kCmdGetFingerprint);
    REQUIRE(r.error == kErrNone);
    FingerprintResponse f{};
    std::memcpy(&f, r.payload.data(), sizeof f);
    return f;
  };
  const FingerprintResponse a = fp();
  CHECK(+a.occupied_count == 2);
  CHECK(+a.algorithm == kFingerprintHmacSha256);
  rig.type("1357#");  // use does not change the code set
  rig.advance_s(100);
  const FingerprintResponse b = fp();
  CHECK(std::memcmp(+a.digest, +b.digest, 32) == 0);
  REQUIRE(rig.enroll(1, kRoleUser, "2468") == kEnrollCommitted);  // same slot, new code
  const FingerprintResponse c = fp();
  CHECK(std::memcmp(+a.digest, +c.digest, 32) != 0);
  CHECK(rig.call(kCmdSetSlotEnabled, SetSlotEnabledRequest{1, 0, 0}).error == kErrNone);
  const FingerprintResponse d = fp();
  CHECK(std::memcmp(+c.digest, d.digest, 32) != 0);
  // Survives a reboot.
  REQUIRE(rig.vl.power_cycle());
  rig.type(kAdmin + "*0#");
  const FingerprintResponse e = fp();
  CHECK(std::memcmp(d.digest, +e.digest, 32) == 0);
  CHECK(+e.secret_epoch == d.secret_epoch);
}

TEST_CASE("factory reset: confirmed at the keypad, clears codes, rotates the secret, keeps or wipes the log") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "1357") == kEnrollCommitted);
  auto fp0 = rig.call(kCmdGetFingerprint);
  FingerprintResponse before{};
  std::memcpy(&before, fp0.payload.data(), sizeof before);
  const uint32_t head_before = rig.status().event_head_seq;
  REQUIRE(rig.call(kCmdFactoryReset, FactoryResetRequest{0, {}}).error == kErrNone);
  CHECK(rig.call(kCmdFactoryReset, FactoryResetRequest{4, {}}).error == kErrConfirmationPending);
  rig.type(kAdmin + "#");
  CHECK(rig.lock().confirm_state() == kConfirmDone);
  CHECK(rig.lock().factory_state());
  CHECK(rig.lock().session_state() == kSessionFactory);
  rig.type("1357#");
  rig.type(kAdmin + "#");
  CHECK(rig.unlocks() == 0);
  SlotData d{};
  CHECK_FALSE(rig.lock().read_slot(0, d));
  CHECK_FALSE(rig.lock().read_slot(1, d));
  // Only admin enrollment now; the same admin code may come back, hashed under a new secret.
  CHECK(rig.open_enrollment(1, kRoleUser) == kErrFactoryAdminOnly);
  REQUIRE(rig.enroll(0, kRoleAdmin, kAdmin) == kEnrollCommitted);
  auto fp1 = rig.call(kCmdGetFingerprint);
  FingerprintResponse after{};
  std::memcpy(&after, fp1.payload.data(), sizeof after);
  CHECK(+after.secret_epoch == +before.secret_epoch + 1);
  auto ev = read_all_events(rig);
  CHECK(ev.front().seq == 1);  // log kept
  CHECK(count_type(ev, kEvFactoryReset, kReasonResetKeepLog) == 1);
  CHECK(ev.back().seq >= head_before);

  // Full wipe hides the old log (sequence numbers keep counting).
  REQUIRE(rig.call(kCmdFactoryReset, FactoryResetRequest{kResetFullWipe, {}}).error == kErrNone);
  rig.type(kAdmin + "#");
  REQUIRE(rig.enroll(0, kRoleAdmin, kAdmin) == kEnrollCommitted);
  auto ev2 = read_all_events(rig);
  REQUIRE(!ev2.empty());
  CHECK(ev2.front().type == kEvFactoryReset);
  CHECK((ev2.front().extra & kReasonMask) == kReasonResetFullWipe);
  CHECK(ev2.front().seq > ev.back().seq);
}

TEST_CASE("the retaining model keeps codes across reset and says so") {
  DeviceConfig cfg = small_config();
  cfg.retain_codes_on_reset = true;
  Rig rig(cfg);
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "1357") == kEnrollCommitted);
  auto caps = rig.call(kCmdGetCapabilities);
  CapabilitiesResponse c{};
  std::memcpy(&c, caps.payload.data(), sizeof c);
  CHECK((+c.features & kFeatureRetainsCodesOnReset) != 0);
  REQUIRE(rig.call(kCmdFactoryReset, FactoryResetRequest{0, {}}).error == kErrNone);
  rig.type(kAdmin + "#");
  CHECK(rig.lock().confirm_state() == kConfirmDone);
  CHECK_FALSE(rig.lock().factory_state());
  rig.type("1357#");
  CHECK(rig.unlocks() == 1);
  rig.type(kAdmin + "*0#");
  for (uint8_t format : {kSlotFormatFixed, kSlotFormatCompact}) {
    const auto page = read_slot_page(rig, 0, format);
    REQUIRE(page.records.size() == 2);
    CHECK((+page.records[1].flags & kSlotRetainedAcrossReset) != 0);
  }
}

TEST_CASE("an enrollment interrupted by power loss leaves the slot as before and logs why") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "1357") == kEnrollCommitted);
  REQUIRE(rig.open_enrollment(1, kRoleUser) == kErrNone);
  rig.type("9999#");
  REQUIRE(rig.vl.power_cycle());
  rig.type("9999#");
  rig.type("9999#");
  rig.type("1357#");
  CHECK(rig.unlocks() == 1);
  rig.type(kAdmin + "*0#");
  auto ev = read_all_events(rig);
  CHECK(count_type(ev, kEvEnrollAborted, kReasonPowerLost) == 1);
  REQUIRE(rig.vl.power_cycle());  // the repair happens once
  rig.type(kAdmin + "*0#");
  CHECK(count_type(read_all_events(rig), kEvEnrollAborted, kReasonPowerLost) == 1);
}

TEST_CASE("reference configuration: 250 slots and 10,000 events page within the modeled USB budget") {
  DeviceConfig cfg{};  // 250 slots, 10,000 events, 4 KiB blocks
  Rig rig(cfg, 4096);
  rig.onboard(kAdmin);
  // Fill every slot (enrollment through the keypad, as the lock allows no other way).
  for (uint16_t i = 1; i < 250; ++i) {
    const std::string code = std::to_string(100000 + i * 37);
    ScheduleWeekday w{0x7F, 0, 0, 1440, 0};
    REQUIRE(rig.enroll(i, i % 3 ? kRoleUser : kRoleGuest, code, i % 5 ? kKindPersistent : kKindWeekday, &w) ==
            kEnrollCommitted);
    rig.advance_s(1);
  }
  // Full speed: one 64-byte report per ms each way; a page costs its request (one OUT
  // report) and its answer (init carries 57 bytes, continuations 59).
  auto page_ms = [](size_t n) { return 1.0 + static_cast<double>(n <= 57 ? 1 : 1 + (n - 57 + 58) / 59); };
  // Both record formats, page by page; the compact one is what a 1.1 host reads.
  double fixed_ms = 0, compact_ms = 0;
  int pages = 0;
  for (uint8_t format : {kSlotFormatFixed, kSlotFormatCompact}) {
    double& ms = format == kSlotFormatFixed ? fixed_ms : compact_ms;
    for (uint16_t start = 0; start != kNoMoreSlots;) {
      const auto page = read_slot_page(rig, start, format);
      ms += page_ms(page.bytes);
      if (format == kSlotFormatCompact) ++pages;
      start = page.head.next_index;
    }
  }
  const auto fixed_table = read_slot_table(rig, kSlotFormatFixed);
  CHECK(fixed_table.size() == 250);
  CHECK(same_slots(fixed_table, read_slot_table(rig, kSlotFormatCompact)));
  MESSAGE("250 slots: " << pages << " compact pages, ~" << compact_ms << " ms modeled (fixed records: ~" << fixed_ms
                        << " ms)");
  CHECK(compact_ms <= 100.0);
  CHECK(compact_ms < fixed_ms);

  // 10,000+ events: a realistic mix, most with a slot index.
  rig.call(kCmdCloseSession);
  for (int i = 0; i < 10100; ++i) {
    if (i % 25 == 0) rig.type(std::to_string(100000 + (1 + i % 200) * 37) + "#");
    else rig.lock().key_override();
    rig.vl.clock().advance_ms(37000 + (i % 7) * 60000);
  }
  rig.vl.poll();
  rig.type(kAdmin + "*0#");
  const StatusResponse st = rig.status();
  CHECK(+st.event_count == 10000);
  auto ev = read_all_events(rig);
  REQUIRE(ev.size() == 10000);
  for (size_t i = 1; i < ev.size(); ++i) REQUIRE(ev[i].seq == ev[i - 1].seq + 1);
  CHECK(ev.back().seq + 1 == +st.event_head_seq);
  double events_ms = 0;
  int epages = 0;
  for (uint32_t from = 0;;) {
    auto r = rig.call(kCmdReadEvents, ReadEventsRequest{from, 0, 0});
    REQUIRE(r.error == kErrNone);
    ReadEventsResponseHead h{};
    std::memcpy(&h, r.payload.data(), sizeof h);
    events_ms += page_ms(r.payload.size());
    ++epages;
    if (!(h.flags & kEventsMore)) break;
    from = h.first_seq + h.count;
  }
  MESSAGE("10,000 events: " << epages << " pages, ~" << events_ms << " ms modeled");
  CHECK(events_ms <= 1000.0);
  CHECK(rig.flash.prog_violations() == 0);
}

TEST_CASE("SET_SCHEDULE changes kind and window, validated, logged, first use restarts") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleGuest, "3141") == kEnrollCommitted);
  ScheduleWeekday w{static_cast<uint8_t>(1u << 5), 0, 8 * 60, 12 * 60, 0};  // Fridays 08-12
  SetScheduleRequest rq{1, kKindWeekday, 0, {}};
  std::memcpy(rq.schedule.b, &w, 8);
  CHECK(rig.call(kCmdSetSchedule, rq).error == kErrNone);
  rig.type("3141#");  // Thursday 00:00: outside
  CHECK(rig.unlocks() == 0);
  rig.advance_s(86400 + 9 * 3600);  // Friday 09:00
  rig.type("3141#");
  CHECK(rig.unlocks() == 1);
  rig.type(kAdmin + "*0#");
  ScheduleWeekday bad{0x7F, 0, 600, 500, 0};
  std::memcpy(rq.schedule.b, &bad, 8);
  CHECK(rig.call(kCmdSetSchedule, rq).error == kErrInvalidSchedule);
  rq.kind = 9;
  CHECK(rig.call(kCmdSetSchedule, rq).error == kErrInvalidKind);
  rq.kind = kKindPersistent;
  rq.slot = 5;
  CHECK(rig.call(kCmdSetSchedule, rq).error == kErrSlotEmpty);
  rq.slot = 1;
  CHECK(rig.call(kCmdSetSchedule, rq).error == kErrNone);
  auto ev = read_all_events(rig);
  CHECK(count_type(ev, kEvScheduleChanged) == 2);
  CHECK(count_type(ev, kEvRejected, kReasonOutsideSchedule) == 1);
}

TEST_CASE("READ_EVENTS pages: max_count, max_bytes, past the head, truncation after the ring wraps") {
  Rig rig;  // event capacity 150
  rig.onboard(kAdmin);
  for (int i = 0; i < 40; ++i) rig.lock().key_override();
  auto page = [&](uint32_t from, uint16_t max_bytes, uint16_t max_count) {
    auto r = rig.call(kCmdReadEvents, ReadEventsRequest{from, max_bytes, max_count});
    REQUIRE(r.error == kErrNone);
    ReadEventsResponseHead h{};
    auto ev = decode_page(r.payload, h);
    return std::make_pair(h, ev);
  };
  auto [h1, e1] = page(1, 0, 3);
  CHECK(+h1.count == 3);
  CHECK((h1.flags & kEventsMore) != 0);
  CHECK((h1.flags & kEventsTruncated) == 0);
  CHECK(e1[0].seq == 1);
  CHECK(e1[0].type == kEvPowerOn);
  auto [h2, e2] = page(1, 16 + 10, 0);
  CHECK(+h2.count >= 1);
  CHECK(+h2.count <= 10);
  const StatusResponse st = rig.status();
  auto [h3, e3] = page(st.event_head_seq, 0, 0);
  CHECK(+h3.count == 0);
  CHECK((h3.flags & kEventsMore) == 0);
  CHECK(rig.call(kCmdReadEvents, ReadEventsRequest{0, 20, 0}).error == kErrInvalidParameter);
  CHECK(rig.call(kCmdReadEvents, ReadEventsRequest{0, 0, 0}).payload.size() <= 1024);
  for (int i = 0; i < 300; ++i) rig.lock().key_override();
  auto [h4, e4] = page(1, 0, 0);
  CHECK((h4.flags & kEventsTruncated) != 0);
  const StatusResponse st2 = rig.status();
  CHECK(+st2.event_count == 150);
  CHECK(+h4.first_seq == st2.event_head_seq - 150);
}

TEST_CASE("status with a session: lockout, wrong attempts, clock and log fields") {
  Rig rig;
  rig.onboard(kAdmin);
  rig.type("999999#");
  rig.type("999998#");
  StatusResponse st = rig.status();
  CHECK((st.flags & kStatusWithheld) == 0);
  CHECK(+st.wrong_attempts == 2);
  CHECK((st.flags & kStatusClockSet) != 0);
  CHECK(+st.clock_utc == t0());
  CHECK(+st.event_count == +st.event_head_seq - 1);
  for (int i = 0; i < 3; ++i) rig.type("999997#");
  st = rig.status();
  CHECK((st.flags & kStatusLockedOut) != 0);
  CHECK(+st.lockout_level == 1);
  CHECK(+st.lockout_remaining_s == 60);
  rig.advance_s(20);
  CHECK(+rig.status().lockout_remaining_s == 40);
  // Delete, reset and enrollment wait for a keypad the lockout has disabled.
  CHECK(rig.open_enrollment(1, kRoleUser) == kErrKeypadBusy);
  CHECK(rig.call(kCmdFactoryReset, FactoryResetRequest{0, {}}).error == kErrKeypadBusy);
}

TEST_CASE("power cut at each flash write of an enrollment commit: old code or new code, never neither") {
  bool reached_end = false;
  for (int k = 0; k < 40 && !reached_end; ++k) {
    CAPTURE(k);
    Rig rig;
    rig.onboard(kAdmin);
    REQUIRE(rig.enroll(1, kRoleUser, "1111") == kEnrollCommitted);
    REQUIRE(rig.open_enrollment(1, kRoleUser) == kErrNone);
    rig.type("2222#");
    rig.flash.cut_after(k, static_cast<uint64_t>(k) * 31 + 7);
    rig.type("2222#");
    const bool cut = rig.flash.dead();
    reached_end = !cut;
    rig.flash.power_on();
    REQUIRE(rig.vl.power_cycle());
    rig.type("1111#");
    const bool old_works = rig.unlocks() == 1;
    rig.type("2222#");
    const bool new_works = rig.unlocks() == (old_works ? 2u : 1u);
    CHECK(old_works != new_works);
    rig.type(kAdmin + "*0#");
    auto ev = read_all_events(rig);
    int committed_slot1 = 0;
    for (const auto& e : ev) committed_slot1 += e.type == kEvEnrollCommitted && e.slot == 1;
    if (old_works) {
      CHECK(count_type(ev, kEvEnrollAborted, kReasonPowerLost) == 1);
      CHECK(committed_slot1 == 1);
    } else {
      CHECK(count_type(ev, kEvEnrollAborted, kReasonPowerLost) == 0);
      CHECK(committed_slot1 == 2);
      CHECK(count_type(ev, kEvCodeChanged) == 1);
    }
    CHECK(rig.flash.prog_violations() == 0);
  }
  CHECK(reached_end);
}

TEST_CASE("slot records: created and last-used times, use count, role and kind as READ_SLOTS reports them") {
  Rig rig;
  rig.onboard(kAdmin);
  rig.advance_s(100);
  REQUIRE(rig.enroll(7, kRoleUser, "7777") == kEnrollCommitted);
  const uint32_t created = t0() + 100;
  for (int i = 0; i < 3; ++i) {
    rig.advance_s(50);
    rig.type("7777#");
  }
  rig.type(kAdmin + "*0#");
  for (uint8_t format : {kSlotFormatFixed, kSlotFormatCompact}) {
    const auto page = read_slot_page(rig, 1, format);
    REQUIRE(+page.head.count == 1);  // slot 0 (admin) is before start_index 1
    const SlotRecordFields& s = page.records[0];
    CHECK(+s.index == 7);
    CHECK(+s.created == created);
    CHECK(+s.last_used == created + 150);
    CHECK(+s.use_count == 3);
    CHECK(role_of(s.role_kind) == kRoleUser);
    CHECK(kind_of(s.role_kind) == kKindPersistent);
    CHECK(+s.flags == (kSlotOccupied | kSlotEnabled));
  }
  // Byte for byte: the fixed record is 16 bytes, the compact one 11: flags (occupied, enabled,
  // USED, GAP), role_kind, gap 6 (slots 1-6 are empty), created relative to 0 (5 bytes), last
  // used 150 s after it (2 bytes), used 3 times.
  const auto compact = read_slot_page(rig, 1, kSlotFormatCompact);
  CHECK(compact.bytes == sizeof(ReadSlotsResponseHead) + 11);
  auto r = rig.call(kCmdReadSlots, ReadSlotsRequest{1, 0, kSlotFormatCompact, 0});
  REQUIRE(r.error == kErrNone);
  uint8_t want[11] = {kSlotOccupied | kSlotEnabled | kRecUsed | kRecGap, pack_role_kind(kRoleUser, kKindPersistent), 6};
  REQUIRE(put_leb128(want + 3, zigzag_encode(static_cast<int32_t>(created))) == 5);
  want[8] = 0x96;  // 150 = 0x16 | 1 << 7
  want[9] = 0x01;
  want[10] = 3;
  CHECK(std::memcmp(r.payload.data() + sizeof(ReadSlotsResponseHead), want, sizeof want) == 0);
}

TEST_CASE("enrollment: a new code equal to the slot's current one is refused as same_code (issue 12)") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "4444") == kEnrollCommitted);
  // Rotating slot 1 by typing its current code twice changes nothing: the lock says so.
  CHECK(rig.enroll(1, kRoleUser, "4444") == kEnrollAborted);
  CHECK(+rig.session().enroll_reason == kReasonSameCode);
  rig.type("4444#");
  CHECK(rig.unlocks() == 1);  // the old code still works, nothing half-written
  // The admin re-typing the admin code into the admin slot: the same.
  CHECK(rig.enroll(0, kRoleAdmin, kAdmin) == kEnrollAborted);
  CHECK(+rig.session().enroll_reason == kReasonSameCode);
  // A different code rotates: the old one stops working.
  CHECK(rig.enroll(1, kRoleUser, "5555") == kEnrollCommitted);
  rig.type("4444#");
  CHECK(rig.unlocks() == 1);
  rig.type("5555#");
  CHECK(rig.unlocks() == 2);
  auto ev = read_all_events(rig);
  CHECK(count_type(ev, kEvCodeChanged) == 1);  // the refused rotations logged no change
}
