// One formatter for every time a person reads. The lock's zone is evaluated with the
// firmware's own code (lockfw_tz), so the laptop shows what the lock believes.
#include "lockdiag/app/local_time.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/time_zone.h"

namespace lockdiag::app {

namespace ltz = lockfw::tz;

struct LocalTime::Impl {
  enum Kind { kFixed, kLock, kTzif } kind = kFixed;
  int32_t fixed_s = 0;
  std::string name;
  ltz::TimeZone lock;       // kLock
  bool rule_before_table = false;
  Tzif tzif;                // kTzif
  ltz::Rule footer{};
  bool has_footer = false;
};

namespace {

std::string numeric_abbreviation(int32_t o) {
  const int32_t a = o < 0 ? -o : o;
  char b[16];
  if ((a / 60) % 60) std::snprintf(b, sizeof b, "%c%02d%02d", o < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
  else std::snprintf(b, sizeof b, "%c%02d", o < 0 ? '-' : '+', a / 3600);
  return b;
}

std::string rule_abbreviation(const ltz::Rule& r, int32_t o) {
  if (o == r.std_s) return r.std_name;
  if (r.has_dst && o == r.dst_s) return r.dst_name;
  return numeric_abbreviation(o);
}

}  // namespace

LocalTime::LocalTime() : impl_(std::make_shared<Impl>()) {}
LocalTime::LocalTime(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

LocalTime LocalTime::fixed(int offset_min) {
  auto i = std::make_shared<Impl>();
  i->fixed_s = offset_min * 60;
  return LocalTime(i);
}

LocalTime LocalTime::of_lock(const drivers::LockTimeZone& z) {
  if (!z.has_zone) return fixed(z.fixed_offset_min);
  ltz::ZoneData d{};
  std::strncpy(d.name, z.name.c_str(), sizeof d.name - 1);
  std::strncpy(d.rule, z.rule.c_str(), sizeof d.rule - 1);
  d.initial_offset_min = static_cast<int16_t>(z.initial_offset_min);
  for (const auto& c : z.changes) {
    if (d.count >= ltz::kMaxTransitions) break;
    d.table[d.count++] = {c.utc, static_cast<int16_t>(c.offset_min), 0};
  }
  auto i = std::make_shared<Impl>();
  if (i->lock.set(d) != ltz::ZoneError::kNone) return fixed(z.fixed_offset_min);  // a zone the lock could not hold
  i->kind = Impl::kLock;
  i->name = z.name;
  // Before the table's first change the lock only knows its initial offset; for past events
  // the rule is the better guess where it agrees with that offset (not for Casablanca).
  if (d.count > 0)
    i->rule_before_table = ltz::rule_offset(i->lock.rule(), static_cast<int64_t>(d.table[0].utc) - 1) ==
                           d.initial_offset_min * 60;
  return LocalTime(i);
}

std::expected<LocalTime, std::string> LocalTime::of_zone(const std::string& iana, const std::filesystem::path& root) {
  auto tz = load_zone(iana, root);
  if (!tz) return std::unexpected(tz.error());
  auto i = std::make_shared<Impl>();
  i->kind = Impl::kTzif;
  i->name = iana;
  i->tzif = std::move(*tz);
  if (i->tzif.types.empty()) return std::unexpected("time zone " + iana + " has no local time types");
  i->has_footer = !i->tzif.footer.empty() && ltz::parse_rule(i->tzif.footer.c_str(), i->footer);
  return LocalTime(i);
}

bool LocalTime::has_zone() const { return impl_->kind != Impl::kFixed; }
const std::string& LocalTime::zone_name() const { return impl_->name; }

namespace {

// The TZif type in effect at utc, or nullptr past the last transition when the rule applies.
const TzifType* tzif_type(const LocalTime::Impl& i, int64_t utc) {
  const auto& t = i.tzif.times;
  if (!t.empty() && utc >= t.back() && i.has_footer) return nullptr;
  const auto it = std::upper_bound(t.begin(), t.end(), utc);
  if (it == t.begin()) return &i.tzif.types[0];
  const uint8_t ty = i.tzif.type_of[static_cast<std::size_t>(it - t.begin() - 1)];
  return ty < i.tzif.types.size() ? &i.tzif.types[ty] : &i.tzif.types[0];
}

bool lock_uses_rule(const LocalTime::Impl& i, int64_t utc) {
  return i.rule_before_table && utc < static_cast<int64_t>(i.lock.data().table[0].utc);
}

}  // namespace

int32_t LocalTime::offset_s(int64_t utc) const {
  const Impl& i = *impl_;
  switch (i.kind) {
    case Impl::kFixed: return i.fixed_s;
    case Impl::kLock: return lock_uses_rule(i, utc) ? ltz::rule_offset(i.lock.rule(), utc) : i.lock.offset_s(utc);
    case Impl::kTzif: {
      const TzifType* t = tzif_type(i, utc);
      return t ? t->offset_s : ltz::rule_offset(i.footer, utc);
    }
  }
  return 0;
}

std::string LocalTime::abbreviation(int64_t utc) const {
  const Impl& i = *impl_;
  switch (i.kind) {
    case Impl::kFixed: return i.fixed_s == 0 ? "UTC" : "UTC" + format_offset(i.fixed_s);
    case Impl::kLock: return rule_abbreviation(i.lock.rule(), offset_s(utc));
    case Impl::kTzif: {
      const TzifType* t = tzif_type(i, utc);
      if (!t) return rule_abbreviation(i.footer, offset_s(utc));
      return t->abbreviation.empty() ? numeric_abbreviation(t->offset_s) : t->abbreviation;
    }
  }
  return "UTC";
}

std::string LocalTime::format(int64_t utc, bool seconds) const {
  const int64_t wall = utc + offset_s(utc);
  const int64_t days = ltz::floor_div(wall, 86400), sod = wall - days * 86400;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  ltz::civil_from_days(days, y, m, d);
  char b[48];
  if (seconds)
    std::snprintf(b, sizeof b, "%04lld-%02u-%02u %02d:%02d:%02d", static_cast<long long>(y), m, d,
                  static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  else
    std::snprintf(b, sizeof b, "%04lld-%02u-%02u %02d:%02d", static_cast<long long>(y), m, d,
                  static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60));
  return std::string(b) + " " + abbreviation(utc);
}

int64_t LocalTime::first_at_or_after(int64_t wall) const {
  const Impl& i = *impl_;
  if (i.kind == Impl::kLock && !lock_uses_rule(i, wall - 86400)) return i.lock.first_at_or_after(wall);
  // Generic: the earliest instant whose wall time is `wall`; in a gap, the change itself.
  const int32_t a = offset_s(wall - 2 * 86400), b = offset_s(wall + 2 * 86400);
  int64_t best = INT64_MAX;
  for (const int32_t o : {a, b, offset_s(wall)})
    if (const int64_t u = wall - o; u + offset_s(u) == wall) best = std::min(best, u);
  if (best != INT64_MAX) return best;
  int64_t lo = wall - std::max(a, b), hi = wall - std::min(a, b);  // first u with u + offset(u) >= wall
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (mid + offset_s(mid) >= wall) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

std::string LocalTime::format_wall(int64_t wall) const { return format(first_at_or_after(wall)); }

std::string LocalTime::describe() const {
  const Impl& i = *impl_;
  if (i.kind != Impl::kFixed) return i.name;
  return i.fixed_s == 0 ? "UTC" : "fixed offset " + format_offset(i.fixed_s);
}

std::string format_rfc3339_local(const LocalTime& lt, const std::string& t) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  char z = 0;
  if (t.size() != 20 || std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 ||
      z != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
    return t;
  const int64_t utc = ltz::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
                      mi * 60 + se;
  return lt.format(utc);
}

std::string format_local(const LocalTime& lt, uint32_t utc) { return utc == 0 ? "never" : lt.format(utc); }

}  // namespace lockdiag::app
