// The wizards over the core's real workflows (run_job / resume_job) against lockfw-sim, with
// "Simulate at the lock" doing what the person at the keypad would do.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "headless.h"
#include "lockdiag/app/connection.h"
#include "lockdiag/app/enroll_spec.h"
#include "lockdiag/app/sim_process.h"
#include "lockdiag/reports/keys.h"
#include "lockdiag/reports/verify.h"
#include "lockdiag/reports/visit.h"
#include "lockfw/wire.h"
#include "run_process.h"
#include "workflow_runner.h"

using namespace lockdiag;

namespace {

struct Rig {
  test::TempDir dir;
  app::SimProcess::Options sim_options;
  std::optional<app::SimProcess> sim;
  std::unique_ptr<gui::GuiModel> m;
  std::unique_ptr<test::HeadlessGui> g;

  explicit Rig(const std::string& scenario) {
    // The technician's signing key is created here, not in the home of whoever runs the tests.
    setenv("XDG_DATA_HOME", (dir.path() / "data").c_str(), 1);
    sim_options = {dir.path() / "sim", {"--scenario", scenario}, test::bin_dir() / "lockfw-sim"};
    start_sim();
    gui::GuiModel::Options o;
    o.job_store = dir.path() / "jobs.sqlite";
    o.settings = "-";
    o.discover = false;
    o.worker.poll_interval_ms = 200;
    o.runner = gui::default_workflow_runner();
    m = std::make_unique<gui::GuiModel>(std::move(o));
    m->simulator = gui::default_simulator();
    m->settings.technician = "Pat Example";
    m->settings.company = "Example Locks";
    m->settings.report_dir = (dir.path() / "reports").string();
    g = std::make_unique<test::HeadlessGui>(*m);
  }

  // lockfw-sim on the same socket and state file: the same lock, as after a cable pull (its
  // flash survives; what it held only in RAM, like an open service session, does not).
  void start_sim() {
    auto s = app::SimProcess::start(sim_options);
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error()));
    sim.emplace(std::move(*s));
  }
  void stop_sim() { sim.reset(); }

  std::string ctl(const std::string& command) {
    auto r = test::run_process({(test::bin_dir() / "lockfw-sim").string(), "ctl", "--socket",
                                sim_options.directory.string() + "/lock.sock", command});
    return r.exit_code == 0 ? r.out : "error: " + r.out + r.err;
  }

  // Runs the wizard, acting at the virtual lock for every prompt and answering every
  // question with `yes`, until it is done (true) or `stop_at()` holds before an action (true).
  bool drive(const std::function<bool()>& stop_at = {}, bool yes = true, int timeout_ms = 120000) {
    std::string last_prompt;
    return g->run_until(
        [&] {
          const auto& v = m->wizard.view();
          if (m->wizard.phase == gui::WizardModel::Phase::kDone) return true;
          if (stop_at && !m->simulating() && stop_at()) return true;
          if (v.question) m->wizard.answer(yes);
          if (v.prompt && m->can_simulate_at_lock() && !m->simulating()) {
            const std::string key = v.prompt->text + std::to_string(v.steps.size());
            if (key != last_prompt || m->simulate_status.rfind("Could not", 0) == 0) {
              last_prompt = key;
              m->simulate_at_lock();
            }
          }
          return false;
        },
        timeout_ms);
  }

  // The wizard's log and the last virtual-lock action, for failure messages.
  std::string log() const {
    std::string out;
    for (const auto& n : m->wizard.view().notes) out += "\n  " + n;
    for (const auto& st : m->wizard.view().steps) out += "\n  step " + st.name + ": " + st.state;
    return out + "\n  simulate: " + m->simulate_status;
  }

  // The owner opens a session at the lock (workflows close theirs) and the GUI reads the
  // slot table and the whole event log.
  void read_lock() {
    // 1.4: the code opens the session for the GUI's channel once its worker armed it (next poll).
    bool open = false;
    for (int i = 0; i < 20 && !open; ++i) {
      CHECK(ctl("open-session").rfind("ok", 0) == 0);
      open = g->run_until([&] { return m->session_open(); }, 500);
    }
    CHECK(open);
    m->read_slots();
    CHECK(g->run_until([&] { return m->device().slots && m->device().busy.empty(); }, 10000));
    m->read_events();
    CHECK(g->run_until([&] { return m->device().events && m->device().busy.empty(); }, 20000));
  }
};

}  // namespace

TEST_CASE("diagnose wizard on lockfw-sim occupied-rental runs the core's workflow to a signed report") {
  if (!std::getenv("LOCKDIAG_BIN_DIR")) return;
  Rig r("occupied-rental");
  CHECK(r.g->run_script("connect " + r.sim->uri() +
                        "\nwait_connected 10\nview wizard\nclick Diagnose\nset site \"Flat 3\"\nset customer \"A. "
                        "Owner\"\nset complaint_slot 1\n"
                        "click Start\nwait_prompt 30\nexpect \"At the lock\"\n") == "");
  // The step with the plan's count and its purpose from core, the wait as a countdown.
  CHECK(r.g->run_until([&] { return r.g->drawn(" left to open the service session"); }, 5000));
  CHECK(r.g->drawn("Step 2 of 5: Open a service session"));
  CHECK(r.g->drawn(reports::step_purpose("open_session")));
  REQUIRE(r.drive());
  const auto& res = r.m->wizard.view().result;
  INFO("error: " << res.error << " summary: " << res.summary << r.log());
  CHECK(res.ok);
  CHECK(res.job_id > 0);
  CHECK_FALSE(res.findings.empty());
  CHECK_FALSE(r.m->wizard.view().steps.empty());
  CHECK(r.m->wizard.view().total_steps == static_cast<int>(r.m->wizard.view().steps.size()));
  r.g->frame();
  CHECK(r.g->drawn("Finished: done"));
  // The job is in the store, and the Jobs view lists it.
  r.m->refresh_jobs();
  REQUIRE_FALSE(r.m->jobs().empty());
  CHECK(r.m->jobs().front().kind == "diagnose");
  CHECK(r.m->jobs().front().state == app::JobState::kDone);
}

TEST_CASE(
    "handoff audit wizard on lockfw-sim occupied-rental: keep two slots, the rest removed, confirmed at the lock") {
  if (!std::getenv("LOCKDIAG_BIN_DIR")) return;
  Rig r("occupied-rental");
  CHECK(r.g->run_script("connect " + r.sim->uri() +
                        "\nwait_connected 10\nview wizard\nclick \"Handoff audit\"\nset keep_slots \"1 2\"\n"
                        "set present \"new owner\"\nset site \"Villa Rosa\"\nset customer \"B. Buyer\"\nclick "
                        "Start\nwait_prompt 30\n") == "");
  REQUIRE(r.drive());
  const auto& res = r.m->wizard.view().result;
  INFO("error: " << res.error << " summary: " << res.summary << r.log());
  CHECK(res.ok);
  r.m->refresh_jobs();
  REQUIRE_FALSE(r.m->jobs().empty());
  CHECK(r.m->jobs().front().kind == "handoff_audit");
  CHECK(r.m->jobs().front().state == app::JobState::kDone);
  // Only the admin and the kept slots remain (the workflow closed its session: the owner
  // opens a new one to let us look).
  // (1.4: the code opens it for the GUI's channel once its worker armed it, at its next poll.)
  bool open = false;
  for (int i = 0; i < 20 && !open; ++i) {
    auto ctl = test::run_process(
        {(test::bin_dir() / "lockfw-sim").string(), "ctl", "--socket", r.sim->socket().string(), "open-session"});
    CHECK(ctl.exit_code == 0);
    open = r.g->run_until([&] { return r.m->session_open(); }, 500);
  }
  CHECK(open);
  r.m->read_slots();
  CHECK(r.g->run_until([&] { return r.m->device().slots && r.m->device().busy.empty(); }, 10000));
  REQUIRE(r.m->device().slots);
  for (const auto& s : *r.m->device().slots) CHECK((s.role == drivers::Role::kAdmin || s.index == 1 || s.index == 2));
}

TEST_CASE(
    "handoff audit wizard: the lock is unplugged while a deletion waits at the lock, comes back, the job resumes") {
  if (!std::getenv("LOCKDIAG_BIN_DIR")) return;
  Rig r("occupied-rental");
  CHECK(r.g->run_script("connect " + r.sim->uri() +
                        "\nwait_connected 10\nview wizard\nclick \"Handoff audit\"\nset keep_slots \"1 2\"\n"
                        "set present \"new owner\"\nset site \"Villa Rosa\"\nset customer \"B. Buyer\"\nclick "
                        "Start\nwait_prompt 30\n") == "");
  // Slots 3 to 7 go (carol and the four guest codes). Slot 3 goes as usual; the cable comes
  // out while the deletion of slot 4 waits for the owner at the lock.
  auto waiting_for_slot_4 = [&] {
    const auto& p = r.m->wizard.view().prompt;
    return p && p->action == app::LockPrompt::Action::kConfirmAtLock && p->slot == 4;
  };
  REQUIRE(r.drive(waiting_for_slot_4));
  CHECK(r.g->run_until([&] { return r.g->drawn(" left to confirm at the lock"); }, 5000));  // a countdown
  REQUIRE(r.m->wizard.running());
  const std::string serial = r.m->device().identity->serial;
  r.stop_sim();

  CHECK(r.g->run_until([&] { return r.m->wizard.view().paused; }, 10000));
  CHECK(r.g->run_until([&] { return r.g->drawn("Paused: cable out"); }, 2000));
  // The deletion the cable pull stopped is "paused: cable out", not "failed" (the core's word).
  CHECK(r.g->drawn("paused: cable out"));
  bool paused_step = false;
  for (const auto& st : r.m->wizard.view().steps) {
    CHECK_MESSAGE(st.state != "failed", st.name);
    paused_step = paused_step || (st.name == "delete_slot_4" && st.state == "paused: cable out");
  }
  CHECK(paused_step);
  CHECK(r.m->device().link == app::LinkState::kReconnecting);
  CHECK(r.g->drawn("waiting for the lock to come back"));
  // Paused, not given up: it stays so while the lock is away.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  CHECK(r.g->run_until([&] { return r.m->wizard.running() && r.m->wizard.view().paused; }, 100));
  r.m->refresh_jobs();
  REQUIRE(r.m->jobs().size() == 1);
  const int64_t job_id = r.m->jobs().front().id;
  CHECK(r.m->jobs().front().state == app::JobState::kInterrupted);

  r.start_sim();  // the same lock again: same socket, same state file
  CHECK(r.g->run_until([&] { return !r.m->wizard.view().paused; }, 10000));
  REQUIRE(r.drive());
  const auto& res = r.m->wizard.view().result;
  INFO("error: " << res.error << " summary: " << res.summary << r.log());
  CHECK(res.ok);
  CHECK(res.job_id == job_id);
  CHECK(r.m->device().identity->serial == serial);
  CHECK(r.m->device().reconnects >= 1);
  r.g->frame();
  CHECK(r.g->drawn("Finished: done"));

  // One job, the same one, finished; each deletion recorded once, done and confirmed.
  r.m->refresh_jobs();
  REQUIRE(r.m->jobs().size() == 1);
  CHECK(r.m->jobs().front().id == job_id);
  CHECK(r.m->jobs().front().state == app::JobState::kDone);
  auto steps = r.m->store()->steps(job_id);
  REQUIRE(steps.has_value());
  std::map<std::string, int> step_count;
  for (const auto& s : *steps) {
    ++step_count[s.name];
    CHECK_MESSAGE(s.state == app::StepState::kDone, s.name);
  }
  for (const std::string name : {"delete_slot_3", "delete_slot_4", "delete_slot_5", "delete_slot_6", "delete_slot_7"})
    CHECK_MESSAGE(step_count[name] == 1, name);
  CHECK(step_count.count("delete_slot_1") == 0);
  CHECK(step_count.count("delete_slot_2") == 0);

  // The lock: the admin and the kept slots remain; each removed code was deleted exactly once.
  r.read_lock();
  REQUIRE(r.m->device().slots);
  std::set<int> left;
  for (const auto& s : *r.m->device().slots) left.insert(s.index);
  CHECK(left == std::set<int>{0, 1, 2});
  REQUIRE(r.m->device().events);
  std::map<int, int> deletions;
  for (const auto& e : *r.m->device().events)
    if (e.type == drivers::EventType::kCodeDeleted) ++deletions[e.slot];
  CHECK(deletions == std::map<int, int>{{3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}});

  // The signed report verifies against the technician's own key and tells the same story.
  REQUIRE_FALSE(res.report_json.empty());
  auto bytes = reports::read_report_file(res.report_json);
  REQUIRE(bytes.has_value());
  auto keys = reports::KeyStore::open_default();
  REQUIRE(keys.has_value());
  auto key = keys->info();
  REQUIRE(key.has_value());
  auto v = reports::verify(*bytes, key->public_key);
  REQUIRE_MESSAGE(v.has_value(), (v ? "" : v.error().message));
  CHECK(v->key_trusted);
  CHECK(v->report.lock.serial == serial);
  REQUIRE(v->report.after.has_value());
  CHECK(v->report.before.occupied() == 8);
  CHECK(v->report.after->occupied() == 3);
  int deletes = 0;
  for (const auto& s : v->report.steps)
    if (s.action.rfind("delete_slot", 0) == 0) {
      ++deletes;
      CHECK(s.confirmed_at_lock);
    }
  CHECK(deletes == 5);
}

TEST_CASE("reset + onboarding wizard: a week-day schedule entered with mouse and keyboard ends on the lock's slot") {
  if (!std::getenv("LOCKDIAG_BIN_DIR")) return;
  Rig r("occupied-rental");
  CHECK(
      r.g->run_script("connect " + r.sim->uri() +
                      "\nwait_connected 10\nview wizard\nclick \"Reset + onboarding\"\nset site \"Flat 9\"\n"
                      "set customer \"C. Newowner\"\nset ownership_evidence \"deed shown\"\nset present \"new owner\"\n"
                      "click \"Add a person\"\n") == "");
  auto& g = *r.g;
  // The person (the virtual lock knows a "new-user" who types at its keypad).
  REQUIRE(g.click("Who##enroll1"));
  g.type("new-user");
  g.press(ImGuiKey_Enter);
  // The kind, from the drop-down.
  REQUIRE(g.click("Works##sched1"));
  REQUIRE(g.click("On week days"));
  // Monday and Wednesday by mouse, then Thursday with the keyboard: right arrow, space.
  REQUIRE(g.click("Mon##sched1"));
  REQUIRE(g.click("Wed##sched1"));
  g.press(ImGuiKey_RightArrow);
  g.press(ImGuiKey_Space);
  // The window: click the start time (its text is selected), type, Tab to the end time, type.
  REQUIRE(g.click("From##sched1"));
  g.type("09:00");
  g.press(ImGuiKey_Tab);
  g.type("17:30");
  g.press(ImGuiKey_Enter);
  g.frame();

  const auto& line = r.m->wizard.inputs.enroll.at(0);
  CHECK(line.label == "new-user");
  CHECK(line.schedule.kind == gui::ScheduleForm::kWeekdays);
  CHECK(line.schedule.days == std::array<bool, 7>{true, false, true, true, false, false, false});
  CHECK(line.schedule.start == "09:00");
  CHECK(line.schedule.end == "17:30");
  // The form shows the command line that does the same; the CLI's parser reads it identically.
  const std::string spec = "new-user:user:days=mon,wed,thu@09:00-17:30";
  CHECK(gui::enroll_spec(line) == spec);
  CHECK(g.drawn("As on the command line: --enroll \"" + spec + "\""));
  CHECK_FALSE(g.drawn("Person 1:"));
  auto cli_plan = app::parse_enroll_spec(spec);
  REQUIRE(cli_plan.has_value());

  CHECK(g.run_script("click Start\nwait_prompt 30\n") == "");
  REQUIRE(r.drive());
  const auto& res = r.m->wizard.view().result;
  INFO("error: " << res.error << " summary: " << res.summary << r.log());
  CHECK(res.ok);
  r.m->refresh_jobs();
  REQUIRE(r.m->jobs().size() == 1);
  CHECK(r.m->jobs().front().kind == "reset_onboarding");
  CHECK(r.m->jobs().front().state == app::JobState::kDone);

  // The lock, read through the core's client: the new admin and the new user, whose slot
  // carries the week-day window exactly as entered.
  // (1.4: the GUI, still connected, keeps its request for a session armed; first arm holds, so
  // it disconnects and withdraws it, and the session the owner opens is this client's.)
  r.m->disconnect();
  auto client = app::connect(r.sim->uri());
  REQUIRE(client.has_value());
  bool armed = false;
  for (int i = 0; i < 50 && !armed; ++i) {
    armed = client->arm_session().has_value();
    if (!armed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(armed);
  CHECK(r.ctl("open-session").rfind("ok", 0) == 0);
  auto slots = client->read_slots();
  REQUIRE(slots.has_value());
  REQUIRE(slots->size() == 2);
  const drivers::SlotRecord* user = nullptr;
  for (const auto& s : *slots)
    if (s.role == drivers::Role::kUser) user = &s;
  REQUIRE(user != nullptr);
  CHECK(user->kind == drivers::CodeKind::kWeekday);
  CHECK(user->schedule.days_mask == ((1 << 1) | (1 << 3) | (1 << 4)));  // bit 0 is Sunday
  CHECK(user->schedule.start_minute == 9 * 60);
  CHECK(user->schedule.end_minute == 17 * 60 + 30);
  CHECK(user->schedule == cli_plan->schedule);
}
