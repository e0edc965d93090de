#include "lockdiag/reports/lock_zone.h"

#include <cstdio>
#include <cstring>

#include "core/time_zone.h"
#include "lockdiag/reports/timefmt.h"

namespace lockdiag::reports {

namespace ltz = lockfw::tz;

namespace {

bool parse(const LockTimeZone& z, ltz::Rule& out) {
  out = {};
  return z.posix_rule.size() < ltz::kRuleBytes && ltz::parse_rule(z.posix_rule.c_str(), out);
}

std::string numeric_abbreviation(std::int32_t o) {  // "+0530", "-03"
  const std::int32_t a = o < 0 ? -o : o;
  char b[16];
  if ((a / 60) % 60) std::snprintf(b, sizeof b, "%c%02d%02d", o < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
  else std::snprintf(b, sizeof b, "%c%02d", o < 0 ? '-' : '+', a / 3600);
  return b;
}

}  // namespace

nlohmann::json encode_lock_time_zone(const LockTimeZone& z) {
  return {{"name", z.name}, {"posix_rule", z.posix_rule}, {"utc_offset_s", z.utc_offset_s}};
}

std::expected<LockTimeZone, std::string> decode_lock_time_zone(const nlohmann::json& j) {
  if (!j.is_object()) return std::unexpected("must be an object");
  for (const auto& [key, value] : j.items())
    if (key != "name" && key != "posix_rule" && key != "utc_offset_s")
      return std::unexpected("unknown field \"" + key + "\"");
  LockTimeZone z;
  for (const char* k : {"name", "posix_rule"})
    if (const auto it = j.find(k); it == j.end() || !it->is_string())
      return std::unexpected(std::string(k) + " must be a string");
  const auto off = j.find("utc_offset_s");
  if (off == j.end() || !off->is_number_integer()) return std::unexpected("utc_offset_s must be an integer");
  z.name = j.at("name").get<std::string>();
  z.posix_rule = j.at("posix_rule").get<std::string>();
  z.utc_offset_s = off->get<std::int64_t>();
  return z;
}

std::string lock_time_zone_problem(const LockTimeZone& z) {
  // The firmware's own check of a zone it would hold: name characters and length, rule, offsets.
  if (z.name.empty() || z.name.size() >= ltz::kNameBytes) return "name must be an IANA zone name of 1 to 31 bytes";
  if (z.posix_rule.size() >= ltz::kRuleBytes) return "posix_rule is longer than 47 bytes";
  if (z.utc_offset_s % 60 != 0 || z.utc_offset_s < -15 * 3600 || z.utc_offset_s > 15 * 3600)
    return "utc_offset_s must be whole minutes within -15 h..+15 h";
  ltz::ZoneData d{};
  std::memcpy(d.name, z.name.data(), z.name.size());
  std::memcpy(d.rule, z.posix_rule.data(), z.posix_rule.size());
  d.initial_offset_min = static_cast<std::int16_t>(z.utc_offset_s / 60);
  switch (ltz::validate(d)) {
    case ltz::ZoneError::kNone: return "";
    case ltz::ZoneError::kName: return "name is not an IANA zone name (A-Z a-z 0-9 / _ - +)";
    case ltz::ZoneError::kRule: return "posix_rule is not a POSIX TZ rule the lock understands";
    default: return "posix_rule has an offset beyond -15 h..+15 h";
  }
}

std::optional<std::int64_t> rfc3339_seconds(std::string_view s) {
  if (!is_rfc3339_utc(s)) return std::nullopt;
  auto n = [&](std::size_t at, std::size_t len) {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  return ltz::days_from_civil(n(0, 4), static_cast<unsigned>(n(5, 2)), static_cast<unsigned>(n(8, 2))) * 86400 +
         n(11, 2) * 3600 + n(14, 2) * 60 + n(17, 2);
}

ReportClock::ReportClock(const Report& r) {
  if (!r.lock_time_zone || !lock_time_zone_problem(*r.lock_time_zone).empty()) return;
  zone_ = r.lock_time_zone;
  ltz::Rule rule;
  const auto at = rfc3339_seconds(r.finished_at);
  rule_agrees_ = parse(*zone_, rule) && at && ltz::rule_offset(rule, *at) == zone_->utc_offset_s;
}

std::string ReportClock::zone_label() const { return zone_ ? zone_->name : "UTC"; }

std::int32_t ReportClock::offset_s(std::int64_t utc) const {
  if (!zone_) return 0;
  ltz::Rule rule;
  if (rule_agrees_ && parse(*zone_, rule)) return ltz::rule_offset(rule, utc);
  return static_cast<std::int32_t>(zone_->utc_offset_s);
}

std::string ReportClock::abbreviation(std::int64_t utc) const {
  if (!zone_) return "UTC";
  const std::int32_t o = offset_s(utc);
  ltz::Rule rule;
  if (parse(*zone_, rule)) {
    if (o == rule.std_s) return rule.std_name;
    if (rule.has_dst && o == rule.dst_s) return rule.dst_name;
  }
  return numeric_abbreviation(o);
}

namespace {
// The wall clock at `utc + offset`: "2026-03-29 03:15" (date) or "03:15:07".
std::string wall(std::int64_t local, bool date) {
  const std::int64_t days = ltz::floor_div(local, 86400), sod = local - days * 86400;
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  ltz::civil_from_days(days, y, m, d);
  char b[48];
  if (date)
    std::snprintf(b, sizeof b, "%04lld-%02u-%02u %02d:%02d", static_cast<long long>(y), m, d,
                  static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60));
  else
    std::snprintf(b, sizeof b, "%02d:%02d:%02d", static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                  static_cast<int>(sod % 60));
  return b;
}
}  // namespace

std::string ReportClock::date_time(const std::string& rfc3339) const {
  const auto t = rfc3339_seconds(rfc3339);
  if (!zone_ || !t) return rfc3339;
  return wall(*t + offset_s(*t), true) + " " + abbreviation(*t);
}

std::string ReportClock::time_of_day(const std::string& rfc3339) const {
  const auto t = rfc3339_seconds(rfc3339);
  if (!t) return rfc3339.size() >= 19 ? rfc3339.substr(11, 8) : rfc3339;
  if (!zone_) return wall(*t, false);
  return wall(*t + offset_s(*t), false) + " " + abbreviation(*t);
}

}  // namespace lockdiag::reports
