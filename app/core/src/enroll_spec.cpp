#include "lockdiag/app/enroll_spec.h"

#include <ctime>
#include <iomanip>
#include <sstream>
#include <vector>

namespace lockdiag::app {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}

std::expected<uint16_t, std::string> parse_hhmm(const std::string& t) {
  int h = -1, m = -1;
  char colon = 0;
  std::istringstream in(t);
  if (!(in >> h >> colon >> m) || colon != ':' || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) ||
      !in.eof())
    return std::unexpected("'" + t + "' is not a time of day like 08:30");
  return static_cast<uint16_t>(h * 60 + m);
}

}  // namespace

std::expected<uint32_t, std::string> parse_local_time(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M");
  if (in.fail()) return std::unexpected("'" + text + "' is not a time like 2026-12-24T18:00");
  if (in.peek() == ':') {
    int sec = 0;
    in.get();
    in >> sec;
    tm.tm_sec = sec;
  }
  const time_t t = timegm(&tm);
  if (t < 1577836800 || t > 4102444800) return std::unexpected("'" + text + "' is out of range (2020 to 2100)");
  return static_cast<uint32_t>(t);
}

std::expected<drivers::Schedule, std::string> parse_schedule(const std::string& spec) {
  drivers::Schedule s;
  const auto eq = spec.find('=');
  if (spec.empty() || spec == "persistent") return s;
  if (eq == std::string::npos)
    return std::unexpected("schedule '" + spec + "' needs KIND=VALUE (until=, first-use=, days=, range=)");
  const std::string kind = spec.substr(0, eq), value = spec.substr(eq + 1);
  if (kind == "until") {
    auto t = parse_local_time(value);
    if (!t) return std::unexpected(t.error());
    s.kind = drivers::CodeKind::kTemporaryUntil;
    s.end_time = *t;
  } else if (kind == "first-use") {
    int minutes = 0;
    std::istringstream in(value);
    if (!(in >> minutes) || !in.eof() || minutes < 1 || minutes > 2880)
      return std::unexpected("first-use takes 1 to 2880 minutes, not '" + value + "'");
    s.kind = drivers::CodeKind::kTemporaryFirstUse;
    s.first_use_minutes = static_cast<uint16_t>(minutes);
  } else if (kind == "days") {
    const auto at = value.find('@');
    if (at == std::string::npos) return std::unexpected("days needs a window: days=mon,tue@08:00-18:00");
    static const char* names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    for (const auto& d : split(value.substr(0, at), ',')) {
      int bit = -1;
      for (int i = 0; i < 7; ++i)
        if (d == names[i]) bit = i;
      if (bit < 0) return std::unexpected("'" + d + "' is not a day (sun, mon, tue, wed, thu, fri, sat)");
      s.days_mask = static_cast<uint8_t>(s.days_mask | (1u << bit));
    }
    if (s.days_mask == 0) return std::unexpected("days needs at least one day: days=mon,tue@08:00-18:00");
    const auto window = split(value.substr(at + 1), '-');
    if (window.size() != 2) return std::unexpected("the window needs START-END, like 08:00-18:00");
    auto start = parse_hhmm(window[0]), end = parse_hhmm(window[1]);
    if (!start) return std::unexpected(start.error());
    if (!end) return std::unexpected(end.error());
    if (*end <= *start) return std::unexpected("the window ends before it starts (" + value.substr(at + 1) + ")");
    s.kind = drivers::CodeKind::kWeekday;
    s.start_minute = *start;
    s.end_minute = *end;
  } else if (kind == "range") {
    const auto dots = value.find("..");
    if (dots == std::string::npos) return std::unexpected("range needs START..END");
    auto start = parse_local_time(value.substr(0, dots)), end = parse_local_time(value.substr(dots + 2));
    if (!start) return std::unexpected(start.error());
    if (!end) return std::unexpected(end.error());
    if (*end <= *start) return std::unexpected("the date range ends before it starts");
    s.kind = drivers::CodeKind::kDateRange;
    s.start_time = *start;
    s.end_time = *end;
  } else {
    return std::unexpected("unknown schedule kind '" + kind + "' (until, first-use, days, range)");
  }
  return s;
}

std::expected<EnrollPlan, std::string> parse_enroll_spec(const std::string& spec) {
  const auto parts = split(spec, ':');
  if (parts.size() < 2 || parts[0].empty())
    return std::unexpected("'" + spec +
                           "': expected LABEL:ROLE[:SCHEDULE], e.g. anna:user or cleaner:guest:days=mon@09:00-12:00");
  EnrollPlan p;
  p.label = parts[0];
  const std::string& role = parts[1];
  if (role == "admin") p.role = drivers::Role::kAdmin;
  else if (role == "user") p.role = drivers::Role::kUser;
  else if (role == "guest") p.role = drivers::Role::kGuest;
  else if (role == "service") p.role = drivers::Role::kService;
  else return std::unexpected("'" + role + "' is not a role (admin, user, guest, service)");
  // The schedule itself may contain ':' (times); rejoin what follows the role.
  std::string sched;
  for (size_t i = 2; i < parts.size(); ++i) sched += (i > 2 ? ":" : "") + parts[i];
  auto s = parse_schedule(sched);
  if (!s) return std::unexpected(s.error());
  p.schedule = *s;
  return p;
}

std::expected<EnrollPlan, std::string> parse_rotate_spec(const std::string& spec) {
  const auto colon = spec.find(':');
  int slot = -1;
  try {
    slot = std::stoi(spec.substr(0, colon));
  } catch (...) {
  }
  if (colon == std::string::npos || slot < 0 || colon + 1 >= spec.size())
    return std::unexpected("'" + spec + "': expected SLOT:LABEL, e.g. 3:anna");
  EnrollPlan p;
  p.slot = slot;
  p.label = spec.substr(colon + 1);
  return p;
}

}  // namespace lockdiag::app
