// The lock's time zone through its service port and keypad: SET/GET_TIME_ZONE, refusals,
// schedules across Berlin's spring and autumn changes, persistence across power cycles and
// checkpoints, and the fixed offset of a lock without a zone.
#include <cstring>
#include <string>

#include "support.h"

using namespace lockfw;
using namespace lockfw::test;

namespace {
const std::string kAdmin = "19283746";

int64_t utc(int64_t y, unsigned m, unsigned d, int h = 0, int min = 0) {
  return tz::days_from_civil(y, m, d) * 86400 + h * 3600 + min * 60;
}
int64_t wall(int64_t y, unsigned m, unsigned d, int h = 0, int min = 0) { return utc(y, m, d, h, min); }

TimeZoneBlock berlin(uint8_t changes = 2) {
  TimeZoneBlock z{};
  std::strcpy(z.name, "Europe/Berlin");
  std::strcpy(z.rule, "CET-1CEST,M3.5.0,M10.5.0/3");
  z.initial_offset_min = 60;
  const int64_t t[] = {utc(2026, 3, 29, 1), utc(2026, 10, 25, 1), utc(2027, 3, 28, 1), utc(2027, 10, 31, 1)};
  for (uint8_t i = 0; i < changes && i < 4; ++i)
    z.table[z.count++] = {static_cast<uint32_t>(t[i]), static_cast<int16_t>(i % 2 ? 60 : 120), 0};
  return z;
}

TimeZoneStatus get_zone(Rig& rig) {
  auto r = rig.call(kCmdGetTimeZone);
  REQUIRE(r.error == kErrNone);
  REQUIRE(r.payload.size() == sizeof(TimeZoneStatus));
  TimeZoneStatus s{};
  std::memcpy(&s, r.payload.data(), sizeof s);
  return s;
}

void reopen_session(Rig& rig) {
  if (rig.lock().session_state() != kSessionOpen) rig.type(kAdmin + "*0#");
  REQUIRE(rig.lock().session_state() == kSessionOpen);
}
}  // namespace

TEST_CASE("time zone: advertised, session-only, validated, answered with the zone before") {
  Rig rig;
  auto caps = rig.call(kCmdGetCapabilities);
  CapabilitiesResponse c{};
  std::memcpy(&c, caps.payload.data(), sizeof c);
  CHECK((c.features & kFeatureTimeZone) != 0);
  CHECK(rig.call(kCmdGetTimeZone).error == kErrFactoryAdminOnly);
  rig.onboard(kAdmin);
  REQUIRE(rig.set_clock(static_cast<uint32_t>(utc(2026, 1, 10)), 90) == kErrNone);
  TimeZoneStatus before = get_zone(rig);
  CHECK(+before.flags == 0);
  CHECK(+before.fixed_offset_min == 90);
  CHECK(+before.current_offset_s == 5400);

  // Refusals leave the lock as it was.
  TimeZoneBlock bad = berlin();
  std::strcpy(bad.rule, "CET-1CEST");  // daylight name without dates
  CHECK(rig.call(kCmdSetTimeZone, bad).error == kErrInvalidTime);
  bad = berlin();
  bad.table[1].utc = bad.table[0].utc;
  CHECK(rig.call(kCmdSetTimeZone, bad).error == kErrInvalidTime);
  bad = berlin();
  bad.count = 17;
  CHECK(rig.call(kCmdSetTimeZone, bad).error == kErrInvalidTime);
  bad = berlin();
  std::memset(bad.name, 'x', sizeof bad.name);
  CHECK(rig.call(kCmdSetTimeZone, bad).error == kErrInvalidTime);
  const TimeZoneBlock good = berlin();
  CHECK(rig.call(kCmdSetTimeZone, &good, sizeof good - 1).error == kErrInvalidLength);
  CHECK(+get_zone(rig).flags == 0);

  auto r = rig.call(kCmdSetTimeZone, good);
  REQUIRE(r.error == kErrNone);
  TimeZoneStatus prev{};
  std::memcpy(&prev, r.payload.data(), sizeof prev);
  CHECK(+prev.flags == 0);  // the answer is the state before
  const TimeZoneStatus now = get_zone(rig);
  CHECK(+now.flags == kTzHasZone);
  CHECK(std::string(now.zone.name) == "Europe/Berlin");
  CHECK(std::string(now.zone.rule) == "CET-1CEST,M3.5.0,M10.5.0/3");
  CHECK(+now.zone.count == 2);
  CHECK(+now.current_offset_s == 3600);  // the zone governs, not the fixed +01:30
  CHECK(+now.fixed_offset_min == 90);
}

TEST_CASE("time zone: schedules follow Berlin's wall clock through both changes") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.set_clock(static_cast<uint32_t>(utc(2026, 3, 28, 12))) == kErrNone);
  REQUIRE(rig.call(kCmdSetTimeZone, berlin()).error == kErrNone);
  // Sundays 02:30-04:00: on the spring day it opens at the change (03:00 CEST = 01:00 UTC).
  ScheduleWeekday spring{kDaySunday, 0, 150, 240, 0};
  REQUIRE(rig.enroll(1, kRoleUser, "551155", kKindWeekday, &spring) == kEnrollCommitted);
  // Until 2026-03-29 03:30 local: with the zone that is 01:30 UTC (fixed +01 would say 02:30).
  ScheduleUntil until{static_cast<uint32_t>(wall(2026, 3, 29, 3, 30)), 0};
  REQUIRE(rig.enroll(2, kRoleGuest, "662266", kKindTemporaryUntil, &until) == kEnrollCommitted);
  rig.advance_s(static_cast<uint64_t>(utc(2026, 3, 29, 0, 59) - utc(2026, 3, 28, 12)) - 60);
  const uint64_t u0 = rig.unlocks();
  rig.type("551155#");
  CHECK(rig.unlocks() == u0);  // 01:58 CET: not yet
  rig.advance_s(120);          // 03:00 CEST
  rig.type("551155#");
  CHECK(rig.unlocks() == u0 + 1);
  rig.type("662266#");
  CHECK(rig.unlocks() == u0 + 2);
  rig.advance_s(45 * 60);  // 03:45 CEST: the temporary code expired at 03:30 local
  rig.type("662266#");
  CHECK(rig.unlocks() == u0 + 2);

  // Autumn: Sundays 02:00-03:00 is honoured in the first pass only.
  reopen_session(rig);
  REQUIRE(rig.set_clock(static_cast<uint32_t>(utc(2026, 10, 24, 12))) == kErrNone);
  ScheduleWeekday autumn{kDaySunday, 0, 120, 180, 0};
  SetScheduleRequest rq{1, kKindWeekday, 0, {}};
  std::memcpy(rq.schedule.b, &autumn, 8);
  REQUIRE(rig.call(kCmdSetSchedule, rq).error == kErrNone);
  rig.advance_s(static_cast<uint64_t>(utc(2026, 10, 25, 0, 30) - utc(2026, 10, 24, 12)));
  const uint64_t u1 = rig.unlocks();
  rig.type("551155#");  // 02:30 CEST
  CHECK(rig.unlocks() == u1 + 1);
  rig.advance_s(3600);  // 02:30 CET, the same wall time again
  rig.type("551155#");
  CHECK(rig.unlocks() == u1 + 1);
  rig.advance_s(3600);  // 03:30 CET
  rig.type("551155#");
  CHECK(rig.unlocks() == u1 + 1);
}

TEST_CASE("time zone: kept across power cycles and checkpoints; cleared back to the fixed offset") {
  Rig rig;
  rig.onboard(kAdmin);
  REQUIRE(rig.set_clock(static_cast<uint32_t>(utc(2026, 6, 1)), 30) == kErrNone);
  REQUIRE(rig.call(kCmdSetTimeZone, berlin(4)).error == kErrNone);
  // Enough settings records to wrap the state ring several times: checkpoints must carry the zone.
  for (int i = 0; i < 300; ++i) REQUIRE(rig.set_clock(static_cast<uint32_t>(utc(2026, 6, 1) + i), 30) == kErrNone);
  REQUIRE(rig.lock().state().checkpoints() > 3);
  REQUIRE(rig.vl.power_cycle());
  reopen_session(rig);
  CHECK(+get_zone(rig).current_offset_s == 0);  // power lost: the clock is not set
  REQUIRE(rig.set_clock(static_cast<uint32_t>(utc(2026, 6, 1)), 30) == kErrNone);
  TimeZoneStatus s = get_zone(rig);
  CHECK(+s.flags == kTzHasZone);
  CHECK(+s.zone.count == 4);
  CHECK(std::string(s.zone.name) == "Europe/Berlin");
  CHECK(+s.current_offset_s == 7200);
  CHECK(rig.lock().time_zone().offset_s(utc(2026, 12, 1)) == 3600);

  TimeZoneBlock clear{};
  auto r = rig.call(kCmdSetTimeZone, clear);
  REQUIRE(r.error == kErrNone);
  TimeZoneStatus prev{};
  std::memcpy(&prev, r.payload.data(), sizeof prev);
  CHECK(+prev.flags == kTzHasZone);
  CHECK(std::string(prev.zone.name) == "Europe/Berlin");
  CHECK(+get_zone(rig).flags == 0);
  CHECK(+get_zone(rig).current_offset_s == 1800);
  for (int i = 0; i < 300; ++i) REQUIRE(rig.set_clock(static_cast<uint32_t>(utc(2026, 6, 1) + i), 30) == kErrNone);
  REQUIRE(rig.vl.power_cycle());
  reopen_session(rig);
  CHECK(+get_zone(rig).flags == 0);
  CHECK(rig.lock().time_zone().offset_s(utc(2026, 12, 1)) == 1800);
}
