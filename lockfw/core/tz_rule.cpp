#include "core/tz_rule.h"

namespace lockfw::tz {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;                                          // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;        // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                  // [0, 146096]
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t days, int64_t& y, unsigned& m, unsigned& d) {
  days += 719468;
  const int64_t era = floor_div(days, 146097);
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2);
}

unsigned weekday(int64_t days) { return static_cast<unsigned>(((days % 7) + 11) % 7); }

bool leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

namespace {

unsigned days_in_month(int64_t y, unsigned m) {
  static const uint8_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29u : kDays[m - 1];
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// A decimal number of at most three digits, no larger than max.
bool number(const char*& p, int32_t max, int32_t& out) {
  if (!is_digit(*p)) return false;
  int32_t v = 0;
  int n = 0;
  while (is_digit(*p)) {
    if (++n > 3) return false;
    v = v * 10 + (*p++ - '0');
  }
  if (v > max) return false;
  out = v;
  return true;
}

// [+-]hh[:mm[:ss]] in seconds; hours up to max_h.
bool hms(const char*& p, int32_t max_h, int32_t& out) {
  int32_t sign = 1;
  if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
  int32_t h = 0, m = 0, s = 0;
  if (!number(p, max_h, h)) return false;
  if (*p == ':') {
    ++p;
    if (!number(p, 59, m)) return false;
    if (*p == ':') {
      ++p;
      if (!number(p, 59, s)) return false;
    }
  }
  out = sign * (h * 3600 + m * 60 + s);
  return true;
}

bool name(const char*& p, char out[8]) {
  unsigned n = 0;
  if (*p == '<') {
    ++p;
    while (*p != '>') {
      const char c = *p;
      if (!(is_alpha(c) || is_digit(c) || c == '+' || c == '-') || n >= 7) return false;
      out[n++] = c;
      ++p;
    }
    ++p;
  } else {
    while (is_alpha(*p)) {
      if (n >= 7) return false;
      out[n++] = *p++;
    }
  }
  out[n] = 0;
  return n >= 3;
}

bool date(const char*& p, RuleDate& d) {
  int32_t v = 0;
  d = RuleDate{};
  if (*p == 'J') {
    ++p;
    if (!number(p, 365, v) || v < 1) return false;
    d.form = kJulian1;
    d.day = static_cast<uint16_t>(v);
  } else if (*p == 'M') {
    ++p;
    int32_t w = 0, wd = 0;
    if (!number(p, 12, v) || v < 1 || *p++ != '.' || !number(p, 5, w) || w < 1 || *p++ != '.' || !number(p, 6, wd))
      return false;
    d.form = kMonthWeekDay;
    d.month = static_cast<uint8_t>(v);
    d.week = static_cast<uint8_t>(w);
    d.wday = static_cast<uint8_t>(wd);
  } else {
    if (!number(p, 365, v)) return false;
    d.form = kJulian0;
    d.day = static_cast<uint16_t>(v);
  }
  d.time_s = 7200;  // POSIX default 02:00
  if (*p == '/') {
    ++p;
    if (!hms(p, 167, d.time_s)) return false;
  }
  return true;
}

int64_t rule_day(const RuleDate& d, int64_t y) {
  const int64_t jan1 = days_from_civil(y, 1, 1);
  switch (d.form) {
    case kJulian1: return jan1 + d.day - 1 + (leap_year(y) && d.day >= 60 ? 1 : 0);
    case kJulian0: return jan1 + d.day;
    default: {
      const int64_t first = days_from_civil(y, d.month, 1);
      int64_t day = (d.wday + 7 - weekday(first)) % 7 + (d.week - 1) * 7;
      while (day >= days_in_month(y, d.month)) day -= 7;
      return first + day;
    }
  }
}

struct Change {
  int64_t at;
  bool starts;
};

// The changes of years y-1 .. y+2, in no particular order.
void changes(const Rule& r, int64_t y, Change out[8]) {
  for (int k = 0; k < 4; ++k) {
    int64_t s = 0, e = 0;
    rule_year(r, y - 1 + k, s, e);
    out[2 * k] = {s, true};
    out[2 * k + 1] = {e, false};
  }
}

int64_t year_of(int64_t utc, int32_t off) {
  int64_t y;
  unsigned m, d;
  civil_from_days(floor_div(utc + off, 86400), y, m, d);
  return y;
}

}  // namespace

void rule_year(const Rule& r, int64_t y, int64_t& dst_starts, int64_t& dst_ends) {
  dst_starts = rule_day(r.start, y) * 86400 + r.start.time_s - r.std_s;
  dst_ends = rule_day(r.end, y) * 86400 + r.end.time_s - r.dst_s;
}

bool parse_rule(const char* text, Rule& out) {
  out = Rule{};
  const char* p = text;
  int32_t off = 0;
  if (!name(p, out.std_name) || !hms(p, 24, off)) return false;
  out.std_s = -off;
  if (*p == 0) {
    out.dst_s = out.std_s;
    return true;
  }
  if (!name(p, out.dst_name)) return false;
  out.dst_s = out.std_s + 3600;
  if (*p != ',') {
    if (!hms(p, 24, off)) return false;
    out.dst_s = -off;
  }
  // A rule with a daylight name but no dates leaves the dates to the implementation: refused.
  if (*p++ != ',' || !date(p, out.start) || *p++ != ',' || !date(p, out.end) || *p != 0) return false;
  out.has_dst = true;
  return true;
}

int32_t rule_offset(const Rule& r, int64_t utc) {
  if (!r.has_dst) return r.std_s;
  Change c[8];
  changes(r, year_of(utc, r.std_s), c);
  bool found = false, dst = false;
  int64_t best = 0;
  for (const Change& x : c) {
    if (x.at > utc) continue;
    // At equal instants a start wins: "0/0,J365/25" is daylight time all year.
    if (!found || x.at > best || (x.at == best && x.starts)) {
      found = true;
      best = x.at;
      dst = x.starts;
    }
  }
  return dst ? r.dst_s : r.std_s;
}

bool rule_next(const Rule& r, int64_t after, int64_t& at, int32_t& offset_after) {
  if (!r.has_dst || r.dst_s == r.std_s) return false;
  int64_t from = after;
  for (int guard = 0; guard < 8; ++guard) {
    Change c[8];
    changes(r, year_of(from, r.std_s), c);
    bool found = false;
    int64_t best = 0;
    for (const Change& x : c)
      if (x.at > from && (!found || x.at < best)) {
        found = true;
        best = x.at;
      }
    if (!found) return false;
    const int32_t o = rule_offset(r, best);
    if (o != rule_offset(r, best - 1)) {
      at = best;
      offset_after = o;
      return true;
    }
    from = best;
  }
  return false;
}

}  // namespace lockfw::tz
