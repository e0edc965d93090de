// Issue 12 end to end, through the lockdiag CLI against lockfw-sim: one driver per job (a
// second program is refused while the first runs, and the store and the signed report agree
// afterwards); every input the report needs checked before the first change; a job whose
// field was bad finished after the fix (`job resume ID --site ...`).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "lockdiag/app/job_store.h"
#include "lockdiag/reports/reports.h"
#include "workflow_harness.h"

using namespace lockdiag;
using namespace lockdiag::test;
using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> args_with(const std::string& command, const std::string& field, const std::string& value,
                                   const Visit& v) {
  std::vector<std::string> a{command,        "--sim-keypad",       "--technician",   "Sam",
                             "--company",    "Harbour Lock & Key", "--site",         "Flat 3",
                             "--customer",   "Harbour Lettings",   "--store",        v.store_path(),
                             "--report-dir", v.report_dir(),       "--wait-timeout", "20"};
  for (size_t i = 0; i + 1 < a.size(); ++i)
    if (a[i] == field) a[i + 1] = value;
  return a;
}

// The signed report of the job against the store: same steps, each ok in the report exactly
// when done in the store.
reports::Summary check_report_matches_store(Visit& v, int64_t job_id) {
  const json job = v.job(job_id);
  REQUIRE(job.at("state") == "done");
  std::optional<reports::Summary> found;
  for (const auto& e : fs::directory_iterator(v.report_dir())) {
    if (e.path().extension() != ".json") continue;
    auto bytes = reports::read_report_file(e.path());
    REQUIRE(bytes);
    auto verified = reports::verify(*bytes, std::nullopt);
    REQUIRE_MESSAGE(verified, (verified ? "" : verified.error().message));
    const std::string suffix = "-job" + std::to_string(job_id);
    const std::string& id = verified->report.id;
    if (id.size() > suffix.size() && id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0)
      found = *verified;
  }
  REQUIRE(found);
  for (const auto& step : found->report.steps) {
    CAPTURE(step.action);
    bool in_store = false;
    for (const auto& s : job.at("steps"))
      if (s.at("name") == step.action) {
        in_store = true;
        CHECK((s.at("state") == "done") == (step.outcome == reports::StepOutcome::ok));
      }
    CHECK(in_store);
  }
  for (const auto& s : job.at("steps")) CHECK_MESSAGE(s.at("state") == "done", s.dump());
  return *found;
}

}  // namespace

TEST_CASE("a tab or a bidi control in a report field is refused before the lock is touched") {
  Visit v("occupied-rental");
  const json before = v.slots();
  const std::string rlo =
      "Harbour \xe2\x80\xae"
      "sgnitteL";  // U+202E would make it read "Lettings"
  for (const auto& [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"--site", "Flat\t3"}, {"--customer", rlo}, {"--technician", std::string(201, 'x')}}) {
    CAPTURE(field);
    auto a = args_with("reset", field, value, v);
    a.insert(a.end(), {"--ownership", "deed shown", "--enroll", "admin:admin"});
    auto r = v.lockdiag(a);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(field) != std::string::npos);
  }
  // No job was created and no code was touched.
  auto list = v.lockdiag({"--json", "job", "list", "--store", v.store_path()});
  if (list.exit_code == 0) CHECK(json::parse(list.out).at("jobs").empty());
  CHECK(v.slots() == before);
}

TEST_CASE("a job whose site the report refused is finished after `job resume ID --site`") {
  Visit v("occupied-rental");
  // A job recorded by an older lockdiag that did not check the site: it stopped at signing.
  const json info = json::parse(v.lockdiag({"--json", "info"}).out);
  {
    auto store = app::JobStore::open(v.store_path());
    REQUIRE(store);
    const auto serial = info.at("serial").get<std::string>();
    REQUIRE(store->upsert_lock(
        {serial, info.at("model").get<std::string>(), info.at("firmware").get<std::string>(), std::nullopt}));
    app::JobRecord j;
    j.kind = "diagnose";
    j.lock_serial = serial;
    j.site = "Flat\t3";
    j.customer = "Harbour Lettings";
    j.technician = "Sam";
    j.params_json = json{{"technician", "Sam"},
                         {"company", "Harbour Lock & Key"},
                         {"site", "Flat\t3"},
                         {"customer", "Harbour Lettings"},
                         {"report_dir", v.report_dir()}}
                        .dump();
    auto id = store->create_job(j);
    REQUIRE(id);
    REQUIRE(store->set_job_state(*id, app::JobState::kInterrupted));
  }
  auto refused = v.lockdiag({"job", "resume", "1", "--store", v.store_path(), "--sim-keypad"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("--site") != std::string::npos);
  CHECK(v.job(1).at("state") == "interrupted");  // refusing changed nothing

  auto fixed = v.lockdiag({"job", "resume", "1", "--store", v.store_path(), "--sim-keypad", "--site", "Flat 3",
                           "--report-dir", v.report_dir()});
  REQUIRE_MESSAGE(fixed.exit_code == 0, fixed.err);
  CHECK(v.job(1).at("site") == "Flat 3");
  CHECK(check_report_matches_store(v, 1).report.site.name == "Flat 3");
}

TEST_CASE("two programs on one job: the second is refused with who holds it, store and report agree") {
  Visit v("occupied-rental");
  // The first program starts a diagnose and waits at the lock for the service session.
  std::vector<std::string> first_args{(bin_dir() / "lockdiag").string(), "--device", v.sim().uri()};
  for (auto& a : args_with("diagnose", "", "", v))
    if (a != "--sim-keypad") first_args.push_back(a);
  ProcessResult first;
  std::thread t([&] {
    first = run_process(first_args, {},
                        {"XDG_DATA_HOME=" + fs::path(v.store_path()).parent_path().string(),
                         "XDG_CONFIG_HOME=" + (fs::path(v.store_path()).parent_path() / "config").string()});
  });
  // Wait until it holds job 1.
  bool held = false;
  for (int i = 0; i < 200 && !held; ++i) {
    std::this_thread::sleep_for(50ms);
    if (!fs::exists(v.store_path())) continue;
    auto store = app::JobStore::open(v.store_path());
    if (!store) continue;
    auto l = store->lease(1);
    held = l && l->has_value();
  }
  REQUIRE(held);
  // A second program resumes the same job meanwhile: refused, naming the first's pid.
  auto second = v.lockdiag({"job", "resume", "1", "--store", v.store_path(), "--sim-keypad"});
  CHECK(second.exit_code == 1);
  CHECK(second.err.find("being driven by another lockdiag (pid") != std::string::npos);
  // The owner opens the session at the lock: the first program finishes the job alone.
  // (1.4: the code opens the session only once the first program armed its channel: type again until it takes.)
  bool opened = false;
  for (int i = 0; i < 100 && !opened; ++i) {
    opened = v.ctl({"open-session"}).find("ok session open") != std::string::npos;
    if (!opened) std::this_thread::sleep_for(100ms);
  }
  CHECK(opened);
  t.join();
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  check_report_matches_store(v, 1);
  // The lease went with the program.
  auto store = app::JobStore::open(v.store_path());
  REQUIRE(store);
  CHECK_FALSE(store->lease(1)->has_value());
}

TEST_CASE("a resumed job's report says where, when and how it was resumed") {
  Visit v("occupied-rental");
  // No session at the lock and nobody there: the diagnose stops, resumable, at open_session.
  auto a = args_with("diagnose", "--wait-timeout", "1", v);
  a.erase(std::find(a.begin(), a.end(), "--sim-keypad"));
  auto stopped = v.lockdiag(a);
  REQUIRE_MESSAGE(stopped.exit_code == 8, stopped.err);
  auto resumed = v.lockdiag({"job", "resume", "1", "--store", v.store_path(), "--sim-keypad"});
  REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
  const auto summary = check_report_matches_store(v, 1);
  bool said = false;
  for (const auto& n : summary.report.notes)
    if (n.find("Interrupted at step") != std::string::npos && n.find("Open a service session") != std::string::npos &&
        n.find("resumed 20") != std::string::npos && n.find("lockdiag job resume (pid") != std::string::npos)
      said = true;
  CHECK_MESSAGE(said, "no resumption note in the report");
}

TEST_CASE("a rotation that re-types the slot's own code is asked again and never reported as rotated") {
  Visit v("occupied-rental");
  const auto users = slots_where(v.slots(), [](const json& s) { return s.at("role") == "user"; });
  REQUIRE(!users.empty());
  // Who holds users[0]: "ok name=slot name=slot ...".
  std::string holder;
  std::istringstream persons(v.ctl({"persons"}));
  std::string word;
  while (persons >> word)
    if (auto eq = word.find('='); eq != std::string::npos && word.substr(eq + 1) == std::to_string(users[0]))
      holder = word.substr(0, eq);
  REQUIRE_FALSE(holder.empty());
  const auto since = json::parse(v.lockdiag({"--json", "events", "--sim-keypad", "--wait-timeout", "20"}).out)
                         .at("next_seq")
                         .get<uint32_t>();
  // The holder "rotates" to the code they already have: the lock refuses each time.
  auto r = v.workflow("rotate", {"--json", "--rotate", std::to_string(users[0]) + ":same-person", "--sim-person",
                                 "same-person=" + holder});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("still has its old code") != std::string::npos);
  const json job = v.job(1);
  CHECK(job.at("state") != "done");
  for (const auto& s : job.at("steps"))
    if (std::string(s.at("name")).rfind("enroll", 0) == 0 ||
        std::string(s.at("name")).find("rotate") != std::string::npos)
      CHECK(s.at("state") != "done");
  // Asked three times: three enrollments aborted with reason same_code, none committed.
  const json events = json::parse(
      v.lockdiag({"--json", "events", "--since", std::to_string(since), "--sim-keypad", "--wait-timeout", "20"}).out);
  int same = 0, committed = 0;
  for (const auto& e : events.at("events")) {
    if (e.value("reason", "") == "same_code") ++same;
    if (e.at("type") == "enroll_committed") ++committed;
  }
  CHECK(same == 3);
  CHECK(committed == 0);
  // No signed report claims a rotation.
  if (fs::exists(v.report_dir())) CHECK(fs::is_empty(v.report_dir()));
  // The slot still opens with its old code.
  CHECK(v.ctl({"type-code", std::to_string(users[0]), "#"}).find("bolt unlocked") != std::string::npos);
}
