// Every findings rule, on hand-made lock states: each must fire when it should and only then.
#include <doctest/doctest.h>

#include <algorithm>

#include "lockdiag/app/findings.h"
#include "lockfw/wire.h"

using namespace lockdiag;
using namespace lockfw::wire;
using app::AnalysisContext;
using app::analyze;
using app::LockState;

namespace {

constexpr uint32_t kNow = 1795000000;  // 2026-11-18

LockState healthy() {
  LockState s;
  s.host_utc = kNow;
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

drivers::Event event(uint32_t seq, uint32_t time, uint8_t type, std::optional<uint16_t> s = {}, uint8_t reason = 0) {
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

TEST_CASE("a healthy lock has no findings") {
  CHECK(analyze(healthy(), {}).empty());
}

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
  for (int i = 0; i < 5; ++i) s.events.events.push_back(event(seq++, t += 10, kEvWrongCode));
  s.events.events.push_back(event(seq++, t += 1, kEvLockoutStart));
  s.events.events.push_back(event(seq++, t += 3000, kEvWrongCode));  // alone: not a burst
  s.events.events.push_back(event(seq++, t += 10, kEvKeyOverride));
  s.events.events.push_back(event(seq++, t += 10, kEvEnrollAborted, 9, kReasonTimeout));
  auto f = analyze(s, {});
  REQUIRE(find(f, "wrong_code_bursts"));
  CHECK(find(f, "wrong_code_bursts")->detail_json == R"({"bursts":1,"lockouts":1,"wrong_codes":6})");
  CHECK(find(f, "mechanical_override"));
  CHECK(find(f, "enrollment_aborted")->detail_json == R"({"slots":[9]})");
  CHECK_FALSE(find(f, "tamper"));
  s.events.events.push_back(event(seq++, t += 10, kEvTamper));
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
    s.events.events = {event(1, kNow - 100, kEvUnlockCode, 4), event(2, kNow - 50, kEvRejected, 4, kReasonOutsideSchedule)};
    auto f = analyze(s, c);
    REQUIRE(find(f, "complaint_code_refused"));
    CHECK(find(f, "complaint_code_refused")->title.find("outside its schedule") != std::string::npos);
    CHECK_FALSE(find(f, "complaint_code_unknown"));
  }
  SUBCASE("refused because the clock is not set") {
    s.events.events = {event(2, kNow - 50, kEvRejected, 4, kReasonClockNotSet)};
    auto f = analyze(s, c);
    CHECK(find(f, "complaint_code_refused")->next_step.find("Sync the clock") != std::string::npos);
  }
  SUBCASE("unknown: wrong codes and no try of the slot since its last success") {
    s.events.events = {event(1, kNow - 100, kEvUnlockCode, 4), event(2, kNow - 50, kEvWrongCode),
                       event(3, kNow - 40, kEvWrongCode)};
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
