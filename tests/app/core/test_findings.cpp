// Every findings rule, on hand-made lock states: each must fire when it should and only then.
#include <doctest/doctest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "lockdiag/app/findings.h"

using namespace lockdiag;
using app::AnalysisContext;
using app::analyze;
using app::LockState;

namespace {

constexpr uint32_t kNow = 1795000000;  // 2026-11-18

LockState healthy() {
  LockState s;
  s.host_utc = kNow;
  s.status.withheld = false;  // read in a service session, as every diagnose is
  s.status.session = drivers::SessionState::kOpen;
  s.status.clock_set = true;
  s.status.clock_utc = kNow;
  s.status.battery_mv = 5800;
  s.capabilities.event_capacity = 10000;
  drivers::SlotRecord admin;
  admin.index = 0;
  admin.role = drivers::Role::kAdmin;
  admin.enabled = true;
  admin.last_used = kNow - 3600;
  s.slots.push_back(admin);
  s.fingerprint.digest.fill(0xAB);
  s.fingerprint.secret_epoch = 3;
  return s;
}

drivers::SlotRecord slot(int index, drivers::Role role, drivers::CodeKind kind, uint32_t last_used = kNow - 60) {
  drivers::SlotRecord r;
  r.index = index;
  r.role = role;
  r.kind = kind;
  r.schedule.kind = kind;
  r.enabled = true;
  r.last_used = last_used;
  r.created = kNow - 400 * 86400;
  return r;
}

drivers::Event event(uint32_t seq, uint32_t time, drivers::EventType type, std::optional<uint16_t> s = {},
                     drivers::Reason reason = drivers::Reason::kNone) {
  drivers::Event e;
  e.seq = seq;
  e.time = time;
  e.type = type;
  e.slot = s;
  e.reason = reason;
  return e;
}

const app::FindingRecord* find(const std::vector<app::FindingRecord>& f, const std::string& code) {
  auto it = std::find_if(f.begin(), f.end(), [&](const auto& x) { return x.code == code; });
  return it == f.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("a healthy lock has no findings") { CHECK(analyze(healthy(), {}).empty()); }

TEST_CASE("clock: not set is critical, drift over 2 minutes is a warning, 1 minute is fine") {
  auto s = healthy();
  s.status.clock_set = false;
  auto f = analyze(s, {});
  REQUIRE(find(f, "clock_not_set"));
  CHECK(find(f, "clock_not_set")->severity == "critical");

  s = healthy();
  s.drift_s = 300;
  REQUIRE(find(analyze(s, {}), "clock_drift"));
  CHECK(find(analyze(s, {}), "clock_drift")->title.find("5 min fast") != std::string::npos);
  s.drift_s = -60;
  CHECK_FALSE(find(analyze(s, {}), "clock_drift"));
}

TEST_CASE("battery: low is a warning, critical is critical") {
  auto s = healthy();
  s.status.battery_state = drivers::BatteryState::kLow;
  CHECK(find(analyze(s, {}), "battery_low")->severity == "warning");
  s.status.battery_state = drivers::BatteryState::kCritical;
  CHECK(find(analyze(s, {}), "battery_critical")->severity == "critical");
  CHECK_FALSE(find(analyze(s, {}), "battery_low"));
}

TEST_CASE("slots: expired temporary codes, stale codes, no admin, codes retained across reset") {
  auto s = healthy();
  auto expired = slot(5, drivers::Role::kGuest, drivers::CodeKind::kTemporaryUntil);
  expired.expired = true;
  s.slots.push_back(expired);
  auto ended = slot(8, drivers::Role::kGuest, drivers::CodeKind::kDateRange);
  ended.expired = true;
  s.slots.push_back(ended);
  s.slots.push_back(slot(6, drivers::Role::kUser, drivers::CodeKind::kPersistent, kNow - 100 * 86400));
  s.slots.push_back(slot(7, drivers::Role::kUser, drivers::CodeKind::kPersistent, kNow - 10 * 86400));
  auto f = analyze(s, {});
  REQUIRE(find(f, "expired_codes_present"));
  CHECK(find(f, "expired_codes_present")->detail_json == R"({"slots":[5,8]})");
  REQUIRE(find(f, "stale_codes"));
  CHECK(find(f, "stale_codes")->detail_json == R"({"slots":[6]})");
  CHECK_FALSE(find(f, "no_admin"));

  s.slots.erase(s.slots.begin());  // the admin
  CHECK(find(analyze(s, {}), "no_admin")->severity == "critical");
  s.status.factory_state = true;  // a lock in factory state is expected to have none
  CHECK_FALSE(find(analyze(s, {}), "no_admin"));

  auto t = healthy();
  t.slots[0].retained_across_reset = true;
  CHECK(find(analyze(t, {}), "codes_retained_after_reset")->severity == "critical");
}

TEST_CASE("events: wrong-code bursts and lockouts, mechanical key, tamper, aborted enrollment") {
  auto s = healthy();
  uint32_t t = kNow - 5000, seq = 100;
  for (int i = 0; i < 5; ++i) s.events.events.push_back(event(seq++, t += 10, drivers::EventType::kWrongCode));
  s.events.events.push_back(event(seq++, t += 1, drivers::EventType::kLockoutStart));
  s.events.events.push_back(event(seq++, t += 3000, drivers::EventType::kWrongCode));  // alone: not a burst
  s.events.events.push_back(event(seq++, t += 10, drivers::EventType::kKeyOverride));
  s.events.events.push_back(event(seq++, t += 10, drivers::EventType::kEnrollAborted, 9, drivers::Reason::kTimeout));
  auto f = analyze(s, {});
  REQUIRE(find(f, "wrong_code_bursts"));
  CHECK(find(f, "wrong_code_bursts")->detail_json == R"({"bursts":1,"lockouts":1,"wrong_codes":6})");
  CHECK(find(f, "mechanical_override"));
  CHECK(find(f, "enrollment_aborted")->detail_json == R"({"slots":[9]})");
  CHECK_FALSE(find(f, "tamper"));
  s.events.events.push_back(event(seq++, t += 10, drivers::EventType::kTamper));
  CHECK(find(analyze(s, {}), "tamper")->severity == "critical");
}

TEST_CASE("fingerprint: unchanged, changed, or reset since the last visit") {
  auto s = healthy();
  AnalysisContext c;
  CHECK_FALSE(find(analyze(s, c), "code_set_unchanged"));  // no previous visit: nothing to compare
  c.previous_fingerprint = s.fingerprint.hex();
  c.previous_secret_epoch = 3;
  CHECK(find(analyze(s, c), "code_set_unchanged"));
  s.fingerprint.digest[0] = 0;
  CHECK(find(analyze(s, c), "code_set_changed"));
  s.fingerprint.secret_epoch = 4;
  CHECK(find(analyze(s, c), "reset_since_last_visit"));
  CHECK_FALSE(find(analyze(s, c), "code_set_changed"));
}

TEST_CASE("complaint slot: code known but refused, told apart from code unknown") {
  auto s = healthy();
  s.slots.push_back(slot(4, drivers::Role::kUser, drivers::CodeKind::kWeekday));
  AnalysisContext c;
  c.complaint_slot = 4;

  SUBCASE("refused outside its schedule") {
    s.events.events = {event(1, kNow - 100, drivers::EventType::kUnlockCode, 4),
                       event(2, kNow - 50, drivers::EventType::kRejected, 4, drivers::Reason::kOutsideSchedule)};
    auto f = analyze(s, c);
    REQUIRE(find(f, "complaint_code_refused"));
    CHECK(find(f, "complaint_code_refused")->title.find("outside its schedule") != std::string::npos);
    CHECK_FALSE(find(f, "complaint_code_unknown"));
  }
  SUBCASE("refused because the clock is not set") {
    s.events.events = {event(2, kNow - 50, drivers::EventType::kRejected, 4, drivers::Reason::kClockNotSet)};
    auto f = analyze(s, c);
    CHECK(find(f, "complaint_code_refused")->next_step.find("Sync the clock") != std::string::npos);
  }
  SUBCASE("unknown: wrong codes and no try of the slot since its last success") {
    s.events.events = {event(1, kNow - 100, drivers::EventType::kUnlockCode, 4),
                       event(2, kNow - 50, drivers::EventType::kWrongCode),
                       event(3, kNow - 40, drivers::EventType::kWrongCode)};
    auto f = analyze(s, c);
    REQUIRE(find(f, "complaint_code_unknown"));
    CHECK_FALSE(find(f, "complaint_code_refused"));
  }
  SUBCASE("the slot is empty") {
    c.complaint_slot = 42;
    CHECK(find(analyze(s, c), "complaint_slot_empty"));
  }
}

TEST_CASE("findings come most severe first") {
  auto s = healthy();
  s.status.clock_set = false;
  s.status.battery_state = drivers::BatteryState::kLow;
  s.slots.push_back(slot(6, drivers::Role::kUser, drivers::CodeKind::kPersistent, kNow - 100 * 86400));
  const auto f = analyze(s, {});
  REQUIRE(f.size() == 3);
  CHECK(f[0].severity == "critical");
  CHECK(f[1].severity == "warning");
  CHECK(f[2].severity == "info");
}

TEST_CASE("time zone: a fixed offset on a lock that could follow a zone, and a table about to end") {
  app::AnalysisContext c;
  LockState s = healthy();
  CHECK(find(app::analyze(s, c), "no_time_zone") == nullptr);  // no zone support: nothing to fix here
  s.zone = drivers::LockTimeZone{};
  s.zone->fixed_offset_min = 60;
  c.next_offset_change_utc = 1806195600;  // 2027-03-28 01:00 UTC
  auto f = app::analyze(s, c);
  const auto* nz = find(f, "no_time_zone");
  REQUIRE(nz != nullptr);
  CHECK(nz->severity == "warning");
  CHECK(nz->title.find("+01:00") != std::string::npos);
  CHECK(nz->title.find("schedules will be an hour off from 2027-03-28") != std::string::npos);
  s.status.clock_set = false;  // the clock finding covers it
  CHECK(find(app::analyze(s, c), "no_time_zone") == nullptr);
  s.status.clock_set = true;

  s.zone->has_zone = true;
  s.zone->name = "Africa/Casablanca";
  s.zone->rule = "<+01>-1";
  CHECK(find(app::analyze(s, c), "zone_table_ending") == nullptr);  // no changes: the rule alone
  s.zone->changes = {{kNow + 10 * 86400, 0}, {kNow + 89 * 86400, 60}};
  f = app::analyze(s, c);
  const auto* end = find(f, "zone_table_ending");
  REQUIRE(end != nullptr);
  CHECK(end->title.find("Africa/Casablanca") != std::string::npos);
  CHECK(find(app::analyze(s, c), "no_time_zone") == nullptr);
  s.zone->changes.back().utc = kNow + 91 * 86400;
  CHECK(find(app::analyze(s, c), "zone_table_ending") == nullptr);
}

TEST_CASE("time zone: a lock that follows another zone than the site's") {
  app::AnalysisContext c;
  LockState s = healthy();
  s.zone = drivers::LockTimeZone{};
  s.zone->has_zone = true;
  s.zone->name = "Europe/London";
  s.zone->rule = "GMT0BST,M3.5.0/1,M10.5.0";
  CHECK(find(app::analyze(s, c), "zone_differs_from_site") == nullptr);  // no site zone recorded (an old job)
  c.site_zone = "Europe/London";
  CHECK(find(app::analyze(s, c), "zone_differs_from_site") == nullptr);  // same zone: nothing to say
  c.site_zone = "Europe/Berlin";
  const auto f = app::analyze(s, c);
  const auto* d = find(f, "zone_differs_from_site");
  REQUIRE(d != nullptr);
  CHECK(d->severity == "warning");
  CHECK(d->title.find("Europe/London") != std::string::npos);
  CHECK(d->title.find("Europe/Berlin") != std::string::npos);
  CHECK(d->next_step.find("clock-sync --zone Europe/Berlin") != std::string::npos);
  const auto detail = nlohmann::json::parse(d->detail_json);
  CHECK(detail.at("lock_zone") == "Europe/London");
  CHECK(detail.at("site_zone") == "Europe/Berlin");
  // A lock with only a fixed offset gets no_time_zone, not a comparison of names it has not got.
  s.zone->has_zone = false;
  CHECK(find(app::analyze(s, c), "zone_differs_from_site") == nullptr);
  CHECK(find(app::analyze(s, c), "no_time_zone") != nullptr);
}

TEST_CASE("clock drift: one computation, withheld or unset clocks have none") {
  drivers::Status st;
  st.withheld = false;
  st.clock_set = true;
  st.clock_utc = kNow + 600;
  CHECK(app::clock_drift_s(st, kNow) == 600);
  CHECK(app::clock_drift_s(st, kNow + 700) == -100);
  st.withheld = true;
  CHECK_FALSE(app::clock_drift_s(st, kNow));
  st.withheld = false;
  st.clock_set = false;
  CHECK_FALSE(app::clock_drift_s(st, kNow));
}

TEST_CASE("analyze_status (the GUI's dashboard) gives what analyze gives the CLI for the same status") {
  LockState s = healthy();
  s.status.battery_state = drivers::BatteryState::kLow;
  s.status.battery_mv = 4700;
  s.status.clock_utc = kNow + 600;  // 10 min fast
  s.drift_s = 600;
  s.status.locked_out = true;
  s.status.lockout_remaining_s = 30;
  s.status.factory_state = false;
  const auto full = analyze(s, {});
  const auto status_only = app::analyze_status(s.status, s.host_utc);
  REQUIRE(status_only.size() == 3);
  CHECK(status_only.size() == full.size());  // a healthy slot table and no log add nothing here
  for (size_t i = 0; i < full.size(); ++i) {
    CAPTURE(full[i].code);
    CHECK(status_only[i].code == full[i].code);
    CHECK(status_only[i].title == full[i].title);
    CHECK(status_only[i].next_step == full[i].next_step);
  }
  CHECK(status_only[0].code == "clock_drift");
  CHECK(status_only[0].title == "The lock's clock is 10 min fast");
  // Within the core's threshold: no drift finding in either (the GUI used to keep its own 120).
  s.status.clock_utc = kNow + app::kMaxClockDriftS;
  const auto within = app::analyze_status(s.status, kNow);
  CHECK(std::none_of(within.begin(), within.end(), [](const auto& f) { return f.code == "clock_drift"; }));
}

TEST_CASE("a status read alone: no slot rule, a withheld status asks for a session, the tamper flag counts") {
  drivers::Status st;
  st.withheld = false;
  st.session = drivers::SessionState::kOpen;
  st.clock_set = true;
  st.clock_utc = kNow;
  CHECK(app::analyze_status(st, kNow).empty());  // no slots read is not "no admin code"
  st.tamper = true;
  auto f = app::analyze_status(st, kNow);
  REQUIRE(f.size() == 1);
  CHECK(f[0].code == "tamper_flag");
  st.tamper = false;
  st.withheld = true;
  st.session = drivers::SessionState::kNone;
  st.clock_set = false;  // hidden, not lost
  f = app::analyze_status(st, kNow);
  REQUIRE(f.size() == 1);
  CHECK(f[0].code == "session_needed");
  CHECK(f[0].next_step.find("* 0 #") != std::string::npos);
  // Withheld in a session (the lock's storage failed): not a session to ask for; the clock rule.
  st.session = drivers::SessionState::kOpen;
  f = app::analyze_status(st, kNow);
  REQUIRE(f.size() == 1);
  CHECK(f[0].code == "clock_not_set");
  // A tamper event in the log is the finding; the flag adds no second one.
  LockState s = healthy();
  s.status.tamper = true;
  s.events.events.push_back(event(1, kNow - 60, drivers::EventType::kTamper));
  const auto all = analyze(s, {});
  CHECK(std::count_if(all.begin(), all.end(), [](const auto& x) { return x.code.starts_with("tamper"); }) == 1);
}
