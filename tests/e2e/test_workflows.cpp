// Every workflow end to end against lockfw-sim, for every scenario, through the lockdiag CLI;
// interrupted at every step and resumed; and nothing of it ever holds a code value.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "leak_scan.h"
#include "scenario.h"
#include "workflow_harness.h"

using namespace lockdiag;
using namespace lockdiag::test;
using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("diagnose finds what each scenario holds") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"fresh", {"factory_state", "clock_not_set"}},
      {"occupied-rental", {"expired_codes_present", "wrong_code_bursts"}},
      {"post-reset", {"factory_state"}},
      {"marginal-battery", {"battery_low"}},
      {"clock-lost", {"clock_not_set"}},
      {"interrupted-enrollment", {"enrollment_aborted"}},
      {"retained-after-reset", {"codes_retained_after_reset"}},
  };
  for (const auto& [scenario, codes] : expected) {
    CAPTURE(scenario);
    Visit v(scenario);
    auto r = v.workflow("diagnose", {}, {});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto found = v.finding_codes(1);
    for (const auto& c : codes) CHECK_MESSAGE(has(found, c), "missing finding " << c);
    CHECK(v.job(1).at("state") == "done");
    check_no_code_leaks(v);
  }
}

TEST_CASE("diagnose says why a customer's code is refused, and tells an unknown code apart") {
  SUBCASE("code unknown: the person types something the lock does not know") {
    Visit v("occupied-rental");
    const auto users = slots_where(v.slots(), [](const json& s) { return s.at("role") == "user"; });
    REQUIRE(users.size() >= 2);
    v.ctl({"type-code", std::to_string(users[1]), "#"});
    v.ctl({"keypad", "99999999#"});
    v.ctl({"keypad", "88888888#"});
    auto r = v.workflow("diagnose", {"--json", "--complaint-slot", std::to_string(users[1])});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto codes = v.finding_codes(job_id_of(r));
    CHECK(has(codes, "complaint_code_unknown"));
    CHECK_FALSE(has(codes, "complaint_code_refused"));
    check_no_code_leaks(v);
  }
  SUBCASE("code known but refused: a scheduled code while the clock is not set") {
    Visit v("clock-lost");
    const auto timed = slots_where(v.slots(), [](const json& s) {
      return s.at("kind") != "persistent" && s.at("expired") == false && s.at("enabled") == true;
    });
    REQUIRE(!timed.empty());
    v.ctl({"type-code", std::to_string(timed[0]), "#"});
    auto r = v.workflow("diagnose", {"--json", "--complaint-slot", std::to_string(timed[0])});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto codes = v.finding_codes(job_id_of(r));
    CHECK(has(codes, "complaint_code_refused"));
    CHECK_FALSE(has(codes, "complaint_code_unknown"));
    check_no_code_leaks(v);
  }
}

TEST_CASE("handoff audit: admin verified live, every other code removed with confirmation, clock synced") {
  Visit v("occupied-rental");
  auto r = v.workflow("audit", {"--json", "--keep", "none"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto outcome = json::parse(r.out);
  check_report_verifies(v, outcome);
  const auto job = v.job(outcome.at("job_id"));
  CHECK(job.at("state") == "done");
  int deletions = 0;
  for (const auto& s : job.at("steps")) {
    CHECK(s.at("state") == "done");
    if (s.at("name").get<std::string>().rfind("delete_slot_", 0) == 0) {
      ++deletions;
      CHECK(s.at("confirmed_at_lock") == true);  // invariant 3
    }
  }
  CHECK(deletions == 7);
  const auto after = v.slots();
  REQUIRE(after.size() == 1);
  CHECK(after[0].at("role") == "admin");
  check_no_code_leaks(v);
}

TEST_CASE("handoff audit keeps the codes the new owner keeps, and asks nothing it cannot ask") {
  Visit v("occupied-rental");
  const auto users = slots_where(v.slots(), [](const json& s) { return s.at("role") == "user"; });
  REQUIRE(users.size() == 3);

  SUBCASE("no terminal and no answers: a clear error, not a hang, and the job is resumable") {
    auto r = v.workflow("audit", {});
    CHECK(r.exit_code == 8);
    CHECK(r.err.find("--keep") != std::string::npos);
    CHECK(r.err.find("lockdiag job resume 1") != std::string::npos);
    // An answers file finishes it.
    json answers{{"answers", json::object()}};
    for (int u : users) answers["answers"]["keep." + std::to_string(u)] = true;
    const std::string path = v.report_dir() + "-answers.json";
    std::ofstream(path) << answers.dump();
    r = v.lockdiag({"--json", "job", "resume", "1", "--sim-keypad", "--store", v.store_path(), "--report-dir",
                    v.report_dir(), "--answers", path});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }
  SUBCASE("--keep") {
    std::string keep;
    for (int u : users) keep += (keep.empty() ? "" : ",") + std::to_string(u);
    auto r = v.workflow("audit", {"--json", "--keep", keep});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }
  const auto after = v.slots();
  CHECK(after.size() == 4);
  CHECK(slots_where(after, [](const json& s) { return s.at("role") == "user"; }) == users);
  CHECK(slots_where(after, [](const json& s) { return s.at("role") == "guest"; }).empty());
  check_no_code_leaks(v);
}

TEST_CASE("reset + onboarding: old codes gone, new admin and users enrolled at the keypad and tested live") {
  for (const std::string scenario : {"occupied-rental", "retained-after-reset"}) {
    CAPTURE(scenario);
    Visit v(scenario);
    auto r = v.workflow("reset", {"--json", "--ownership", "deed seen; numbers not recorded", "--present", "new owner",
                                  "--enroll", "new-user:user", "--enroll",
                                  "new-guest:guest:days=mon,tue,wed,thu,fri,sat,sun@00:00-24:00", "--enroll",
                                  "Anna (tenant):user"});  // not a scenario person: a visitor at the sim
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto outcome = json::parse(r.out);
    check_report_verifies(v, outcome);
    const auto codes = v.finding_codes(outcome.at("job_id"));
    CHECK(has(codes, "old_codes_removed"));
    if (scenario == "retained-after-reset") CHECK(has(codes, "codes_retained_after_reset"));
    const auto after = v.slots();
    CHECK(after.size() == 4);
    CHECK(slots_where(after, [](const json& s) { return s.at("role") == "admin"; }).size() == 1);
    for (const auto& s : after) CHECK(s.at("retained_across_reset") == false);
    bool reset_confirmed = false;
    const auto job = v.job(outcome.at("job_id"));
    for (const auto& s : job.at("steps"))
      if (s.at("name") == "factory_reset") reset_confirmed = s.at("confirmed_at_lock");
    CHECK(reset_confirmed);
    if (scenario == "occupied-rental") {
      // The slot table names each code's person from this job ("Known as"), admin included.
      const std::vector<std::string> read{"slots", "--sim-keypad", "--wait-timeout", "20", "--store", v.store_path()};
      auto named = v.lockdiag([&] {
        auto a = read;
        a.insert(a.begin(), "--json");
        return a;
      }());
      REQUIRE_MESSAGE(named.exit_code == 0, named.err);
      std::multiset<std::string> names;
      const json named_slots = json::parse(named.out).at("slots");  // kept: the loop reads into it
      for (const auto& s : named_slots) {
        names.insert(s.at("known_as").get<std::string>());
        CHECK(s.at("known_from_job") == outcome.at("job_id"));
        if (s.at("role") == "admin") CHECK(s.at("known_as") == "admin");
      }
      const std::multiset<std::string> enrolled{"admin", "new-user", "new-guest", "Anna (tenant)"};
      CHECK(names == enrolled);
      auto text = v.lockdiag(read);
      REQUIRE_MESSAGE(text.exit_code == 0, text.err);
      CHECK(text.out.find("Known as") != std::string::npos);
      CHECK(text.out.find("Anna (tenant)") != std::string::npos);
      // Without the job store (another laptop's view), no names and no column.
      auto bare = v.lockdiag({"slots", "--sim-keypad", "--wait-timeout", "20", "--store", v.store_path() + ".none"});
      REQUIRE_MESSAGE(bare.exit_code == 0, bare.err);
      CHECK(bare.out.find("Known as") == std::string::npos);
      CHECK_FALSE(std::filesystem::exists(v.store_path() + ".none"));  // a read creates no database
    }
    check_no_code_leaks(v, {"Anna-tenant"});
  }
}

TEST_CASE("rotation replaces a code at the keypad and removes expired codes") {
  Visit v("occupied-rental");
  const auto before = v.slots();
  const auto users = slots_where(before, [](const json& s) { return s.at("role") == "user"; });
  const auto expired = slots_where(before, [](const json& s) { return s.at("expired") == true; });
  REQUIRE(!expired.empty());
  auto r = v.workflow("rotate", {"--json", "--rotate", std::to_string(users[0]) + ":new-user"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  check_report_verifies(v, json::parse(r.out));
  const auto after = v.slots();
  CHECK(after.size() == before.size() - expired.size());
  CHECK(slots_where(after, [](const json& s) { return s.at("expired") == true; }).empty());
  // The rotated slot answers to the new person's code now, and is known by their name.
  CHECK(v.ctl({"type-code", std::to_string(users[0]), "#"}).find("bolt unlocked") != std::string::npos);
  auto named = v.lockdiag({"--json", "slots", "--sim-keypad", "--wait-timeout", "20", "--store", v.store_path()});
  REQUIRE_MESSAGE(named.exit_code == 0, named.err);
  const json named_slots = json::parse(named.out).at("slots");
  for (const auto& s : named_slots) CHECK(s.at("known_as") == (s.at("index") == users[0] ? "new-user" : ""));
  check_no_code_leaks(v);
}

TEST_CASE("clock sync sets a lost clock and records the drift before and after") {
  Visit v("clock-lost");
  auto r = v.workflow("clock-sync", {"--json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto outcome = json::parse(r.out);
  CHECK(has(v.finding_codes(outcome.at("job_id")), "clock_not_set"));
  // The clock is shown to a service session only: this lockdiag process's (protocol 1.4).
  auto st = v.lockdiag({"--json", "status", "--session", "--sim-keypad", "--wait-timeout", "20"});
  REQUIRE(st.exit_code == 0);
  const auto status = json::parse(st.out);
  CHECK(status.at("clock").at("set") == true);
  CHECK(std::abs(status.at("clock").at("drift_s").get<int>()) <= 2);
  check_no_code_leaks(v);
}

TEST_CASE("a damaged job database is refused cleanly and left as it was") {
  Visit v("occupied-rental");
  fs::create_directories(fs::path(v.store_path()).parent_path());
  const std::string junk(8192, 'x');
  std::ofstream(v.store_path(), std::ios::binary) << junk;
  auto r = v.workflow("diagnose", {});
  CHECK(r.exit_code == 7);
  CHECK(r.err.find("damaged") != std::string::npos);
  CHECK(read_file_bytes(v.store_path()) == junk);
}

// Kill the process at every step, before and after it acts; resume; the lock, the job record
// and the report must end exactly as an uninterrupted run's.
void interrupt_everywhere(const std::string& scenario, const std::string& command, const std::vector<std::string>& args,
                          const std::function<void(Visit&)>& check_lock) {
  int steps = 0;
  {
    Visit v(scenario);
    auto r = v.workflow(command, args);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    steps = static_cast<int>(v.job(1).at("steps").size());
    check_lock(v);
  }
  REQUIRE(steps > 8);
  for (int step = 1; step <= steps; ++step)
    for (const char* where : {"before", "after"}) {
      CAPTURE(step);
      CAPTURE(where);
      Visit v(scenario);
      auto crashed = v.workflow(command, args, {"LOCKDIAG_TEST_CRASH=" + std::to_string(step) + ":" + where});
      REQUIRE(crashed.exit_code == 86);
      CHECK(v.job(1).at("state") == "running");  // the record says it did not finish
      auto resumed = v.lockdiag({"--json", "job", "resume", "1", "--sim-keypad", "--store", v.store_path(),
                                 "--report-dir", v.report_dir(), "--wait-timeout", "20"});
      REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
      const auto job = v.job(1);
      CHECK(job.at("state") == "done");
      CHECK(static_cast<int>(job.at("steps").size()) == steps);
      for (const auto& s : job.at("steps")) CHECK(s.at("state") == "done");
      check_report_verifies(v, json::parse(resumed.out));
      check_lock(v);
      check_no_code_leaks(v);
    }
}

TEST_CASE("handoff audit killed at every step resumes and ends right") {
  interrupt_everywhere("occupied-rental", "audit", {"--keep", "none"}, [](Visit& v) {
    const auto after = v.slots();
    REQUIRE(after.size() == 1);
    CHECK(after[0].at("role") == "admin");
  });
}

TEST_CASE("reset + onboarding killed at every step resumes and ends right") {
  interrupt_everywhere("occupied-rental", "reset", {"--ownership", "deed seen", "--enroll", "new-user:user"},
                       [](Visit& v) {
                         const auto after = v.slots();
                         CHECK(after.size() == 2);
                         CHECK(slots_where(after, [](const json& s) { return s.at("role") == "admin"; }).size() == 1);
                       });
}

TEST_CASE("a lock with an interrupted job says so when it is listed and when it is plugged in") {
  Visit v("occupied-rental");
  auto r = v.workflow("audit", {});  // no --keep and no terminal: the job stops, resumable
  REQUIRE(r.exit_code == 8);
  auto info = v.lockdiag({"--json", "info"});
  REQUIRE_MESSAGE(info.exit_code == 0, info.err);
  const std::string serial = json::parse(info.out).at("serial");

  auto find_ours = [&](const json& devices) -> json {
    for (const auto& d : devices)
      if (d.at("serial") == serial) return d;
    return nullptr;
  };
  auto listed = v.lockdiag({"--json", "devices", "--store", v.store_path()});
  REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
  const json ours = find_ours(json::parse(listed.out).at("devices"));
  REQUIRE(ours.is_object());
  REQUIRE(ours.at("unfinished_jobs").size() == 1);
  CHECK(ours.at("unfinished_jobs")[0].at("id") == 1);
  CHECK(ours.at("unfinished_jobs")[0].at("resume") == "lockdiag job resume 1");

  // Watching: the lock is pulled and plugged back in (a new lockfw-sim process on the same
  // flash) while `devices --watch` runs; it reports the lock leaving and arriving with its job.
  std::thread replug([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    v.restart_lock();
  });
  auto watched = v.lockdiag({"--json", "devices", "--watch", "--for", "3", "--store", v.store_path()});
  replug.join();
  REQUIRE_MESSAGE(watched.exit_code == 0, watched.err);
  int added = 0, removed = 0;
  std::istringstream lines(watched.out);
  for (std::string line; std::getline(lines, line);) {
    const auto e = json::parse(line);
    if (e.at("device").at("serial") != serial) continue;
    if (e.at("event") == "removed") ++removed;
    if (e.at("event") == "added") {
      ++added;
      CHECK(e.at("unfinished_jobs").size() == 1);
      CHECK(e.at("text").get<std::string>().find("lockdiag job resume 1") != std::string::npos);
    }
  }
  CHECK(added == 2);  // present at the start, then back after the replug
  CHECK(removed == 1);
  // Finished, it is no longer announced as unfinished.
  json answers{{"answers", json::object()}};
  for (const int slot : slots_where(v.slots(), [](const json& s) { return s.at("role") != "admin"; }))
    answers["answers"]["keep." + std::to_string(slot)] = false;
  const std::string path = v.report_dir() + "-answers.json";
  std::ofstream(path) << answers.dump();
  r = v.lockdiag({"--json", "job", "resume", "1", "--sim-keypad", "--store", v.store_path(), "--report-dir",
                  v.report_dir(), "--answers", path});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  listed = v.lockdiag({"--json", "devices", "--store", v.store_path()});
  CHECK(find_ours(json::parse(listed.out).at("devices")).at("unfinished_jobs").empty());
}
