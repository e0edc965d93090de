// Civil-date arithmetic and POSIX TZ rules, freestanding (no libc time functions, no heap).
// A rule is the footer string of a TZif file, e.g. "CET-1CEST,M3.5.0,M10.5.0/3" or
// America/Nuuk's "<-02>2<-01>,M3.5.0/-1,M10.5.0/0". See docs/firmware.md, "Time zone".
#pragma once

#include <stdint.h>

namespace lockfw::tz {

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
// The date of a day count since 1970-01-01.
void civil_from_days(int64_t days, int64_t& y, unsigned& m, unsigned& d);
// 0 Sunday ... 6 Saturday.
unsigned weekday(int64_t days);
bool leap_year(int64_t y);
// Floor division, for instants before 1970 as well.
inline int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct RuleDate {
  uint8_t form;        // kJulian1 (Jn, 1-365, Feb 29 never counted), kJulian0 (n, 0-365), kMonthWeekDay
  uint8_t month, week, wday;
  uint16_t day;
  int32_t time_s;      // local time of day of the change, -167h..+167h
};
constexpr uint8_t kJulian1 = 1, kJulian0 = 2, kMonthWeekDay = 3;

struct Rule {
  int32_t std_s;       // standard offset east of UTC, seconds (POSIX writes it west: "CET-1" is +3600)
  int32_t dst_s;       // daylight offset east of UTC
  bool has_dst;
  RuleDate start, end; // start of daylight time (in standard time), end (in daylight time)
  char std_name[8], dst_name[8];
};

// Parses a POSIX TZ string (no leading ':'); false on anything it does not fully understand.
bool parse_rule(const char* text, Rule& out);
// Offset east of UTC, seconds, at a UTC instant.
int32_t rule_offset(const Rule& r, int64_t utc);
// The first change of offset strictly after `after`; false if the rule never changes.
bool rule_next(const Rule& r, int64_t after, int64_t& at, int32_t& offset_after);
// The UTC instants of the rule's changes in year y.
void rule_year(const Rule& r, int64_t y, int64_t& dst_starts, int64_t& dst_ends);

}  // namespace lockfw::tz
