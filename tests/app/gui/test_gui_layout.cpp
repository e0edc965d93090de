// What fits a 1366x768 laptop, what the keyboard reaches, and the script driver's captures,
// with no window (Dear ImGui headless, the same views and scripting layer as the app). The
// geometry is the laid-out rectangles the frame records (layout_probe.h), not pixels.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "snake_case_scan.h"
#include "fake_lock.h"
#include "fake_workflows.h"
#include "headless.h"
#include "imgui_internal.h"
#include "layout_probe.h"
#include "lock_text.h"
#include "run_process.h"

using namespace lockdiag;
using lockdiag::test::HeadlessGui;

namespace {

gui::GuiModel::Options fake_options(test::FakeLockState& s, test::FakeWorkflows& wf) {
  gui::GuiModel::Options o;
  o.backend = std::make_unique<test::FakeLockBackend>(s);
  o.job_store = "-";
  o.settings = "-";
  o.discover = false;
  o.worker.poll_interval_ms = 50;
  o.worker.reconnect_period_ms = 20;
  o.runner = wf.runner();
  return o;
}

// A 1366x768 window at `scale`, as the app sets it up, over a filled fake lock.
struct Laptop {
  test::FakeLockState lock;
  test::FakeWorkflows wf{lock};
  gui::GuiModel m;
  HeadlessGui g;
  explicit Laptop(float scale) : m(fake_options((test::fill_fake_lock(lock), lock), wf)), g(m, 1366, 768) {
    m.settings.technician = "Pat Example";
    m.settings.company = "Example Locks";
    m.simulator = wf.simulator();
    gui::setup_style(scale);
    gui::setup_fonts(scale);
    unsigned char* px = nullptr;
    int tw = 0, th = 0;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&px, &tw, &th);
    REQUIRE(g.run_script("connect sim:/fake/lock.sock\nwait_connected 5\nwait_idle 10\n") == "");
  }
  std::vector<std::string> outside(const std::vector<std::string>& names) {
    g.frame();
    g.frame();
    return gui::outside_window(names, 1366, 768);
  }
};

const char* kWizards[] = {"Diagnose", "Handoff audit", "Reset + onboarding", "Code rotation", "Clock sync"};

}  // namespace

TEST_CASE("1366x768 at scale 1 and 1.5: every form's Start, its message, and a wizard's result are inside the window") {
  for (const float scale : {1.0f, 1.5f}) {
    CAPTURE(scale);
    Laptop l(scale);
    for (const char* w : kWizards) {
      CAPTURE(w);
      REQUIRE(l.g.run_script(std::string("view wizard\nclick \"") + w + "\"\n") == "");
      // The longest form: six people, each with a schedule (the reset form), and a message on
      // the bar (the site is missing), which wraps rather than run past the window's edge.
      for (int i = 1; i <= 6; ++i) CHECK(l.m.set_field("enroll." + std::to_string(i) + ".schedule", "days"));
      const auto out = l.outside({"Start", "Back##wz", "form.message"});
      CHECK_MESSAGE(out.empty(), (out.empty() ? "" : out.front()));
      l.m.wizard.reset();
    }
    // A diagnose to its end: the verdict and the bar's buttons stay in view above the findings.
    CHECK(l.g.run_script("view wizard\nclick Diagnose\nset site Bench\nset customer Test\nset complaint_slot 7\n"
                         "click Start\nassist yes\nwait_done 20\nexpect \"Finished: done\"\n") == "");
    const auto out = l.outside({"wizard.result", "New wizard", "Open in Jobs"});
    CHECK_MESSAGE(out.empty(), (out.empty() ? "" : out.front()));
  }
}

TEST_CASE("the geometry check fails when Start is pushed below the window (it catches a layout without the bar)") {
  Laptop l(1.5f);
  REQUIRE(l.g.run_script("view wizard\nclick \"Reset + onboarding\"\n") == "");
  for (int i = 1; i <= 6; ++i) CHECK(l.m.set_field("enroll." + std::to_string(i) + ".schedule", "days"));
  // The same form in a window too short for the bar: Start is not visible, so not recorded.
  ImGui::GetIO().DisplaySize = ImVec2(1366, 60);
  const auto out = l.outside({"Start"});
  REQUIRE(out.size() == 1);
  CHECK(out.front().find("Start") == 0);
}

TEST_CASE("keyboard: Esc asks before cancelling a running wizard, as its Cancel does; Esc again keeps going") {
  Laptop l(1.0f);
  REQUIRE(l.g.run_script(
              "view wizard\nclick Diagnose\nset site Bench\nset customer Test\nclick Start\nwait_prompt 10\n") == "");
  REQUIRE(l.m.wizard.running());
  l.g.press(ImGuiKey_Escape);
  CHECK(l.g.drawn("Cancel the job?"));
  CHECK(l.m.wizard.running());
  l.g.press(ImGuiKey_Escape);  // Esc again: keep going
  l.g.frame();
  CHECK_FALSE(l.g.drawn("Cancel the job?"));
  CHECK(l.m.wizard.running());
  // The Cancel button asks the same question; No keeps going.
  CHECK(l.g.run_script("click \"Cancel##wizard\"\nwait_text \"Cancel the job?\" 2\nclick \"No##cancel\"\n") == "");
  l.g.frame();
  CHECK_FALSE(l.g.drawn("Cancel the job?"));
  CHECK(l.m.wizard.running());
  // Through the script driver's keys: Esc, then Yes.
  CHECK(l.g.run_script("key escape\nwait_text \"Cancel the job?\" 2\nclick \"Yes##cancel\"\nwait_done 10\n"
                       "expect \"Stopped: cancelled by the technician\"\n") == "");
}

TEST_CASE("keyboard: Enter starts a complete form, not one with a field being edited, not an incomplete one") {
  Laptop l(1.0f);
  REQUIRE(l.g.run_script("view wizard\nclick Diagnose\nset customer Test\n") == "");
  l.g.press(ImGuiKey_Enter);  // the site is missing: nothing starts
  CHECK(l.m.wizard.phase == gui::WizardModel::Phase::kForm);
  REQUIRE(l.g.click("Site##wz"));
  l.g.type("Bench");
  l.g.press(ImGuiKey_Enter);  // ends the edit of the site field
  CHECK(l.m.wizard.inputs.site == "Bench");
  CHECK(l.m.wizard.phase == gui::WizardModel::Phase::kForm);
  CHECK(l.g.run_script("key enter\nwait_prompt 10\n") == "");
  CHECK(l.m.wizard.running());
}

TEST_CASE("keyboard: the arrows reach every field of the diagnose form and the bar's Start and Back") {
  Laptop l(1.0f);
  // A complete form: the keyboard skips a disabled Start, as it should.
  REQUIRE(l.g.run_script("view wizard\nclick Diagnose\nset site Bench\nset customer Test\n") == "");
  REQUIRE(l.g.click("Site##wz"));
  l.g.press(ImGuiKey_Enter);  // leave the edit; navigation stays on the field
  REQUIRE(l.m.wizard.phase == gui::WizardModel::Phase::kForm);
  std::set<std::string> reached;
  for (int i = 0; i < 30; ++i) {
    l.g.press(ImGuiKey_DownArrow);
    reached.insert(gui::ui::recorder().last_focused());
    l.g.press(ImGuiKey_RightArrow);
    reached.insert(gui::ui::recorder().last_focused());
    l.g.press(ImGuiKey_LeftArrow);
    reached.insert(gui::ui::recorder().last_focused());
  }
  std::string all;
  for (const auto& r : reached) all += "[" + r + "] ";
  for (const std::string w :
       {"Customer##wz", "Present at the lock##wz", "Notes##wz", "Sign the report", "Start", "Back##wz"}) {
    CAPTURE(w);
    CAPTURE(all);
    CHECK(reached.count(w) == 1);
  }
  // And Tab goes through the text fields.
  REQUIRE(l.g.click("Site##wz"));
  l.g.press(ImGuiKey_Tab);
  CHECK(gui::ui::recorder().last_focused() == "Customer##wz");
}

TEST_CASE("script: screenshot and probe capture the frame they name, before the next action runs") {
  Laptop l(1.0f);
  test::TempDir dir;
  const auto a = (dir.path() / "settings.probe").string(), b = (dir.path() / "events.probe").string();
  REQUIRE(l.g.run_script("view settings\nprobe " + a + "\nview events\nprobe " + b + "\n") == "");
  auto slurp = [](const std::string& f) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  const std::string pa = slurp(a), pb = slurp(b);
  CHECK(pa.find("window 1366 768") == 0);
  CHECK(pa.find("text Technician") != std::string::npos);  // the Settings view
  CHECK(pa.find("text Event log") == std::string::npos);
  CHECK(pb.find("widget ") != std::string::npos);
  CHECK(pb.find("text Technician") == std::string::npos);
  // An unwritable capture fails its line.
  CHECK(l.g.run_script("probe /nonexistent-dir/x.probe\n").find("line 1 (probe)") != std::string::npos);
  CHECK(l.g.run_script("key frobnicate\n").find("no key 'frobnicate'") != std::string::npos);
}

TEST_CASE("every string the GUI draws, across every view and a wizard, has no snake_case identifier") {
  Laptop l(1.0f);
  std::set<std::string> hits;
  gui::ui::recorder().sink = [&](const std::string& s) {
    for (const auto& w : test::snake_case_words(s)) hits.insert(w + "  in: " + s.substr(0, 120));
  };
  CHECK(l.g.run_script(R"S(
    view dashboard
    wait_idle 10
    view slots
    view events
    set event_selected 5
    view jobs
    view settings
    view connect
    view wizard
    click "Diagnose"
    set site Bench
    set customer Test
    set complaint_slot 7
    click Start
    assist yes
    wait_done 20
  )S") == "");
  for (const char* w : kWizards) {
    l.m.wizard.reset();
    REQUIRE(l.g.run_script(std::string("view wizard\nclick \"") + w + "\"\n") == "");
    l.g.frame();
  }
  gui::ui::recorder().sink = nullptr;
  for (const auto& h : hits) FAIL_CHECK("snake_case on screen: " << h);
  CHECK(hits.empty());
}

TEST_CASE("the snake_case scan catches an identifier") {
  CHECK(test::snake_case_words("Step 5: delete_slot_4") == std::vector<std::string>{"delete_slot_4"});
  CHECK(test::snake_case_words("enroll_user_1") == std::vector<std::string>{"enroll_user_1"});
  CHECK(test::snake_case_words("Report: /tmp/job_12/report.json").empty());
  CHECK(test::snake_case_words("Delete slot 4").empty());
}

TEST_CASE("handoff audit form: the keep list is ticked in the slot table; keeping none is said in red before Start") {
  Laptop l(1.0f);
  l.lock.session_open = true;
  REQUIRE(l.g.run_script("view wizard\nclick \"Handoff audit\"\n") == "");
  CHECK(l.g.drawn("The lock's slots are not read yet."));
  REQUIRE(l.g.run_script("click \"Read the slots##pick\"\nwait_idle 10\nwait_text \"Last used\" 5\n") == "");
  CHECK(l.g.drawn("Keep none: every code except the admin's is deleted at the lock"));
  REQUIRE(l.g.click("Keep##slot4"));
  REQUIRE(l.g.click("Keep##slot10"));
  CHECK(l.m.wizard.inputs.keep_slots == "4, 10");
  l.g.frame();
  CHECK_FALSE(l.g.drawn("Keep none:"));
  CHECK(l.g.drawn("Understood: 2 slot(s) kept besides the admin"));
  REQUIRE(l.g.click("Keep##slot4"));  // untick
  CHECK(l.m.wizard.inputs.keep_slots == "10");
  CHECK(l.outside({"Keep##slot0"}).front() == "Keep##slot0 was not drawn");  // the admin: kept, no box
}

TEST_CASE("rotation form: each slot is picked from the slot table; no -1 default; Start refuses until then") {
  Laptop l(1.0f);
  l.lock.session_open = true;
  REQUIRE(
      l.g.run_script(
          "view wizard\nclick \"Code rotation\"\nset site Bench\nset customer Test\n"
          "click \"Add a person\"\nclick \"Read the slots##pick\"\nwait_idle 10\nwait_text \"Choose a slot\" 5\n") ==
      "");
  l.g.frame();
  CHECK(l.m.wizard.inputs.enroll.at(0).slot == -1);
  CHECK(l.g.drawn("Choose a slot"));
  CHECK(l.g.drawn("Fix the slot of person 1 (choose it from the lock's slots)."));
  REQUIRE(l.g.click("Start"));
  CHECK(l.m.wizard.phase == gui::WizardModel::Phase::kForm);  // refused up front
  REQUIRE(l.g.click("Slot##enroll1"));
  REQUIRE(l.g.click("Slot 7: User, last used " +
                    gui::format_time(l.m.device().local_time, l.lock.slots[2].last_used, false, true)));
  CHECK(l.m.wizard.inputs.enroll.at(0).slot == 7);
  l.g.frame();
  CHECK_FALSE(l.g.drawn("Fix the slot of person 1"));
  // A slot the lock does not hold (typed by a script) is refused on the form too.
  CHECK(l.m.set_field("enroll.1.slot", "5"));
  l.g.frame();
  l.g.frame();
  CHECK(l.g.drawn("Fix person 1: slot 5 holds no code to rotate."));
}

TEST_CASE("a low battery is on the form before a session is asked for") {
  Laptop l(1.0f);
  l.lock.battery_mv = 4600;
  REQUIRE(l.g.run_script("view wizard\nclick Diagnose\nset site Bench\nset customer Test\n") == "");
  l.m.refresh();
  CHECK(l.g.run_script("wait_text \"Battery low (4.60 V)\" 5\n") == "");
  CHECK(l.m.wizard.phase == gui::WizardModel::Phase::kForm);
}

TEST_CASE("event log: newest first, and a wrapped log says which events were overwritten") {
  Laptop l(1.0f);
  {
    std::lock_guard lk(l.lock.mu);
    l.lock.events.erase(l.lock.events.begin(), l.lock.events.begin() + 100);  // #1..#100 overwritten
    l.lock.events_truncated = true;
    l.lock.session_open = true;
  }
  REQUIRE(l.g.run_script(
              "view events\nclick \"Read event log\"\nwait_idle 20\nwait_text \"9900 of 9900 events\" 10\n") == "");
  l.g.frame();
  CHECK(l.g.drawn("Log wrapped: events before #101 were overwritten."));
  // The first row under the headers is the newest event.
  const std::string& t = gui::ui::recorder().last_frame_text();
  const size_t at = t.find("Detail\n");
  REQUIRE(at != std::string::npos);
  CHECK(t.compare(at + 7, 6, "10000\n") == 0);
  // The time axis under the timeline: dated ticks from the first event's day to the last's.
  CHECK(l.g.drawn(gui::format_time(l.m.device().local_time, l.lock.events.front().time).substr(0, 10)));
  CHECK(l.g.drawn("log scale"));
}
