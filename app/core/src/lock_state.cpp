#include "lockdiag/app/lock_state.h"

#include <cstdio>
#include <ctime>

#include "lockdiag/app/job_store.h"
#include "lockdiag/app/local_time.h"
#include "lockdiag/app/try.h"

namespace lockdiag::app {

uint32_t system_utc() { return static_cast<uint32_t>(std::time(nullptr)); }

std::optional<int64_t> clock_drift_s(const drivers::Status& status, uint32_t host_utc) {
  if (status.withheld || !status.clock_set) return std::nullopt;
  return static_cast<int64_t>(status.clock_utc) - static_cast<int64_t>(host_utc);
}

std::string format_lock_time(uint32_t t) {
  if (t == 0) return "never";
  const std::time_t tt = t;
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

namespace {
// `wall` formats a local wall time (date-range bounds, temporary-until expiry), `at` an instant.
template <typename Wall, typename At>
std::string schedule_text(const drivers::Schedule& s, Wall wall, At at) {
  switch (s.kind) {
    case drivers::CodeKind::kPersistent: return "always";
    case drivers::CodeKind::kTemporaryUntil: return "until " + wall(s.end_time);
    case drivers::CodeKind::kTemporaryFirstUse:
      return std::to_string(s.first_use_minutes) + " min after first use" +
             (s.first_used_at ? " (first used " + at(s.first_used_at) + ")" : "");
    case drivers::CodeKind::kWeekday: {
      static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
      std::string d;
      if (s.days_mask == 0x3E) d = "Mon-Fri";
      else if (s.days_mask == 0x7F) d = "every day";
      else if (s.days_mask == 0x41) d = "Sat-Sun";
      else
        for (int i = 0; i < 7; ++i)
          if (s.days_mask & (1u << i)) d += (d.empty() ? "" : ",") + std::string(days[i]);
      char window[16];
      std::snprintf(window, sizeof window, "%02d:%02d-%02d:%02d", s.start_minute / 60, s.start_minute % 60,
                    s.end_minute / 60, s.end_minute % 60);
      return d + " " + window;
    }
    case drivers::CodeKind::kDateRange: return wall(s.start_time) + " to " + wall(s.end_time);
  }
  return "?";
}

}  // namespace

std::string describe_schedule(const drivers::Schedule& s) {
  return schedule_text(s, format_lock_time, format_lock_time);
}

std::string describe_schedule(const drivers::Schedule& s, const LocalTime& lt) {
  return schedule_text(
      s, [&](uint32_t w) { return w ? lt.format_wall(w) : std::string("never"); },
      [&](uint32_t t) { return format_local(lt, t); });
}

drivers::Result<LockState> read_lock_state(drivers::Client& client, uint32_t events_from, uint32_t (*now_utc)(),
                                           const ReadProgress& progress, const drivers::CancelToken* cancel) {
  if (!now_utc) now_utc = system_utc;
  LockState s;
  auto report = [&](const char* what, size_t done, size_t total) {
    if (progress) progress(what, done, total);
  };

  LOCKDIAG_TRY(identity, client.identity());
  s.identity = std::move(*identity);
  LOCKDIAG_TRY(capabilities, client.capabilities());
  s.capabilities = *capabilities;
  // Drift: the lock's clock against the laptop's midpoint of the round trip.
  const uint32_t before = now_utc();
  LOCKDIAG_TRY(status, client.status());
  s.status = *status;
  const uint32_t after = now_utc();
  s.host_utc = before + (after - before) / 2;
  s.drift_s = clock_drift_s(s.status, s.host_utc).value_or(0);
  LOCKDIAG_TRY(session, client.session());
  s.session = *session;
  if ((s.capabilities.features & drivers::kFeatureTimeZoneBit) && s.session.state == drivers::SessionState::kOpen) {
    auto zone = client.get_time_zone();
    if (!zone) return std::unexpected(zone.error());
    s.zone = *zone;
  }
  if (s.session.state == drivers::SessionState::kFactory) {
    // Factory state: the lock has no codes and answers nothing but admin enrollment.
    s.taken_at = utc_now_rfc3339();
    s.events.from_seq = s.events.first_seq = s.events.next_seq = events_from;
    return s;
  }
  report("slots", 0, static_cast<size_t>(s.capabilities.slot_count));
  LOCKDIAG_TRY(slots, client.read_slots([&](const drivers::Progress& p) { report("slots", p.done, p.total); }, cancel));
  s.slots = std::move(*slots);
  LOCKDIAG_TRY(fingerprint, client.get_fingerprint());
  s.fingerprint = *fingerprint;
  LOCKDIAG_TRY(policy, client.get_lockout_policy());
  s.policy = *policy;
  LOCKDIAG_TRY(
      events,
      client.read_events(events_from, [&](const drivers::Progress& p) { report("events", p.done, p.total); }, cancel));
  s.events = std::move(*events);
  s.taken_at = utc_now_rfc3339();
  return s;
}

}  // namespace lockdiag::app
