// Every workflow on every scenario: it either does its job and leaves the lock right, or it
// refuses up front with a message that says what to do instead, leaving the lock as it was.
// (Diagnose on every scenario, with the findings each must produce, is in test_workflows.cpp.)
#include <doctest/doctest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "../support/snake_case_scan.h"
#include "lockdiag/reports/report_attestation.h"
#include "lockdiag/reports/visit.h"
#include "workflow_harness.h"

using namespace lockdiag;
using namespace lockdiag::test;
using nlohmann::json;

namespace {

const std::vector<std::string> kScenarios = {
    "fresh",      "occupied-rental",        "post-reset",          "marginal-battery",
    "clock-lost", "interrupted-enrollment", "retained-after-reset"};

bool in_factory_state(const std::string& scenario) { return scenario == "fresh" || scenario == "post-reset"; }

json lock_status(Visit& v) {
  auto r = v.lockdiag({"--json", "status"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return json::parse(r.out);
}

// The clock is shown to a service session only.
json status_in_session(Visit& v) {
  auto r = v.lockdiag({"--json", "status", "--session", "--sim-keypad", "--wait-timeout", "20"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const json st = json::parse(r.out);
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
  const std::vector<std::string> args{
      "--json",       "job",          "resume",         "1", "--sim-keypad", "--store", v.store_path(),
      "--report-dir", v.report_dir(), "--wait-timeout", "20"};
  auto resumed = v.lockdiag(args);
  REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
  CHECK(v.job(1).at("state") == "done");
  return json::parse(resumed.out);
}

// "  Step N: ..." or "  Step N of M: ...". Matched by hand: GCC 12 warns maybe-uninitialized inside
// <regex> under -O1 with ASan (-Werror).
struct StepLine {
  int seq = 0;
  std::optional<int> total;
};
std::optional<StepLine> parse_step_line(const std::string& l) {
  const std::string head = "  Step ";
  if (l.rfind(head, 0) != 0) return std::nullopt;
  size_t i = head.size();
  auto number = [&]() -> std::optional<int> {
    const size_t start = i;
    while (i < l.size() && std::isdigit(static_cast<unsigned char>(l[i]))) ++i;
    if (i == start || i - start > 6) return std::nullopt;
    return std::stoi(l.substr(start, i - start));
  };
  StepLine r;
  const auto seq = number();
  if (!seq) return std::nullopt;
  r.seq = *seq;
  if (l.compare(i, 4, " of ") == 0) {
    i += 4;
    r.total = number();
    if (!r.total) return std::nullopt;
  }
  if (l.compare(i, 2, ": ") != 0) return std::nullopt;
  return r;
}

// The CLI's step lines say "Step N of M: <title>", the purpose when a step starts,
// and M is the number of steps the job ran: the last line is "Step M of M: Sign the report: done".
void check_step_lines(const std::string& err, size_t steps_in_job) {
  int last_seq = 0, last_total = 0, lines = 0;
  std::istringstream in(err);
  for (std::string l; std::getline(in, l);) {
    const auto m = parse_step_line(l);
    if (!m) continue;
    ++lines;
    CHECK_MESSAGE(m->total.has_value(), "no \"of M\" in: " << l);
    last_seq = m->seq;
    last_total = m->total.value_or(0);
    CHECK_MESSAGE(last_seq <= last_total, l);
  }
  CHECK(lines > 0);
  CHECK(last_seq == static_cast<int>(steps_in_job));
  CHECK(last_total == static_cast<int>(steps_in_job));
  CHECK_MESSAGE(err.find("Step " + std::to_string(steps_in_job) + " of " + std::to_string(steps_in_job) +
                         ": Sign the report: done") != std::string::npos,
                err);
  // The purpose from core, under the step as it starts.
  CHECK_MESSAGE(err.find("(" + lockdiag::reports::step_purpose("sign_report") + ")") != std::string::npos, err);
}

// The outcome of a workflow that must do its job on this scenario.
json finished(Visit& v, const ProcessResult& r) {
  if (v.scenario() == "marginal-battery") return refuse_then_resume_after_battery_swap(v, r);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  json out = json::parse(r.out);
  check_step_lines(r.err, v.job(out.at("job_id")).at("steps").size());  // the plan's M is the job's
  return out;
}

std::set<std::string> codes_of(const json& list) {
  std::set<std::string> out;
  if (list.is_array())
    for (const auto& f : list) out.insert(f.at("code").get<std::string>());
  return out;
}

bool changed_says(const json& outcome, const std::string& what) {
  for (const auto& c : outcome.at("changed"))
    if (c.at("what").get<std::string>().rfind(what, 0) == 0 && c.at("before") != c.at("after")) return true;
  return false;
}

// As found and as left: what the workflow fixed is gone from "still to do", and what
// changed says so. `fixed`: finding code -> the "changed" line that must show it.
int check_as_left(const json& outcome, const std::map<std::string, std::string>& fixed) {
  int checked = 0;
  REQUIRE_MESSAGE(outcome.contains("still_to_do"), outcome.dump());
  REQUIRE_MESSAGE(outcome.at("still_to_do").is_array(), "no final read: " << outcome.dump());
  const auto found = codes_of(outcome.at("as_found"));
  const auto todo = codes_of(outcome.at("still_to_do"));
  const auto left = codes_of(outcome.at("as_left"));
  // Only what was found on arrival: a rotation that sets a lost clock may newly see codes past
  // their end date, and those are rightly still to do.
  for (const auto& [code, what] : fixed) {
    if (!found.count(code)) continue;
    ++checked;
    CAPTURE(code);
    CHECK_MESSAGE(todo.count(code) == 0, "still to do after the job: " << outcome.at("still_to_do").dump());
    CHECK(left.count(code) == 0);
    CHECK_MESSAGE(changed_says(outcome, what), outcome.at("changed").dump());
  }
  for (const auto& f : outcome.at("still_to_do")) {
    // Nothing it says is left to do is an action this job just took.
    if (!found.count(f.at("code").get<std::string>())) continue;
    const std::string next = f.at("next_step");
    if (fixed.count("clock_drift")) CHECK_MESSAGE(next.find("Sync the clock") == std::string::npos, next);
    if (fixed.count("expired_codes_present")) CHECK_MESSAGE(next.find("Delete them") == std::string::npos, next);
    if (fixed.count("factory_state"))
      CHECK_MESSAGE(next.find("reset + onboarding (lockdiag reset)") == std::string::npos, next);
  }
  return checked;
}

}  // namespace

TEST_CASE("handoff audit on every scenario") {
  int as_left_checked = 0;  // cells where a fixed finding was found on arrival
  for (const auto& scenario : kScenarios) {
    CAPTURE(scenario);
    Visit v(scenario);
    auto r = v.workflow("audit", {"--json", "--keep", "none"});
    if (in_factory_state(scenario)) {
      check_refused_for_factory_state(v, r, "no admin code");
    } else {
      const json outcome = finished(v, r);
      check_report_verifies(v, outcome);
      as_left_checked += check_as_left(outcome, {{"expired_codes_present", "Expired codes still present"},
                                                 {"clock_drift", "Clock"},
                                                 {"clock_not_set", "Clock"},
                                                 {"stale_codes", "Codes"}});
      const auto after = v.slots();
      REQUIRE(after.size() == 1);  // only the owner's admin code stays
      CHECK(after[0].at("role") == "admin");
      CHECK(std::abs(status_in_session(v).at("clock").at("drift_s").get<int>()) <= 2);
    }
    check_no_code_leaks(v);
  }
  CHECK(as_left_checked > 0);
}

TEST_CASE("reset + onboarding on every scenario") {
  int as_left_checked = 0;  // cells where a fixed finding was found on arrival
  for (const auto& scenario : kScenarios) {
    CAPTURE(scenario);
    Visit v(scenario);
    auto r = v.workflow("reset",
                        {"--json", "--ownership", "deed seen", "--present", "new owner", "--enroll", "new-user:user"});
    const json outcome = finished(v, r);
    check_report_verifies(v, outcome);
    as_left_checked += check_as_left(outcome, {{"factory_state", "Factory state"},
                                               {"no_admin", "Codes"},
                                               {"expired_codes_present", "Expired codes still present"},
                                               {"clock_drift", "Clock"},
                                               {"clock_not_set", "Clock"}});
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
  CHECK(as_left_checked > 0);
}

TEST_CASE("code rotation on every scenario") {
  int as_left_checked = 0;  // cells where a fixed finding was found on arrival
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
    const auto users = slots_where(before, [](const json& s) {
      return s.at("role") == "user" && s.at("kind") == "persistent";
    });
    const auto expired = slots_where(before, [](const json& s) { return s.at("expired") == true; });
    REQUIRE(!users.empty());
    auto r = v.workflow("rotate", {"--json", "--rotate", std::to_string(users[0]) + ":new-user"});
    const json outcome = finished(v, r);
    check_report_verifies(v, outcome);
    as_left_checked += check_as_left(outcome, {{"expired_codes_present", "Expired codes still present"}});
    const auto after = v.slots();
    CHECK(after.size() == before.size() - expired.size());
    // The slot now answers to the new person's code, with its role unchanged.
    CHECK(slots_where(after, [&](const json& s) { return s.at("index") == users[0]; }).size() == 1);
    const auto typed = v.ctl({"type-code", std::to_string(users[0]), "#"});
    CHECK_MESSAGE(typed.find("bolt unlocked") != std::string::npos, typed);
    check_no_code_leaks(v);
  }
  CHECK(as_left_checked > 0);
}

TEST_CASE("clock sync on every scenario") {
  int as_left_checked = 0;  // cells where a fixed finding was found on arrival
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
      as_left_checked += check_as_left(outcome, {{"clock_drift", "Clock"}, {"clock_not_set", "Clock"}});
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
  CHECK(as_left_checked > 0);
}

// The CLI's text output is read by people: no internal identifier in it.
TEST_CASE("every workflow's text output, and job list and show, are in plain words") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> runs = {
      {"diagnose", {}},
      {"audit", {"--keep", "none"}},
      {"rotate", {"--rotate", "1:new-user"}},
      {"clock-sync", {}},
      {"reset", {"--ownership", "deed seen", "--present", "new owner", "--enroll", "new-user:user"}}};
  for (const auto& [command, args] : runs) {
    CAPTURE(command);
    Visit v("occupied-rental");
    auto r = v.workflow(command, args);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("What changed:") != std::string::npos);
    CHECK(r.out.find("Still to do:") != std::string::npos);
    check_step_lines(r.err, v.job(1).at("steps").size());
    auto ids = lockdiag::test::snake_case_words(r.out + "\n" + r.err);
    CHECK_MESSAGE(ids.empty(), "snake_case in the output of " << command << ": " << (ids.empty() ? "" : ids.front())
                                                              << "\n"
                                                              << r.out << r.err);
    // The customer's PDF of this real job, as pdftotext reads it.
    int pdfs = 0;
    for (const auto& f : std::filesystem::directory_iterator(v.report_dir()))
      if (f.path().extension() == ".pdf") {
        ++pdfs;
        auto text = run_process({"/usr/bin/pdftotext", f.path().string(), "-"});
        REQUIRE(text.exit_code == 0);
        CHECK(text.out.find("What was done") != std::string::npos);
        CHECK(text.out.find("page 1 of ") != std::string::npos);
        ids = lockdiag::test::snake_case_words(text.out);
        CHECK_MESSAGE(ids.empty(), "snake_case in the PDF of " << command << ": " << (ids.empty() ? "" : ids.front()));
        CHECK_MESSAGE(text.out.find("{\"") == std::string::npos, "raw JSON in the PDF of " << command);
      }
    CHECK(pdfs == 1);
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{"job", "list", "--store", v.store_path()},
          std::vector<std::string>{"job", "show", "1", "--store", v.store_path()}}) {
      auto o = v.lockdiag(extra);
      REQUIRE_MESSAGE(o.exit_code == 0, o.err);
      ids = lockdiag::test::snake_case_words(o.out + "\n" + o.err);
      CHECK_MESSAGE(ids.empty(), "snake_case in " << extra[1] << ": " << (ids.empty() ? "" : ids.front()) << "\n"
                                                  << o.out);
    }
  }
  // Control: the scan sees what the old output printed.
  CHECK(!lockdiag::test::snake_case_words("  [3] snapshot_before: done").empty());
}

// Every text command a person runs against a lock, in plain words. A new command is
// covered by listing it here. Rows run in order on one virtual lock; "{dir}" is a scratch folder,
// "{report}" the newest signed report. JSON output is exempt (its keys are snake_case by design).
TEST_CASE("every CLI text command's output, run against the virtual lock, has no snake_case identifier") {
  struct Row {
    bool workflow;  // run through Visit::workflow (technician, site, store, --sim-keypad...)
    std::vector<std::string> args;
  };
  const std::vector<Row> rows = {
      {false, {"info"}},
      {false, {"status"}},
      {false, {"status", "--session", "--sim-keypad", "--wait-timeout", "20"}},
      {false, {"slots", "--sim-keypad", "--wait-timeout", "20"}},
      {false, {"events", "--sim-keypad", "--wait-timeout", "20"}},
      {false, {"devices"}},
      {true, {"diagnose", "--complaint-slot", "1"}},
      {true, {"clock-sync"}},
      {true, {"rotate", "--rotate", "1:new-user"}},
      {true, {"audit", "--keep", "none"}},
      {true, {"reset", "--ownership", "deed seen", "--present", "new owner", "--enroll", "new-user:user"}},
      {false, {"job", "list", "--store", "{store}"}},
      {false, {"job", "show", "4", "--store", "{store}"}},
      {false, {"job", "check", "--store", "{store}"}},
      {false, {"report", "verify", "{report}"}},
      {false, {"report", "render", "{report}", "-o", "{dir}/again.pdf"}},
      {false, {"settings"}},
      {false, {"settings", "--company-phone", "0161 496 0000", "--company-email", "office@harbour.example"}},
      {false, {"keys", "show"}},
      {false, {"keys", "export", "-o", "{dir}/tech.pub"}},
      {false, {"company", "init", "--name", "Harbour Lock & Key", "--dir", "{dir}/co"}},
      {false,
       {"company", "certify", "{dir}/tech.pub", "--name", "Sam Okafor", "--dir", "{dir}/co", "-o", "{dir}/c.pub"}},
      {false, {"keys", "install-cert", "{dir}/c.pub"}},
      {false, {"company", "revoke", "1", "--dir", "{dir}/co"}},
      {false, {"demo", "--dir", "{dir}/demo"}},
  };
  Visit v("occupied-rental");
  const std::string dir = std::filesystem::path(v.report_dir()).parent_path().string() + "/scan";
  std::filesystem::create_directories(dir);
  {  // `report verify` trusts the virtual lock's TEST-ONLY manufacturer CA through this visit's config
    const auto cas = std::filesystem::path(v.report_dir()).parent_path() / "config" / "lockdiag" / "manufacturers";
    std::filesystem::create_directories(cas);
    std::ofstream(cas / "manufacturer-ca-TEST-ONLY.pub") << reports::kTestOnlyManufacturerCaLine << "\n";
  }
  auto newest_report = [&] {
    std::filesystem::path newest;
    for (const auto& f : std::filesystem::directory_iterator(v.report_dir()))
      if (f.path().extension() == ".json" &&
          (newest.empty() || f.last_write_time() > std::filesystem::last_write_time(newest)))
        newest = f.path();
    return newest.string();
  };
  int scanned = 0;
  for (const auto& row : rows) {
    std::vector<std::string> args;
    for (std::string a : row.args) {
      for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{{"{dir}", dir},
                                                                                       {"{store}", v.store_path()},
                                                                                       {"{report}", "{report}"}})
        if (auto at = a.find(key); at != std::string::npos) a.replace(at, key.size(), value);
      if (a == "{report}") a = newest_report();
      args.push_back(a);
    }
    std::string shown;
    for (const auto& a : args) shown += a + " ";
    CAPTURE(shown);
    const ProcessResult r = row.workflow
                                ? v.workflow(args.front(), std::vector<std::string>(args.begin() + 1, args.end()))
                                : v.lockdiag(args);
    CHECK_MESSAGE(r.exit_code == 0, r.out << r.err);
    CHECK_MESSAGE(!(r.out + r.err).empty(), "no text output to scan");
    const auto ids = lockdiag::test::snake_case_words(r.out + "\n" + r.err);
    CHECK_MESSAGE(ids.empty(), "snake_case in `lockdiag " << shown << "`: " << (ids.empty() ? "" : ids.front()) << "\n"
                                                          << r.out << r.err);
    ++scanned;
  }
  CHECK(scanned == static_cast<int>(rows.size()));
}
