// End to end: the service session a lockdiag process opened at the (virtual)
// keypad is that process's channel's. A second program on the same lockfw-sim service socket
// (here: this test process, a client of its own) gets SESSION_REQUIRED for every privileged
// request and changes nothing; lockdiag's read commands arm and wait for "* 0 #" themselves.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>

#include "lockdiag/app/connection.h"
#include "workflow_harness.h"

using namespace lockdiag;
using namespace lockdiag::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Runs `lockdiag ARGS` in a thread while the owner types "admin code * 0 #" at the keypad, as long
// as lockdiag runs.
ProcessResult run_while_owner_types(Visit& v, const std::vector<std::string>& args, int* typed) {
  std::vector<std::string> argv{(bin_dir() / "lockdiag").string(), "--device", v.sim().uri()};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r;
  std::atomic<bool> done{false};
  std::thread t([&] {
    r = run_process(argv);
    done = true;
  });
  // The owner keeps typing until lockdiag is done: "ok session open" can answer a session still
  // open for the previous lockdiag before this one has armed (ASan is slow to arm), so it is no
  // sign that this program got its session. Typing with nothing armed is not checked or counted.
  bool opened = false;
  while (!done) {
    std::this_thread::sleep_for(100ms);
    opened |= v.ctl({"open-session"}).find("ok session open") != std::string::npos;
    ++*typed;
  }
  t.join();
  CHECK(opened);
  return r;
}

}  // namespace

TEST_CASE("lockdiag slots arms, asks for * 0 # and waits; the session it gets is refused to a second program") {
  Visit v("occupied-rental");
  int typed = 0;
  auto r = run_while_owner_types(v, {"--json", "slots", "--wait-timeout", "20"}, &typed);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("types the admin code, then * 0 #") != std::string::npos);  // the workflows' prompt
  const auto slots = json::parse(r.out).at("slots");
  REQUIRE(slots.size() >= 2);

  // The attacker: another program on the same laptop, its own channel on the sim's service socket.
  auto attacker = app::connect(v.sim().uri());
  REQUIRE(attacker.has_value());
  auto s = attacker->session();
  REQUIRE(s.has_value());
  CHECK(s->state == drivers::SessionState::kNone);  // the session is not its own
  auto st = attacker->status();
  REQUIRE(st.has_value());
  CHECK(st->withheld);  // clock, lockout and log withheld as without a session
  CHECK(st->session == drivers::SessionState::kNone);

  auto refused = [](const auto& result, const char* what) {
    CAPTURE(what);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == drivers::ErrorKind::kLockRefused);
    CHECK_MESSAGE(result.error().message.find("belongs to another program") != std::string::npos,
                  result.error().message);
  };
  refused(attacker->read_slots(), "read slots");
  refused(attacker->set_clock(1000000000u, 0), "set the clock back years");
  refused(attacker->set_slot_enabled(static_cast<uint16_t>(slots.at(1).at("index").get<int>()), false),
          "disable a slot");
  drivers::LockoutPolicy weak{};
  weak.wrong_code_limit = 100;
  refused(attacker->set_lockout_policy(weak), "weaken the lockout policy");
  refused(attacker->get_lockout_policy(), "read the lockout policy");

  // Nothing changed: lockdiag (a new process: the owner opens a session for it) sees the same table.
  const int before = typed;
  auto again = run_while_owner_types(v, {"--json", "slots", "--wait-timeout", "20"}, &typed);
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out).at("slots") == slots);
  CHECK(typed > before);
  check_no_code_leaks(v);
}

TEST_CASE("a read command with nobody at the lock stops after --wait-timeout with what to do, exit 8") {
  Visit v("occupied-rental");
  for (const auto& cmd : std::vector<std::vector<std::string>>{{"slots", "--wait-timeout", "1"},
                                                               {"events", "--wait-timeout", "1"},
                                                               {"status", "--session", "--wait-timeout", "1"}}) {
    CAPTURE(cmd[0]);
    auto r = v.lockdiag(cmd);
    CHECK(r.exit_code == 8);
    CHECK_MESSAGE(r.err.find("no service session was opened at the lock within 1 s") != std::string::npos, r.err);
    CHECK(r.out.empty());
  }
  // Without --session, status reads what needs no session and does not wait.
  auto st = v.lockdiag({"--json", "status"});
  REQUIRE(st.exit_code == 0);
  CHECK(json::parse(st.out).at("withheld") == true);
  // --sim-keypad is for virtual locks only.
  auto bad = run_process({(bin_dir() / "lockdiag").string(), "--device", "hid:/dev/null", "slots", "--sim-keypad"});
  CHECK(bad.exit_code != 0);
}

TEST_CASE("lockdiag events and status --session with --sim-keypad open their own session") {
  Visit v("occupied-rental");
  auto ev = v.lockdiag({"--json", "events", "--sim-keypad", "--wait-timeout", "20"});
  REQUIRE_MESSAGE(ev.exit_code == 0, ev.err);
  bool opened = false;
  const json events = json::parse(ev.out);  // not a temporary: the loop would iterate a destroyed object
  for (const auto& e : events.at("events")) opened |= e.at("type") == "session_opened";
  CHECK(opened);
  auto st = v.lockdiag({"--json", "status", "--session", "--sim-keypad", "--wait-timeout", "20"});
  REQUIRE_MESSAGE(st.exit_code == 0, st.err);
  CHECK(json::parse(st.out).contains("clock"));
}

TEST_CASE("lockdiag events names who changed the clock: the workflow's service session (issue 11 item 7)") {
  Visit v("clock-lost");
  auto r = v.workflow("clock-sync", {"--json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto text = v.lockdiag({"events", "--sim-keypad", "--wait-timeout", "20"});
  REQUIRE_MESSAGE(text.exit_code == 0, text.err);
  bool named = false;
  std::istringstream lines(text.out);
  for (std::string line; std::getline(lines, line);)
    if (line.find("Clock set") != std::string::npos) named |= line.find("by service session ") != std::string::npos;
  CHECK_MESSAGE(named, text.out);
  CHECK(text.out.find("clock_set") == std::string::npos);          // plain words, not the machine name
  CHECK(text.out.find("Who made a change") == std::string::npos);  // folded, not shown as raw records
  auto js = v.lockdiag({"--json", "events", "--sim-keypad", "--wait-timeout", "20"});
  REQUIRE_MESSAGE(js.exit_code == 0, js.err);
  const json j = json::parse(js.out);
  int with_source = 0;
  for (const auto& e : j.at("events"))
    if (e.at("type") == "clock_set" && e.contains("changed_by") && e.at("changed_by").at("kind") == "service")
      ++with_source;
  CHECK(with_source >= 1);
  check_no_code_leaks(v);
}
