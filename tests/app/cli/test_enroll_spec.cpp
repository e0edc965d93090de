// The CLI's enrollment and schedule syntax: valid specs parse exactly, nonsense is refused.
#include <doctest/doctest.h>

#include "lockdiag/app/enroll_spec.h"

using namespace lockdiag;
using app::parse_enroll_spec;
using app::parse_schedule;

TEST_CASE("roles and a persistent code") {
  auto p = parse_enroll_spec("anna:user");
  REQUIRE(p.has_value());
  CHECK(p->label == "anna");
  CHECK(p->role == drivers::Role::kUser);
  CHECK(p->schedule.kind == drivers::CodeKind::kPersistent);
  CHECK(parse_enroll_spec("x:admin")->role == drivers::Role::kAdmin);
  CHECK(parse_enroll_spec("x:guest")->role == drivers::Role::kGuest);
  CHECK_FALSE(parse_enroll_spec("x:owner").has_value());
  CHECK_FALSE(parse_enroll_spec("anna").has_value());
}

TEST_CASE("week-day windows, with ':' inside the times") {
  auto p = parse_enroll_spec("cleaner:guest:days=mon,wed,fri@09:00-12:30");
  REQUIRE(p.has_value());
  CHECK(p->schedule.kind == drivers::CodeKind::kWeekday);
  CHECK(p->schedule.days_mask == ((1 << 1) | (1 << 3) | (1 << 5)));
  CHECK(p->schedule.start_minute == 9 * 60);
  CHECK(p->schedule.end_minute == 12 * 60 + 30);
  CHECK_FALSE(parse_schedule("days=mon@18:00-08:00").has_value());  // end before start
  CHECK_FALSE(parse_schedule("days=funday@08:00-09:00").has_value());
  CHECK_FALSE(parse_schedule("days=mon@25:00-26:00").has_value());
  CHECK_FALSE(parse_schedule("days=@08:00-09:00").has_value());  // no day: the lock refuses it
}

TEST_CASE("temporary and date-range codes") {
  auto until = parse_schedule("until=2026-12-24T18:00");
  REQUIRE(until.has_value());
  CHECK(until->kind == drivers::CodeKind::kTemporaryUntil);
  CHECK(until->end_time == 1798135200u);
  auto first = parse_schedule("first-use=120");
  REQUIRE(first.has_value());
  CHECK(first->first_use_minutes == 120);
  CHECK_FALSE(parse_schedule("first-use=0").has_value());
  CHECK_FALSE(parse_schedule("first-use=2881").has_value());
  auto range = parse_schedule("range=2026-12-01T00:00..2026-12-31T23:59");
  REQUIRE(range.has_value());
  CHECK(range->end_time > range->start_time);
  CHECK_FALSE(parse_schedule("range=2026-12-31T00:00..2026-12-01T00:00").has_value());
  CHECK_FALSE(parse_schedule("until=tomorrow").has_value());
  CHECK_FALSE(parse_schedule("sometimes=1").has_value());
}

TEST_CASE("rotation specs name a slot and a person") {
  auto r = app::parse_rotate_spec("3:anna");
  REQUIRE(r.has_value());
  CHECK(r->slot == 3);
  CHECK(r->label == "anna");
  CHECK_FALSE(app::parse_rotate_spec("anna").has_value());
  CHECK_FALSE(app::parse_rotate_spec("3:").has_value());
}
