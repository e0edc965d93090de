// Stand-ins for the core's diagnose and handoff-audit workflows that drive the GUI's Operator
// the way the real ones do (steps, a prompt at the lock, waiting for the lock, a question,
// findings), against the fake lock. They let the wizard be tested on its own: prompts, the
// "simulate at the lock" button, Yes/No, cancel, and pause/resume across an unplug.
#pragma once

#include <chrono>
#include <thread>

#include "fake_lock.h"
#include "wizard_model.h"

namespace lockdiag::test {

struct FakeWorkflows {
  FakeLockState& lock;
  bool confirmed_at_lock = false;  // the admin typed the confirmation (handoff deletes)
  int runs = 0, resumes = 0;

  // Waits for `done` while honouring cancel and noticing an unplug.
  enum class Wait { kOk, kCancelled, kLost };
  Wait wait_for(gui::GuiOperator& op, const std::function<bool()>& done) {
    for (int i = 0; i < 5000; ++i) {
      if (op.cancelled()) return Wait::kCancelled;
      if (!lock.plugged) return Wait::kLost;
      {
        std::lock_guard lk(lock.mu);
        if (done()) return Wait::kOk;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return Wait::kCancelled;
  }

  gui::WorkflowRunner runner() {
    return [this](const gui::WizardInputs& in, int64_t resume, app::TaskContext& ctx, gui::GuiOperator& op) {
      ++runs;
      if (resume) ++resumes;
      gui::WizardResult r;
      r.job_id = resume ? resume : 42;
      r.resumable = true;
      auto lost = [&] {
        r.link_lost = true;
        r.state = "interrupted";
        r.error = "the lock went away";
        return r;
      };
      auto stopped = [&] {
        r.state = "interrupted";
        r.error = "cancelled by the technician";
        return r;
      };
      op.plan(5);  // as the core's workflows say their plan before the first step
      op.step(1, "Read identity", "started");
      op.progress("Reading the identity", 1, 1);  // a read's bar, before the wait below
      op.step(1, "Read identity", "done");
      op.step(2, "Open service session", "started");
      op.prompt({app::LockPrompt::Action::kOpenSession, -1, "owner",
                 "Ask the owner to type the admin code on the keypad, then * 0 #."});
      op.countdown(app::LockPrompt::Action::kOpenSession, 178, 180);  // the core's wait, 2 s in
      switch (wait_for(op, [&] { return lock.session_open; })) {
        case Wait::kLost: return lost();
        case Wait::kCancelled: return stopped();
        case Wait::kOk: break;
      }
      op.prompt({});
      op.step(2, "Open service session", "done");
      ctx.refresh();
      op.step(3, "Read slots", "started");
      op.progress("Reading slots", 250, 250);
      op.step(3, "Read slots", "done");
      if (in.kind == gui::WizardKind::kDiagnose) {
        op.step(4, "Read event log", "started");
        for (size_t i = 0; i <= 10000; i += 2500) {
          if (!lock.plugged) return lost();
          op.progress("Reading the event log", i, 10000);
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        op.step(4, "Read event log", "done");
        op.step(5, "Check the clock", "started");
        const auto yes = op.confirm("sync_clock", "The lock's clock is 6 min 55 s ahead. Set it from this laptop?");
        if (!yes) return stopped();
        if (*yes) {
          std::lock_guard lk(lock.mu);
          lock.clock_offset_s = 0;
        }
        op.step(5, "Check the clock", "done");
        r.findings.push_back({"clock_drift", "warning", "Clock was 6 min 55 s ahead", "Set on this visit", "{}"});
        if (in.complaint_slot >= 0)
          r.findings.push_back({"slot_schedule", "info",
                                "Slot " + std::to_string(in.complaint_slot) + " is outside its schedule after 18:00",
                                "Widen the schedule if the holder needs evenings", "{}"});
        r.summary = "Diagnose done: 40 codes, 10000 events read, 1 warning.";
      } else {
        const auto keep = gui::parse_slot_list(in.keep_slots);
        op.step(4, "Remove codes not kept", "started");
        const auto yes = op.confirm("delete_unkept", "Delete " + std::to_string(40 - 1 - keep.size()) +
                                                         " codes the new owner does not keep?");
        if (!yes) return stopped();
        op.prompt({app::LockPrompt::Action::kConfirmAtLock, -1, "admin",
                   "Ask the new owner to type the admin code, then #, to confirm the deletion."});
        switch (wait_for(op, [&] { return confirmed_at_lock; })) {
          case Wait::kLost: return lost();
          case Wait::kCancelled: return stopped();
          case Wait::kOk: break;
        }
        op.prompt({});
        op.step(4, "Remove codes not kept", "done");
        op.step(5, "Fingerprint after", "done");
        r.summary = "Handoff audit done: " + std::to_string(keep.size() + 1) + " codes kept, the rest removed.";
      }
      r.ok = true;
      r.link_lost = false;
      r.error.clear();
      r.state = "done";
      return r;
    };
  }

  // "Simulate at the lock" for the fake lock.
  std::function<bool(const app::LockPrompt&, const std::string&, std::string&)> simulator() {
    return [this](const app::LockPrompt& p, const std::string&, std::string& msg) {
      std::lock_guard lk(lock.mu);
      if (p.action == app::LockPrompt::Action::kOpenSession) lock.session_open = true;
      else if (p.action == app::LockPrompt::Action::kConfirmAtLock) confirmed_at_lock = true;
      else return false;
      msg = "Typed at the virtual lock.";
      return true;
    };
  }
};

}  // namespace lockdiag::test
