// The one formatter for times people read: the lock's local time with its zone abbreviation,
// across Berlin's autumn overlap and New York's spring gap, from the lock's table and from the
// laptop's tzdata; a lock with no zone; half-hour zones (+5:30, +9:30/+10:30).
#include <doctest/doctest.h>

#include "lockdiag/app/local_time.h"

using namespace lockdiag::app;
namespace drivers = lockdiag::drivers;

namespace {

constexpr int64_t kBerlinOverlapFirst = 1792888200;   // 2026-10-25 00:30 UTC = 02:30 CEST
constexpr int64_t kBerlinOverlapSecond = 1792891800;  // 2026-10-25 01:30 UTC = 02:30 CET
constexpr int64_t kNyBeforeGap = 1772953140;          // 2026-03-08 06:59 UTC = 01:59 EST
constexpr int64_t kNyAfterGap = 1772953200;           // 2026-03-08 07:00 UTC = 03:00 EDT
constexpr int64_t kNyGapWall = 1772937000;            // wall 2026-03-08 02:30 (does not exist)
constexpr int64_t kJuly = 1782907200;                 // 2026-07-01 12:00 UTC
constexpr int64_t kJanuary = 1768478400;              // 2026-01-15 12:00 UTC
constexpr int64_t kDecember = 1796130180;             // 2026-12-01 13:03 UTC
constexpr int64_t kJune2026 = 1780272000;             // 2026-06-01 00:00 UTC

LocalTime lock_zone(const std::string& name, int64_t from) {
  auto t = load_zone_table(name, from);
  REQUIRE(t);
  drivers::LockTimeZone z;  // what GET_TIME_ZONE answers after clock sync set this table
  z.has_zone = true;
  z.name = t->name;
  z.rule = t->rule;
  z.initial_offset_min = t->initial_offset_s / 60;
  for (const auto& c : t->changes) z.changes.push_back({static_cast<uint32_t>(c.utc), c.offset_s / 60});
  return LocalTime::of_lock(z);
}

LocalTime tzdata(const std::string& name) {
  auto z = LocalTime::of_zone(name);
  REQUIRE(z);
  return *z;
}

}  // namespace

TEST_CASE("Berlin's repeated autumn hour reads CEST, then CET") {
  for (const LocalTime& lt : {lock_zone("Europe/Berlin", kJune2026), tzdata("Europe/Berlin")}) {
    CAPTURE(lt.describe());
    CHECK(lt.format(kBerlinOverlapFirst) == "2026-10-25 02:30 CEST");
    CHECK(lt.format(kBerlinOverlapSecond) == "2026-10-25 02:30 CET");
    CHECK(lt.format(kBerlinOverlapFirst - 1800 - 1, true) == "2026-10-25 01:59:59 CEST");
    CHECK(lt.format(kDecember) == "2026-12-01 14:03 CET");
    CHECK(lt.describe() == "Europe/Berlin");
    // The repeated 02:30 as a schedule bound takes effect at its first occurrence.
    CHECK(lt.first_at_or_after(kBerlinOverlapFirst + 7200) == kBerlinOverlapFirst);
  }
}

TEST_CASE("New York's spring gap: 01:59 EST then 03:00 EDT; a bound in the gap reads as the change") {
  for (const LocalTime& lt : {lock_zone("America/New_York", kJanuary), tzdata("America/New_York")}) {
    CAPTURE(lt.describe());
    CHECK(lt.format(kNyBeforeGap) == "2026-03-08 01:59 EST");
    CHECK(lt.format(kNyAfterGap) == "2026-03-08 03:00 EDT");
    CHECK(lt.first_at_or_after(kNyGapWall) == kNyAfterGap);
    CHECK(lt.format_wall(kNyGapWall) == "2026-03-08 03:00 EDT");
    CHECK(lt.format_wall(kNyGapWall - 3600) == "2026-03-08 01:30 EST");
    CHECK(lt.offset_s(kNyAfterGap) == -4 * 3600);
  }
}

TEST_CASE("a lock with no zone shows UTC, or its fixed offset spelled out") {
  drivers::LockTimeZone none;
  const LocalTime utc = LocalTime::of_lock(none);
  CHECK_FALSE(utc.has_zone());
  CHECK(utc.format(kDecember) == "2026-12-01 13:03 UTC");
  CHECK(utc.describe() == "UTC");
  none.fixed_offset_min = 60;
  const LocalTime plus1 = LocalTime::of_lock(none);
  CHECK(plus1.format(kDecember) == "2026-12-01 14:03 UTC+01:00");
  // No daylight saving with a fixed offset: July is still +01:00.
  CHECK(plus1.format(kJuly) == "2026-07-01 13:00 UTC+01:00");
  CHECK(plus1.describe() == "fixed offset +01:00");
  CHECK(LocalTime::fixed(-330).format(kDecember) == "2026-12-01 07:33 UTC-05:30");
  CHECK(format_local(LocalTime(), 0) == "never");
}

TEST_CASE("half-hour zones: Kolkata +5:30, Adelaide +9:30 in winter and +10:30 in summer") {
  for (const LocalTime& lt : {lock_zone("Asia/Kolkata", kJanuary), tzdata("Asia/Kolkata")}) {
    CHECK(lt.format(kDecember) == "2026-12-01 18:33 IST");
    CHECK(lt.format(kJuly) == "2026-07-01 17:30 IST");
  }
  for (const LocalTime& lt : {lock_zone("Australia/Adelaide", kJanuary), tzdata("Australia/Adelaide")}) {
    CHECK(lt.format(kJuly) == "2026-07-01 21:30 ACST");
    CHECK(lt.format(kJanuary) == "2026-01-15 22:30 ACDT");
  }
  CHECK(LocalTime::fixed(330).format(kDecember) == "2026-12-01 18:33 UTC+05:30");
  CHECK(LocalTime::fixed(570).format(kJuly) == "2026-07-01 21:30 UTC+09:30");
}

TEST_CASE("a lock synced in November shows its summer events in summer time (the rule before the table)") {
  const LocalTime lt = lock_zone("Europe/Berlin", 1793491200);  // 2026-11-01
  CHECK(lt.format(kJuly) == "2026-07-01 14:00 CEST");
  CHECK(lt.format(kDecember) == "2026-12-01 14:03 CET");
  // Casablanca's rule does not describe its changes: before its table the lock's offset stands.
  const LocalTime casa = lock_zone("Africa/Casablanca", kJune2026);
  CHECK(casa.offset_s(kJune2026 - 86400 * 30) == casa.offset_s(kJune2026));
}

TEST_CASE("an unknown zone name is an error, not UTC") {
  CHECK_FALSE(LocalTime::of_zone("Europe/Berln"));
  CHECK_FALSE(LocalTime::of_zone("../../etc/passwd"));
}

TEST_CASE("a stored RFC 3339 UTC time reads in the job's zone; anything else passes through unchanged") {
  const LocalTime berlin = tzdata("Europe/Berlin");
  CHECK(format_rfc3339_local(berlin, "2026-12-01T13:03:00Z") == "2026-12-01 14:03 CET");
  CHECK(format_rfc3339_local(berlin, "2026-10-25T00:30:00Z") == "2026-10-25 02:30 CEST");
  CHECK(format_rfc3339_local(LocalTime(), "2026-12-01T13:03:00Z") == "2026-12-01 13:03 UTC");
  CHECK(format_rfc3339_local(berlin, "2026-12-01 13:03") == "2026-12-01 13:03");
  CHECK(format_rfc3339_local(berlin, "2026-13-01T13:03:00Z") == "2026-13-01T13:03:00Z");
  CHECK(format_rfc3339_local(berlin, "") == "");
}
