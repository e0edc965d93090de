// The steps workflows are made of. Each runs through the StepRunner, so it is recorded before
// and after it acts, and each knows how to tell, after an interruption, whether it took effect.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "lockdiag/app/findings.h"
#include "lockdiag/app/lock_state.h"
#include "step_runner.h"

namespace lockdiag::app {

struct JobContext {
  WorkflowEnv& env;
  StepRunner& runner;
  JobInputs inputs;
  JobRecord job;
};

WorkflowResult<StepDone> step_read_identity(JobContext& c);
WorkflowResult<StepDone> step_open_session(JobContext& c);
// Reads the whole lock state, stores it as the phase's snapshot; on "before" also stores the
// findings. detail: {"next_seq", "admin_slot", "occupied", "fingerprint"}.
WorkflowResult<StepDone> step_snapshot(JobContext& c, const std::string& phase);
// Refuses (resumable) to start work that needs a reliable keypad on low or critical batteries.
WorkflowResult<StepDone> step_check_power(JobContext& c, const std::string& work);
// A destructive request and the owner's confirmation at the keypad. A wrong code typed to
// confirm is asked again (up to three tries); "* #" at the lock is a refusal and ends the job.
using ConfirmRequest = std::function<drivers::Result<drivers::PendingConfirmation>()>;
WorkflowResult<void> confirm_at_lock(JobContext& c, const ConfirmRequest& request, const LockPrompt& prompt,
                                     const std::string& what);
WorkflowResult<StepDone> step_delete_slot(JobContext& c, int slot, const std::string& why);
WorkflowResult<StepDone> step_enroll(JobContext& c, const std::string& name, int slot, drivers::Role role,
                                     const drivers::Schedule& schedule, const std::string& person);
WorkflowResult<StepDone> step_live_test(JobContext& c, const std::string& name, int slot, const std::string& person,
                                        bool must_unlock);
WorkflowResult<StepDone> step_sync_clock(JobContext& c);
WorkflowResult<StepDone> step_close_session(JobContext& c);
WorkflowResult<StepDone> step_report(JobContext& c);

// Reads the stored snapshot of a phase (after step_snapshot ran, now or before a resume).
std::optional<nlohmann::json> stored_snapshot(JobContext& c, const std::string& phase);

}  // namespace lockdiag::app
