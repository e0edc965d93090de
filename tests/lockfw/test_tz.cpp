// The firmware's time-zone arithmetic on its own, with expectations worked out by hand from
// the published rules: civil dates, POSIX TZ rules in every form, the table with the rule as
// fallback, and the wall-time rules for schedules (spring gap, autumn overlap).
#include <doctest/doctest.h>

#include <cstring>
#include <initializer_list>
#include <string>

#include "core/time_zone.h"

using namespace lockfw::tz;

namespace {

int64_t utc(int64_t y, unsigned m, unsigned d, int h = 0, int min = 0) {
  return days_from_civil(y, m, d) * 86400 + h * 3600 + min * 60;
}

Rule rule(const char* text) {
  Rule r{};
  REQUIRE_MESSAGE(parse_rule(text, r), text);
  return r;
}

ZoneData zone(const char* name, const char* text, int16_t initial, std::initializer_list<Transition> t = {}) {
  ZoneData z{};
  std::strncpy(z.name, name, sizeof z.name - 1);
  std::strncpy(z.rule, text, sizeof z.rule - 1);
  z.initial_offset_min = initial;
  for (const Transition& x : t) z.table[z.count++] = x;
  return z;
}

TimeZone make(const ZoneData& z) {
  TimeZone tz;
  REQUIRE(tz.set(z) == ZoneError::kNone);
  return tz;
}

void check_changes(const char* text, int64_t year, int64_t starts, int64_t ends) {
  int64_t s = 0, e = 0;
  rule_year(rule(text), year, s, e);
  CHECK_MESSAGE(s == starts, text);
  CHECK_MESSAGE(e == ends, text);
}

}  // namespace

TEST_CASE("civil dates round-trip and agree with known instants") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2026, 1, 1) * 86400 == 1767225600);  // a Thursday
  CHECK(weekday(days_from_civil(2026, 1, 1)) == 4);
  CHECK(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28) == 2);  // 2000 was leap
  CHECK(days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28) == 1);  // 2100 is not
  CHECK(weekday(days_from_civil(1969, 12, 31)) == 3);
  for (int64_t d = -800000; d < 800000; d += 97) {
    int64_t y;
    unsigned m, dd;
    civil_from_days(d, y, m, dd);
    REQUIRE(days_from_civil(y, m, dd) == d);
  }
}

TEST_CASE("POSIX rules of the issue's zones change at the published instants") {
  check_changes("CET-1CEST,M3.5.0,M10.5.0/3", 2026, utc(2026, 3, 29, 1), utc(2026, 10, 25, 1));
  check_changes("EST5EDT,M3.2.0,M11.1.0", 2026, utc(2026, 3, 8, 7), utc(2026, 11, 1, 6));
  // Southern hemisphere: daylight time ends in April and starts in October.
  check_changes("AEST-10AEDT,M10.1.0,M4.1.0/3", 2026, utc(2026, 10, 3, 16), utc(2026, 4, 4, 16));
  check_changes("ACST-9:30ACDT,M10.1.0,M4.1.0/3", 2026, utc(2026, 10, 3, 16, 30), utc(2026, 4, 4, 16, 30));
  // America/Nuuk: -1:00 and 0:00 rule times, the day before in local standard time.
  check_changes("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", 2026, utc(2026, 3, 29, 1), utc(2026, 10, 25, 1));
  // A fifth week that does not exist means the last: March 2026 has four Sundays after the 1st.
  check_changes("CET-1CEST,M3.5.0,M10.5.0/3", 2027, utc(2027, 3, 28, 1), utc(2027, 10, 31, 1));
  // Jn never counts Feb 29; n does.
  check_changes("AAA3BBB,J60/2,J300/2", 2028, utc(2028, 3, 1, 5), utc(2028, 10, 27, 4));
  check_changes("AAA3BBB,59/2,299/2", 2028, utc(2028, 2, 29, 5), utc(2028, 10, 26, 4));
  check_changes("AAA3BBB,59/2,299/2", 2026, utc(2026, 3, 1, 5), utc(2026, 10, 27, 4));
  // Explicit daylight offset and a time with minutes and seconds.
  check_changes("XXX-3YYY-4:30,M4.1.0/1:15:30,M9.2.6/23", 2026, utc(2026, 4, 5, 1, 15) + 30 - 3 * 3600,
                utc(2026, 9, 12, 23) - 4 * 3600 - 1800);
}

TEST_CASE("rule offsets across a year, north, south, half-hour and negative") {
  const Rule berlin = rule("CET-1CEST,M3.5.0,M10.5.0/3");
  CHECK(rule_offset(berlin, utc(2026, 3, 29, 1) - 1) == 3600);
  CHECK(rule_offset(berlin, utc(2026, 3, 29, 1)) == 7200);
  CHECK(rule_offset(berlin, utc(2026, 10, 25, 1) - 1) == 7200);
  CHECK(rule_offset(berlin, utc(2026, 10, 25, 1)) == 3600);
  const Rule sydney = rule("AEST-10AEDT,M10.1.0,M4.1.0/3");
  CHECK(rule_offset(sydney, utc(2026, 1, 1)) == 11 * 3600);
  CHECK(rule_offset(sydney, utc(2026, 7, 1)) == 10 * 3600);
  CHECK(rule_offset(sydney, utc(2026, 12, 31, 23)) == 11 * 3600);
  const Rule nuuk = rule("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  CHECK(std::strcmp(nuuk.std_name, "-02") == 0);
  CHECK(rule_offset(nuuk, utc(2026, 1, 1)) == -7200);
  CHECK(rule_offset(nuuk, utc(2026, 7, 1)) == -3600);
  CHECK(rule_offset(rule("IST-5:30"), utc(2026, 7, 1)) == 19800);
  CHECK(rule_offset(rule("UTC0"), utc(2026, 7, 1)) == 0);
  // Daylight time all year ("0/0,J365/25"): never standard.
  const Rule always = rule("EST5EDT,0/0,J365/25");
  for (int64_t t = utc(2026, 1, 1); t < utc(2027, 1, 1); t += 3600 * 7) REQUIRE(rule_offset(always, t) == -4 * 3600);
  int64_t at = 0;
  int32_t o = 0;
  CHECK_FALSE(rule_next(always, utc(2026, 1, 1), at, o));
  REQUIRE(rule_next(berlin, utc(2026, 3, 29, 1), at, o));  // strictly after
  CHECK(at == utc(2026, 10, 25, 1));
  CHECK(o == 3600);
}

TEST_CASE("malformed rules are refused, not guessed") {
  Rule r;
  for (const char* bad :
       {"", "CET", "CE-1", "CET-1CEST", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.6.0,M10.5.0",
        "CET-1CEST,M3.5.7,M10.5.0", "CET-25", "CET-1:60", "CET-1CEST,M3.5.0,M10.5.0/168", "CET-1CEST,M3.5.0,M10.5.0/3x",
        "<+0530-5:30", "<+05>-5 ", "CET-1CEST,J0,J100", "CET-1CEST,366,1", "ABCDEFGH1", "CET-1000",
        "CET-1CEST,M3.5.0,M10.5.0/1234"})
    CHECK_MESSAGE(!parse_rule(bad, r), bad);
}

TEST_CASE("the table rules before the rule, and the rule takes over past its end") {
  // Berlin with only 2026's two changes in the table.
  const TimeZone tz = make(zone("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3", 60,
                                {{static_cast<uint32_t>(utc(2026, 3, 29, 1)), 120, 0},
                                 {static_cast<uint32_t>(utc(2026, 10, 25, 1)), 60, 0}}));
  CHECK(tz.offset_s(utc(2026, 1, 10)) == 3600);
  CHECK(tz.offset_s(utc(2026, 6, 10)) == 7200);
  CHECK(tz.table_end() == utc(2026, 10, 25, 1));
  CHECK(tz.offset_s(utc(2027, 3, 28, 1) - 1) == 3600);
  CHECK(tz.offset_s(utc(2027, 3, 28, 1)) == 7200);  // the rule, past the table
  CHECK(tz.offset_s(utc(2031, 7, 1)) == 7200);
  int64_t at = 0;
  int32_t o = 0;
  REQUIRE(tz.next_change(utc(2026, 11, 1), at, o));
  CHECK(at == utc(2027, 3, 28, 1));
  CHECK(o == 7200);

  // A table the rule does not describe (Casablanca): +01 with a month at +00; the table's
  // changes hold, and with a rule that never changes its last offset holds after it.
  const uint32_t a = static_cast<uint32_t>(utc(2026, 2, 15, 2)), b = static_cast<uint32_t>(utc(2026, 3, 22, 2));
  const TimeZone casa = make(zone("Africa/Casablanca", "<+01>-1", 60, {{a, 0, 0}, {b, 60, 0}}));
  CHECK(casa.offset_s(a - 1) == 3600);
  CHECK(casa.offset_s(a) == 0);
  CHECK(casa.offset_s(b) == 3600);
  const TimeZone ends_low = make(zone("Africa/Casablanca", "<+01>-1", 60, {{a, 0, 0}}));
  CHECK(ends_low.offset_s(utc(2027, 1, 1)) == 0);
  CHECK_FALSE(ends_low.next_change(a, at, o));
}

TEST_CASE("zones are validated before they replace the current one") {
  TimeZone tz;
  tz.set_fixed(90);
  CHECK(tz.offset_s(0) == 5400);
  ZoneData z = zone("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3", 60, {{100, 120, 0}, {200, 60, 0}});
  ZoneData bad = z;
  bad.table[1].utc = 100;
  CHECK(tz.set(bad) == ZoneError::kTable);
  bad = z;
  bad.count = 17;
  CHECK(tz.set(bad) == ZoneError::kTable);
  bad = z;
  bad.table[0].offset_min = 901;
  CHECK(tz.set(bad) == ZoneError::kOffset);
  bad = z;
  bad.initial_offset_min = -901;
  CHECK(tz.set(bad) == ZoneError::kOffset);
  bad = z;
  std::memset(bad.name, 'A', sizeof bad.name);  // not terminated
  CHECK(tz.set(bad) == ZoneError::kName);
  bad = z;
  std::strcpy(bad.name, "Europe/Ber lin");
  CHECK(tz.set(bad) == ZoneError::kName);
  bad = z;
  std::memset(bad.rule, 'A', sizeof bad.rule);
  CHECK(tz.set(bad) == ZoneError::kRule);
  bad = z;
  std::strcpy(bad.rule, "CET-1CEST");
  CHECK(tz.set(bad) == ZoneError::kRule);
  CHECK_FALSE(tz.has_zone());
  CHECK(tz.offset_s(0) == 5400);  // refused zones leave the fixed offset alone
  CHECK(tz.set(z) == ZoneError::kNone);
  CHECK(tz.has_zone());
}

TEST_CASE("spring gap: a window starting in the missing hour opens at the change") {
  const TimeZone tz = make(zone("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3", 60));
  const int64_t change = utc(2026, 3, 29, 1);  // 02:00 CET becomes 03:00 CEST
  const int64_t day = days_from_civil(2026, 3, 29) * 86400;
  CHECK(tz.first_at_or_after(day + 2 * 3600 + 1800) == change);
  CHECK(tz.first_at_or_after(day + 3600) == change - 3600);
  CHECK(tz.first_at_or_after(day + 4 * 3600) == change + 3600);
  CHECK_FALSE(in_weekly_window(tz, change - 1, 0x7F, 150, 240));
  CHECK(in_weekly_window(tz, change, 0x7F, 150, 240));
  CHECK(in_weekly_window(tz, change + 3599, 0x7F, 150, 240));
  CHECK_FALSE(in_weekly_window(tz, change + 3600, 0x7F, 150, 240));
  // A window wholly inside the gap has no instant that day.
  for (int64_t t = day - 7200; t < day + 86400; t += 60) REQUIRE_FALSE(in_weekly_window(tz, t, 0x7F, 135, 165));
  // The next day it is back.
  CHECK(in_weekly_window(tz, day + 86400 + 2 * 3600 + 20 * 60 - 7200, 0x7F, 135, 165));
}

TEST_CASE("autumn overlap: a repeated wall time is honoured once, at its first occurrence") {
  const TimeZone tz = make(zone("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3", 60));
  const int64_t change = utc(2026, 10, 25, 1);  // 03:00 CEST becomes 02:00 CET
  const int64_t day = days_from_civil(2026, 10, 25) * 86400;
  CHECK(tz.first_at_or_after(day + 2 * 3600 + 1800) == change - 1800);
  // [02:00, 03:00): the first pass (00:00-01:00 UTC) only.
  CHECK_FALSE(in_weekly_window(tz, change - 3601, 0x7F, 120, 180));
  CHECK(in_weekly_window(tz, change - 3600, 0x7F, 120, 180));
  CHECK(in_weekly_window(tz, change - 1, 0x7F, 120, 180));
  CHECK_FALSE(in_weekly_window(tz, change, 0x7F, 120, 180));
  CHECK_FALSE(in_weekly_window(tz, change + 3599, 0x7F, 120, 180));
  CHECK(first_occurrence(tz, change - 1));
  CHECK_FALSE(first_occurrence(tz, change + 1800));
  CHECK(first_occurrence(tz, change + 3600));
  // [01:00, 02:30): 01:00-02:30 CEST, then closed, and not reopened by 02:00-02:30 CET.
  CHECK(in_weekly_window(tz, change - 7200, 0x7F, 60, 150));
  CHECK_FALSE(in_weekly_window(tz, change - 1800, 0x7F, 60, 150));
  CHECK_FALSE(in_weekly_window(tz, change + 600, 0x7F, 60, 150));
  // Days follow the local date: Sunday only (bit 0).
  CHECK(in_weekly_window(tz, change + 3 * 3600, 0x01, 0, 1440));
  CHECK_FALSE(in_weekly_window(tz, change + 23 * 3600, 0x01, 0, 1440));  // Monday 01:00 CET
}

TEST_CASE("a fixed offset behaves as before: no gap, no overlap") {
  TimeZone tz;
  tz.set_fixed(60);
  const int64_t t = utc(2026, 10, 25, 1);
  CHECK(tz.first_at_or_after(t + 3600) == t);
  CHECK(in_weekly_window(tz, t, 0x7F, 120, 180));
  CHECK(in_weekly_window(tz, t + 3599, 0x7F, 120, 180));
  CHECK_FALSE(tz.has_zone());
  char abbr[8];
  tz.abbreviation(t, abbr);
  CHECK(std::string(abbr) == "+01");
  tz.set_fixed(-330);
  tz.abbreviation(t, abbr);
  CHECK(std::string(abbr) == "-0530");
}

TEST_CASE("abbreviations come from the rule, numeric where it has none") {
  const TimeZone berlin = make(zone("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3", 60));
  char a[8];
  berlin.abbreviation(utc(2026, 1, 1), a);
  CHECK(std::string(a) == "CET");
  berlin.abbreviation(utc(2026, 7, 1), a);
  CHECK(std::string(a) == "CEST");
  const TimeZone nuuk = make(zone("America/Nuuk", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -120));
  nuuk.abbreviation(utc(2026, 7, 1), a);
  CHECK(std::string(a) == "-01");
  const TimeZone casa = make(zone("Africa/Casablanca", "<+01>-1", 60, {{1000, 0, 0}}));
  casa.abbreviation(2000, a);
  CHECK(std::string(a) == "+00");
}
