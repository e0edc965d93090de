// The wizards over the core's real workflows (run_job / resume_job) against lockfw-sim, with
// "Simulate at the lock" doing what the person at the keypad would do.
#include <doctest/doctest.h>

#include <cstdlib>

#include "headless.h"
#include "lockdiag/app/sim_process.h"
#include "lockfw/wire.h"
#include "run_process.h"
#include "workflow_runner.h"

using namespace lockdiag;

namespace {

struct Rig {
  test::TempDir dir;
  std::optional<app::SimProcess> sim;
  std::unique_ptr<gui::GuiModel> m;
  std::unique_ptr<test::HeadlessGui> g;

  explicit Rig(const std::string& scenario) {
    auto s = app::SimProcess::start({dir.path() / "sim", {"--scenario", scenario}, test::bin_dir() / "lockfw-sim"});
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error()));
    sim.emplace(std::move(*s));
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

  // Runs the wizard to its end, acting at the virtual lock for every prompt and answering
  // every question with `yes`.
  bool drive(bool yes = true, int timeout_ms = 120000) {
    std::string last_prompt;
    return g->run_until(
        [&] {
          const auto& v = m->wizard.view();
          if (m->wizard.phase == gui::WizardModel::Phase::kDone) return true;
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
};

}  // namespace

TEST_CASE("diagnose wizard on lockfw-sim occupied-rental runs the core's workflow to a signed report") {
  if (!std::getenv("LOCKDIAG_BIN_DIR")) return;
  Rig r("occupied-rental");
  CHECK(r.g->run_script("connect " + r.sim->uri() +
                        "\nwait_connected 10\nview wizard\nclick Diagnose\nset site \"Flat 3\"\nset customer \"A. Owner\"\nset complaint_slot 1\n"
                        "click Start\nwait_prompt 30\nexpect \"At the lock\"\n") == "");
  REQUIRE(r.drive());
  const auto& res = r.m->wizard.view().result;
  INFO("error: " << res.error << " summary: " << res.summary);
  CHECK(res.ok);
  CHECK(res.job_id > 0);
  CHECK_FALSE(res.findings.empty());
  CHECK_FALSE(r.m->wizard.view().steps.empty());
  r.g->frame();
  CHECK(r.g->drawn("Finished: done"));
  // The job is in the store, and the Jobs view lists it.
  r.m->refresh_jobs();
  REQUIRE_FALSE(r.m->jobs().empty());
  CHECK(r.m->jobs().front().kind == "diagnose");
  CHECK(r.m->jobs().front().state == app::JobState::kDone);
}

TEST_CASE("handoff audit wizard on lockfw-sim occupied-rental: keep two slots, the rest removed, confirmed at the lock") {
  if (!std::getenv("LOCKDIAG_BIN_DIR")) return;
  Rig r("occupied-rental");
  CHECK(r.g->run_script("connect " + r.sim->uri() +
                        "\nwait_connected 10\nview wizard\nclick \"Handoff audit\"\nset keep_slots \"1 2\"\n"
                        "set present \"new owner\"\nset site \"Villa Rosa\"\nset customer \"B. Buyer\"\nclick Start\nwait_prompt 30\n") == "");
  REQUIRE(r.drive());
  const auto& res = r.m->wizard.view().result;
  INFO("error: " << res.error << " summary: " << res.summary);
  CHECK(res.ok);
  r.m->refresh_jobs();
  REQUIRE_FALSE(r.m->jobs().empty());
  CHECK(r.m->jobs().front().kind == "handoff_audit");
  CHECK(r.m->jobs().front().state == app::JobState::kDone);
  // Only the admin and the kept slots remain (the workflow closed its session: the owner
  // opens a new one to let us look).
  auto ctl = test::run_process({(test::bin_dir() / "lockfw-sim").string(), "ctl", "--socket",
                                r.sim->socket().string(), "open-session"});
  CHECK(ctl.exit_code == 0);
  CHECK(r.g->run_until([&] { return r.m->session_open(); }, 10000));
  r.m->read_slots();
  CHECK(r.g->run_until([&] { return r.m->device().slots && r.m->device().busy.empty(); }, 10000));
  REQUIRE(r.m->device().slots);
  for (const auto& s : *r.m->device().slots)
    CHECK((s.role == lockfw::wire::kRoleAdmin || s.index == 1 || s.index == 2));
}
