// Every workflow on every scenario: it either does its job and leaves the lock right, or it
// refuses up front with a message that says what to do instead, leaving the lock as it was.
// (Diagnose on every scenario, with the findings each must produce, is in test_workflows.cpp.)
#include <doctest/doctest.h>

#include "workflow_harness.h"

using namespace lockdiag;
using namespace lockdiag::test;
using nlohmann::json;

namespace {

const std::vector<std::string> kScenarios = {"fresh",      "occupied-rental",        "post-reset",          "marginal-battery",
                                             "clock-lost", "interrupted-enrollment", "retained-after-reset"};

bool in_factory_state(const std::string& scenario) { return scenario == "fresh" || scenario == "post-reset"; }

json lock_status(Visit& v) {
  auto r = v.lockdiag({"--json", "status"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return json::parse(r.out);
}

// The clock is shown to a service session only.
json status_in_session(Visit& v) {
  auto st = lock_status(v);
  if (st.contains("clock")) return st;
  v.ctl({"open-session"});
  st = lock_status(v);
  REQUIRE_MESSAGE(st.contains("clock"), "no service session at the lock");
  return st;
}

// A lock with no admin code: the workflow stops after reading it, says what to run instead, and
// the lock is still in factory state. The job is failed, not left to resume: resuming cannot help.
void check_refused_for_factory_state(Visit& v, const ProcessResult& r, const std::string& says) {
  CHECK(r.exit_code == 5);
  CHECK_MESSAGE(r.err.find(says) != std::string::npos, r.err);
  CHECK(r.err.find("reset + onboarding") != std::string::npos);
  CHECK(r.err.find("job resume") == std::string::npos);
  CHECK(v.job(1).at("state") == "failed");
  CHECK(lock_status(v).at("factory_state") == true);
}

// Low batteries: work that needs the keypad is refused before anything changes, the job waits;
// with new batteries `job resume` finishes it.
json refuse_then_resume_after_battery_swap(Visit& v, const ProcessResult& r) {
  CHECK(r.exit_code == 8);
  CHECK_MESSAGE(r.err.find("replace them before") != std::string::npos, r.err);
  CHECK(r.err.find("lockdiag job resume 1") != std::string::npos);
  CHECK(v.job(1).at("state") == "interrupted");
  v.ctl({"battery", "6000"});  // new batteries
  CHECK(v.slots().size() == 3);  // nothing was deleted or enrolled
  const std::vector<std::string> args{"--json", "job", "resume", "1", "--sim-keypad", "--store", v.store_path(), "--report-dir",
                                v.report_dir(), "--wait-timeout", "20"};
  auto resumed = v.lockdiag(args);
  REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
  CHECK(v.job(1).at("state") == "done");
  return json::parse(resumed.out);
}

// The outcome of a workflow that must do its job on this scenario.
json finished(Visit& v, const ProcessResult& r) {
  if (v.scenario() == "marginal-battery") return refuse_then_resume_after_battery_swap(v, r);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("handoff audit on every scenario") {
  for (const auto& scenario : kScenarios) {
    CAPTURE(scenario);
    Visit v(scenario);
    auto r = v.workflow("audit", {"--json", "--keep", "none"});
    if (in_factory_state(scenario)) {
      check_refused_for_factory_state(v, r, "no admin code");
    } else {
      const json outcome = finished(v, r);
      check_report_verifies(v, outcome);
      const auto after = v.slots();
      REQUIRE(after.size() == 1);  // only the owner's admin code stays
      CHECK(after[0].at("role") == "admin");
      CHECK(std::abs(status_in_session(v).at("clock").at("drift_s").get<int>()) <= 2);
    }
    check_no_code_leaks(v);
  }
}

TEST_CASE("reset + onboarding on every scenario") {
  for (const auto& scenario : kScenarios) {
    CAPTURE(scenario);
    Visit v(scenario);
    auto r = v.workflow("reset", {"--json", "--ownership", "deed seen", "--present", "new owner", "--enroll",
                                  "new-user:user"});
    const json outcome = finished(v, r);
    check_report_verifies(v, outcome);
    const auto after = v.slots();
    CHECK(after.size() == 2);
    CHECK(slots_where(after, [](const json& s) { return s.at("role") == "admin"; }).size() == 1);
    CHECK(slots_where(after, [](const json& s) { return s.at("role") == "user"; }).size() == 1);
    for (const auto& s : after) CHECK(s.at("retained_across_reset") == false);
    // A lock already in factory state is not reset again (it has no admin code to confirm with).
    bool reset_step = false, skipped = false;
    const auto job = v.job(outcome.at("job_id"));
    for (const auto& s : job.at("steps")) {
      reset_step = reset_step || s.at("name") == "factory_reset";
      skipped = skipped || s.at("name") == "factory_reset_not_needed";
    }
    CHECK(reset_step == !in_factory_state(scenario));
    CHECK(skipped == in_factory_state(scenario));
    check_no_code_leaks(v);
  }
}

TEST_CASE("code rotation on every scenario") {
  for (const auto& scenario : kScenarios) {
    CAPTURE(scenario);
    Visit v(scenario);
    if (in_factory_state(scenario)) {
      auto r = v.workflow("rotate", {"--json", "--rotate", "1:new-user"});
      check_refused_for_factory_state(v, r, "nothing to rotate");
      check_no_code_leaks(v);
      continue;
    }
    const auto before = v.slots();
    const auto users = slots_where(before, [](const json& s) { return s.at("role") == "user" && s.at("kind") == "persistent"; });
    const auto expired = slots_where(before, [](const json& s) { return s.at("expired") == true; });
    REQUIRE(!users.empty());
    auto r = v.workflow("rotate", {"--json", "--rotate", std::to_string(users[0]) + ":new-user"});
    const json outcome = finished(v, r);
    check_report_verifies(v, outcome);
    const auto after = v.slots();
    CHECK(after.size() == before.size() - expired.size());
    // The slot now answers to the new person's code, with its role unchanged.
    CHECK(slots_where(after, [&](const json& s) { return s.at("index") == users[0]; }).size() == 1);
    const auto typed = v.ctl({"type-code", std::to_string(users[0]), "#"});
    CHECK_MESSAGE(typed.find("bolt unlocked") != std::string::npos, typed);
    check_no_code_leaks(v);
  }
}

TEST_CASE("clock sync on every scenario") {
  for (const auto& scenario : kScenarios) {
    CAPTURE(scenario);
    Visit v(scenario);
    auto r = v.workflow("clock-sync", {"--json"});
    if (in_factory_state(scenario)) {
      check_refused_for_factory_state(v, r, "factory state");
    } else {
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      const auto outcome = json::parse(r.out);
      check_report_verifies(v, outcome);
      const auto status = status_in_session(v);
      CHECK(status.at("clock").at("set") == true);
      CHECK(std::abs(status.at("clock").at("drift_s").get<int>()) <= 2);
      bool synced = false;
      const auto job = v.job(outcome.at("job_id"));
      for (const auto& s : job.at("steps"))
        if (s.at("name") == "sync_clock")
          synced = s.at("state") == "done" && s.at("outcome").get<std::string>().find(" -> ") != std::string::npos;
      CHECK(synced);
    }
    check_no_code_leaks(v);
  }
}
