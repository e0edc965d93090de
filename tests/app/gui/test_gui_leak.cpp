// No code value in anything the GUI draws. Every string that goes to Dear ImGui passes
// through the GUI's ui layer, which hands it to a sink here; the test walks every view with a
// lock whose people type known codes, and looks for those codes in what was drawn.
#include <doctest/doctest.h>

#include <cctype>
#include <cstdlib>
#include <set>

#include "fake_lock.h"
#include "fake_workflows.h"
#include "headless.h"
#include "lockdiag/app/sim_process.h"
#include "run_process.h"
#include "scenario.h"  // lockfw-sim: scenario_code_values, for leak scanners only

using namespace lockdiag;

namespace {

// Digit runs of a string: a code would be drawn as its own run of digits.
std::vector<std::string> digit_runs(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) cur += c;
    else if (!cur.empty()) out.push_back(std::move(cur)), cur.clear();
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

struct DrawnText {
  std::set<std::string> strings;
  size_t count = 0;
  DrawnText() {
    gui::ui::recorder().sink = [this](const std::string& s) {
      ++count;
      strings.insert(s);
    };
  }
  ~DrawnText() { gui::ui::recorder().sink = nullptr; }
  // Strings that contain one of the codes as a whole run of digits, or anywhere for long codes.
  std::vector<std::string> leaks(const std::vector<std::string>& codes) const {
    std::vector<std::string> bad;
    for (const auto& s : strings)
      for (const auto& code : codes) {
        bool hit = code.size() >= 6 && s.find(code) != std::string::npos;
        for (const auto& run : digit_runs(s)) hit |= run == code;
        if (hit) bad.push_back(s);
      }
    return bad;
  }
};

}  // namespace

TEST_CASE("no code value appears in any text the GUI draws, across every view and a wizard") {
  test::FakeLockState lock;
  test::fill_fake_lock(lock);
  lock.codes = {"482916", "90210455", "3141592653", "271828", "8675309"};
  test::FakeWorkflows wf{lock};
  gui::GuiModel::Options o;
  o.backend = std::make_unique<test::FakeLockBackend>(lock);
  o.job_store = "-";
  o.settings = "-";
  o.discover = false;
  o.worker.poll_interval_ms = 50;
  o.runner = wf.runner();
  gui::GuiModel m(std::move(o));
  m.settings.technician = "Pat Example";
  m.settings.company = "Example Locks";
  m.simulator = wf.simulator();
  test::HeadlessGui g(m);
  DrawnText drawn;

  {
    std::lock_guard lk(lock.mu);
    lock.session_open = true;
  }
  CHECK(g.run_script(R"S(
    connect sim:/fake/lock.sock
    wait_connected 5
    wait_text "Service session open" 5
    click "Read slots"
    wait_idle 5
    wait_text "40 occupied" 5
    view dashboard
    click "Read event log"
    wait_idle 10
    wait_text "10000 of 10000 events" 5
    set event_selected 0
    set event_type 3
    set event_selected 1
    set event_type 2
    set event_selected 0
    set event_type 0
    view slots
    set slot_filter user
    set slot_filter ""
    view jobs
    view settings
    view connect
    view wizard
    click "Diagnose"
    set site "Bench"
    set customer "Test"
    click "Start"
    wait_text "Set it from this laptop?" 10
    click "Yes"
    wait_done 10
    click "New wizard"
    click "Handoff audit"
    set site "Bench"
    set customer "Test"
    set keep_slots "1 4"
    click "Start"
    wait_text "does not keep?" 10
    click "Yes"
    wait_prompt 10
    click "Simulate at the lock"
    wait_done 10
    view dashboard
  )S") == "");
  // Every event row, as if scrolled through: the details pane of each refusal too.
  m.view = gui::View::kEvents;
  for (int i = 0; i < 10000; i += 97) {
    m.events.selected = i;
    g.frame();
  }

  CHECK(drawn.count > 2000);
  CHECK(drawn.strings.size() > 300);
  const auto bad = drawn.leaks(lock.codes);
  for (const auto& s : bad) FAIL_CHECK("a code value was drawn in: " << s);
  CHECK(bad.empty());
}

TEST_CASE("the leak scan finds a code when one is drawn (the test can fail)") {
  test::FakeLockState lock;
  gui::GuiModel::Options o;
  o.backend = std::make_unique<test::FakeLockBackend>(lock);
  o.job_store = "-";
  o.settings = "-";
  o.discover = false;
  gui::GuiModel m(std::move(o));
  test::HeadlessGui g(m);
  DrawnText drawn;
  m.settings.technician = "Pat 482916";  // as if someone typed a code into a text field
  m.view = gui::View::kSettings;
  g.frame();
  CHECK(drawn.leaks({"482916"}).size() == 1);
}

TEST_CASE("lockfw-sim occupied-rental: people type their codes at the lock while the GUI watches; none is drawn") {
  if (!std::getenv("LOCKDIAG_BIN_DIR")) return;
  const std::string scenario = "occupied-rental";
  const auto codes = lockfw::host::scenario_code_values(scenario);
  REQUIRE(codes.size() >= 4);
  test::TempDir dir;
  auto sim = app::SimProcess::start({dir.path() / "sim", {"--scenario", scenario}, test::bin_dir() / "lockfw-sim"});
  REQUIRE_MESSAGE(sim.has_value(), (sim ? "" : sim.error()));
  gui::GuiModel::Options o;
  o.job_store = "-";
  o.settings = "-";
  o.discover = false;
  o.worker.poll_interval_ms = 100;
  gui::GuiModel m(std::move(o));
  m.settings.technician = "Pat Example";
  m.settings.company = "Example Locks";
  test::HeadlessGui g(m);
  DrawnText drawn;
  CHECK(g.run_script("connect " + sim->uri() + "\nwait_connected 10\nwait_text \"Dashboard\" 5\n") == "");

  auto ctl = [&](std::vector<std::string> words) {
    std::vector<std::string> argv{(test::bin_dir() / "lockfw-sim").string(), "ctl", "--socket", sim->socket().string()};
    argv.insert(argv.end(), words.begin(), words.end());
    auto r = test::run_process(argv);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
  };
  ctl({"open-session"});
  ctl({"type-code", "1"});
  ctl({"type-code", "2"});
  ctl({"keypad", "0000#"});  // a wrong code
  ctl({"type-person", "bob"});
  CHECK(g.run_script(R"S(
    wait_text "Service session open" 10
    click "Read slots"
    wait_idle 10
    view events
    click "Read event log##events"
    wait_idle 15
    view slots
    view wizard
    click "Diagnose"
    set site "Bench"
    set customer "Test"
    click "Start"
    wait_done 30
    view jobs
    view settings
    view connect
    view dashboard
  )S") == "");
  CHECK(drawn.strings.size() > 50);
  const auto bad = drawn.leaks(codes);
  for (const auto& s : bad) FAIL_CHECK("a code value was drawn in: " << s);
  CHECK(bad.empty());
}
