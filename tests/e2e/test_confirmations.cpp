// Confirmations at the lock, through the core's workflows against lockfw-sim: a wrong code
// typed to confirm is a typo (the lock denies, the workflow asks again), "* #" is the owner
// saying no (the job ends and nothing more is deleted), and three wrong codes leave the job
// waiting to be resumed.
#include <doctest/doctest.h>

#include <deque>

#include "lockdiag/app/connection.h"
#include "lockdiag/app/sim_keypad.h"
#include "lockdiag/app/sim_process.h"
#include "lockdiag/app/workflow.h"
#include "run_process.h"

using namespace lockdiag;

namespace {

// Plays the person at a virtual keypad: every prompt is acted on as asked, except confirmations,
// which follow `confirm_script` ("confirm", "deny", or keys such as "13579#") while it lasts.
class ScriptedOwner : public app::Operator {
 public:
  ScriptedOwner(const app::SimProcess& sim, std::deque<std::string> confirm_script)
      : sim_(sim), script_(std::move(confirm_script)) {}

  void step(int, const std::string& name, const std::string& state) override { steps.push_back(name + ":" + state); }
  void prompt(const app::LockPrompt& p) override {
    if (p.action == app::LockPrompt::Action::kConfirmAtLock) {
      ++confirm_prompts;
      if (!script_.empty()) {
        const std::string next = script_.front();
        script_.pop_front();
        if (next == "confirm" || next == "deny") ctl({next});
        else ctl({"keypad", next});
        return;
      }
    }
    auto words = app::sim_actions_for(p, {{"admin", "owner"}});
    if (!words.empty()) ctl(words);
  }
  void progress(const std::string&, size_t, size_t) override {}
  void note(const std::string& text) override { notes.push_back(text); }
  std::optional<bool> confirm(const std::string&, const std::string&) override { return false; }
  bool cancelled() const override { return false; }

  std::string ctl(const std::vector<std::string>& words) const {
    std::vector<std::string> argv{(test::bin_dir() / "lockfw-sim").string(), "ctl", "--socket", sim_.socket().string()};
    argv.insert(argv.end(), words.begin(), words.end());
    return test::run_process(argv).out;
  }

  int confirm_prompts = 0;
  std::vector<std::string> steps, notes;

 private:
  const app::SimProcess& sim_;
  std::deque<std::string> script_;
};

struct Bench {
  test::TempDir dir;
  std::optional<app::SimProcess> sim;
  std::optional<drivers::Client> client;
  std::optional<app::JobStore> store;

  Bench() {
    auto s = app::SimProcess::start(
        {dir.path() / "lock", {"--scenario", "occupied-rental"}, test::bin_dir() / "lockfw-sim"});
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error()));
    sim.emplace(std::move(*s));
    auto c = app::connect(sim->uri());
    REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().message));
    client.emplace(std::move(*c));
    auto st = app::JobStore::open(dir.path() / "jobs.sqlite");
    REQUIRE_MESSAGE(st.has_value(), (st ? "" : st.error().message));
    store.emplace(std::move(*st));
  }

  app::WorkflowResult<app::JobOutcome> audit(ScriptedOwner& owner) {
    app::WorkflowEnv env{*client, *store, owner, nullptr, 20};
    return app::run_job(app::JobKind::kHandoffAudit, inputs(), env);
  }
  app::WorkflowResult<app::JobOutcome> resume(ScriptedOwner& owner, int64_t id) {
    app::WorkflowEnv env{*client, *store, owner, nullptr, 20};
    return app::resume_job(id, env);
  }
  static app::JobInputs inputs() {
    app::JobInputs in;
    in.technician = "Pat Example";
    in.company = "Example Locks";
    in.site = "Bench";
    in.customer = "Test";
    in.keep_decided = true;  // the new owner keeps nothing but the admin code
    in.sign_report = false;
    return in;
  }
  size_t occupied() {
    auto slots = client->read_slots();
    if (!slots) {  // the workflow closed its session: the owner opens one to look, for this client (1.4)
      REQUIRE(client->arm_session().has_value());
      test::run_process(
          {(test::bin_dir() / "lockfw-sim").string(), "ctl", "--socket", sim->socket().string(), "open-session"});
      slots = client->read_slots();
    }
    REQUIRE_MESSAGE(slots.has_value(), (slots ? "" : slots.error().message));
    return slots->size();
  }
};

}  // namespace

TEST_CASE("a wrong code typed to confirm a deletion is asked again, and the deletion then goes through") {
  Bench b;
  ScriptedOwner owner(*b.sim, {"13579#", "confirm"});
  auto r = b.audit(owner);
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  CHECK(owner.confirm_prompts == 8);  // seven deletions, the first asked twice
  CHECK(b.occupied() == 1);
  CHECK(std::count_if(owner.notes.begin(), owner.notes.end(),
                      [](const std::string& n) { return n.find("was not accepted") != std::string::npos; }) == 1);
}

TEST_CASE("\"* #\" at the lock refuses the deletion: the job ends and nothing more is deleted") {
  Bench b;
  const size_t before = b.occupied();
  ScriptedOwner owner(*b.sim, {"confirm", "deny"});
  auto r = b.audit(owner);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message.find("refused") != std::string::npos);
  CHECK_FALSE(r.error().resumable);
  auto job = b.store->job(r.error().job_id);
  REQUIRE(job.has_value());
  CHECK(job->state == app::JobState::kFailed);
  CHECK(b.occupied() == before - 1);  // the first deletion was confirmed, the second refused
}

TEST_CASE("three wrong codes to confirm leave the job resumable; resumed, it finishes") {
  Bench b;
  ScriptedOwner first(*b.sim, {"13579#", "24680#", "11223#"});
  auto r = b.audit(first);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().resumable);
  CHECK(r.error().message.find("wrong code was typed 3 times") != std::string::npos);
  const size_t before = b.occupied();
  CHECK(before == 8);  // nothing deleted
  // Three wrong codes may have locked the keypad out for a while: let it pass.
  first.ctl({"advance", "900"});
  ScriptedOwner second(*b.sim, {});
  auto resumed = b.resume(second, r.error().job_id);
  REQUIRE_MESSAGE(resumed.has_value(), (resumed ? "" : resumed.error().message));
  CHECK(b.occupied() == 1);
}

// Not a confirmation, but the same bench: what the technician gave is refused with app's own
// error kinds (the CLI's exit code 2), never as a lock or link error, before the lock is touched.
TEST_CASE("missing and bad inputs are app errors (kMissingInput, kBadInput), not a lock's") {
  Bench b;
  ScriptedOwner owner(*b.sim, {});
  app::WorkflowEnv env{*b.client, *b.store, owner, nullptr, 20};
  auto in = Bench::inputs();
  in.site.clear();
  auto r = app::run_job(app::JobKind::kHandoffAudit, in, env);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == app::ErrorKind::kMissingInput);
  CHECK(r.error().message.find("site") != std::string::npos);
  in.site = "Flat\t3";
  r = app::run_job(app::JobKind::kHandoffAudit, in, env);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == app::ErrorKind::kBadInput);
  CHECK(r.error().job_id == 0);
  CHECK(owner.steps.empty());  // refused before any step
}
