#include "core/time_zone.h"

namespace lockfw::tz {

namespace {
constexpr int16_t kMinOffsetMin = -15 * 60;
constexpr int16_t kMaxOffsetMin = 15 * 60;

bool in_range(int32_t m) { return m >= kMinOffsetMin && m <= kMaxOffsetMin; }

// NUL-terminated within n bytes, non-empty, and only the characters of IANA names.
bool name_ok(const char* s, unsigned n) {
  for (unsigned i = 0; i < n; ++i) {
    const char c = s[i];
    if (c == 0) return i > 0;
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                    c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return false;
}

bool terminated(const char* s, unsigned n) {
  for (unsigned i = 0; i < n; ++i)
    if (s[i] == 0) return true;
  return false;
}
}  // namespace

ZoneError validate(const ZoneData& z) {
  if (!name_ok(z.name, kNameBytes)) return ZoneError::kName;
  Rule r;
  if (!terminated(z.rule, kRuleBytes) || !parse_rule(z.rule, r)) return ZoneError::kRule;
  if (!in_range(r.std_s / 60) || !in_range(r.dst_s / 60) || !in_range(z.initial_offset_min)) return ZoneError::kOffset;
  if (z.count > kMaxTransitions) return ZoneError::kTable;
  for (uint8_t i = 0; i < z.count; ++i) {
    if (!in_range(z.table[i].offset_min)) return ZoneError::kOffset;
    if (i > 0 && z.table[i].utc <= z.table[i - 1].utc) return ZoneError::kTable;
  }
  return ZoneError::kNone;
}

void TimeZone::set_fixed(int16_t offset_min) {
  zone_ = false;
  data_ = ZoneData{};
  rule_ = Rule{};
  fixed_s_ = static_cast<int32_t>(offset_min) * 60;
}

ZoneError TimeZone::set(const ZoneData& z) {
  const ZoneError e = validate(z);
  if (e != ZoneError::kNone) return e;
  data_ = z;
  parse_rule(data_.rule, rule_);
  zone_ = true;
  return ZoneError::kNone;
}

int32_t TimeZone::offset_s(int64_t utc) const {
  if (!zone_) return fixed_s_;
  const uint8_t n = data_.count;
  if (n == 0) return rule_offset(rule_, utc);
  if (utc < data_.table[0].utc) return data_.initial_offset_min * 60;
  uint8_t i = 0;
  while (i + 1 < n && data_.table[i + 1].utc <= utc) ++i;
  const int32_t table_s = data_.table[i].offset_min * 60;
  if (i + 1 < n) return table_s;
  // Past the table: its last offset holds until the rule's next change, then the rule.
  int64_t at = 0;
  int32_t after = 0;
  if (rule_next(rule_, data_.table[i].utc, at, after) && at <= utc) return rule_offset(rule_, utc);
  return table_s;
}

bool TimeZone::next_change(int64_t after, int64_t& at, int32_t& offset_after) const {
  if (!zone_) return false;
  for (uint8_t i = 0; i < data_.count; ++i)
    if (data_.table[i].utc > after) {
      at = data_.table[i].utc;
      offset_after = data_.table[i].offset_min * 60;
      return true;
    }
  int64_t from = after;
  for (int guard = 0; guard < 4; ++guard) {
    int32_t o = 0;
    if (!rule_next(rule_, from, at, o)) return false;
    offset_after = offset_s(at);
    if (offset_after != offset_s(at - 1)) return true;
    from = at;
  }
  return false;
}

int64_t TimeZone::first_at_or_after(int64_t wall) const {
  if (!zone_) return wall - fixed_s_;
  // Two days before, the wall clock is certainly earlier (offsets stay within 15 h); walk
  // forward through the spans of constant offset, in each of which wall time rises with UTC.
  int64_t span = wall - 2 * 86400;
  for (int guard = 0; guard < 16; ++guard) {
    const int32_t o = offset_s(span);
    const int64_t want = wall - o;
    const int64_t cand = want > span ? want : span;
    int64_t at = 0;
    int32_t next = 0;
    if (!next_change(span, at, next) || cand < at) return cand;
    span = at;
  }
  return wall - offset_s(wall);
}

void TimeZone::abbreviation(int64_t utc, char out[8]) const {
  const int32_t o = offset_s(utc);
  const char* name = nullptr;
  if (zone_ && o == rule_.std_s) name = rule_.std_name;
  else if (zone_ && rule_.has_dst && o == rule_.dst_s) name = rule_.dst_name;
  if (name) {
    unsigned i = 0;
    for (; i < 7 && name[i]; ++i) out[i] = name[i];
    out[i] = 0;
    return;
  }
  const int32_t a = o < 0 ? -o : o;
  const int32_t h = a / 3600, m = (a / 60) % 60;
  unsigned i = 0;
  out[i++] = o < 0 ? '-' : '+';
  out[i++] = static_cast<char>('0' + h / 10);
  out[i++] = static_cast<char>('0' + h % 10);
  if (m) {
    out[i++] = static_cast<char>('0' + m / 10);
    out[i++] = static_cast<char>('0' + m % 10);
  }
  out[i] = 0;
}

bool first_occurrence(const TimeZone& z, int64_t utc) { return z.first_at_or_after(utc + z.offset_s(utc)) == utc; }

bool in_weekly_window(const TimeZone& z, int64_t utc, uint8_t days_mask, uint16_t start_min, uint16_t end_min) {
  const int64_t wall = utc + z.offset_s(utc);
  const int64_t day = floor_div(wall, 86400);
  const int64_t minute = (wall - day * 86400) / 60;
  if (!(days_mask & (1u << weekday(day))) || minute < start_min || minute >= end_min) return false;
  // The second pass through an autumn overlap repeats wall times already honoured.
  return first_occurrence(z, utc);
}

}  // namespace lockfw::tz
