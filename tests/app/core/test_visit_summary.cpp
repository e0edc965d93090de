// As found, as left, still to do. What a job fixed is not "to do"; history stays.
#include <doctest/doctest.h>

#include "lockdiag/app/visit_summary.h"

using namespace lockdiag::app;
using nlohmann::json;

namespace {

json snapshot(int codes, int expired, bool clock_set, int drift_s) {
  json slots = json::array();
  for (int i = 0; i < codes; ++i)
    slots.push_back({{"index", i + 1},
                     {"role", i == 0 ? "admin" : "user"},
                     {"kind", i < expired + 1 && i > 0 ? "temporary_until" : "persistent"},
                     {"enabled", true},
                     {"expired", i > 0 && i <= expired}});
  return {{"taken_at", "2026-11-21T08:30:00Z"},
          {"slot_capacity", 20},
          {"slots", slots},
          {"fingerprint", "ab"},
          {"clock", {{"set", clock_set}, {"drift_s", drift_s}}},
          {"battery", {{"millivolts", 5900}, {"state", "ok"}}},
          {"lockout", {{"active", false}, {"wrong_attempts", 0}, {"remaining_s", 0}}},
          {"events", {{"read", 0}, {"first_seq", 0}, {"last_seq", 0}, {"by_type", json::object()}}}};
}

FindingRecord f(const std::string& code, const std::string& severity = "warning") {
  return {code, severity, code + " title", code + " next", "{}"};
}

bool has(const std::vector<FindingRecord>& list, const std::string& code) {
  for (const auto& x : list)
    if (x.code == code) return true;
  return false;
}

}  // namespace

TEST_CASE("a clock sync: the drift is fixed and said, the history advice stays, info history does not") {
  const auto v = summarize_visit(snapshot(3, 0, true, -400), snapshot(3, 0, true, 0),
                                 {f("clock_drift"), f("wrong_code_bursts"), f("code_set_unchanged", "info")},
                                 std::vector<FindingRecord>{});
  REQUIRE(v.still_to_do);
  CHECK_FALSE(has(*v.still_to_do, "clock_drift"));
  CHECK(has(*v.still_to_do, "wrong_code_bursts"));
  CHECK_FALSE(has(*v.still_to_do, "code_set_unchanged"));
  REQUIRE(v.changed.size() == 1);
  CHECK(v.changed[0].what == "Clock");
  CHECK(v.changed[0].before == "400 s slow");
}

TEST_CASE("an audit: codes 8 -> 4, expired 2 -> 0; what the final read still finds stays to do") {
  const auto v = summarize_visit(snapshot(8, 2, true, 0), snapshot(4, 0, true, 0),
                                 {f("expired_codes_present"), f("battery_low")},
                                 std::vector<FindingRecord>{f("battery_low"), f("clock_drift")});
  REQUIRE(v.still_to_do);
  CHECK_FALSE(has(*v.still_to_do, "expired_codes_present"));
  CHECK(has(*v.still_to_do, "battery_low"));
  CHECK(has(*v.still_to_do, "clock_drift"));  // new on leaving: still to do
  bool codes = false, expired = false;
  for (const auto& c : v.changed) {
    codes = codes || (c.what == "Codes on the lock" && c.before == "8" && c.after == "4");
    expired = expired || (c.what == "Expired codes still present" && c.before == "2" && c.after == "0");
  }
  CHECK(codes);
  CHECK(expired);
}

TEST_CASE("a reset: factory state is no longer to do; no final read means nothing is claimed") {
  const auto v = summarize_visit(snapshot(0, 0, false, 0), snapshot(2, 0, true, 0), {f("factory_state")},
                                 std::vector<FindingRecord>{});
  REQUIRE(v.still_to_do);
  CHECK(v.still_to_do->empty());
  const auto early = summarize_visit(snapshot(0, 0, false, 0), std::nullopt, {f("factory_state")}, std::nullopt);
  CHECK_FALSE(early.still_to_do);
  CHECK(early.changed.empty());
  CHECK(early.as_found.size() == 1);
}

TEST_CASE("findings survive the step detail's JSON") {
  const std::vector<FindingRecord> in{f("tamper", "critical"), f("stale_codes", "info")};
  const auto out = findings_from_json(findings_to_json(in));
  REQUIRE(out.size() == 2);
  CHECK(out[0].code == "tamper");
  CHECK(out[0].severity == "critical");
  CHECK(out[1].next_step == "stale_codes next");
  CHECK(findings_from_json(json("garbage")).empty());
}
