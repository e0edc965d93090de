// The workflows' state machine: a job is a sequence of named steps, each written to the job
// store as "started" before it acts and "done"/"failed" after. Running a job again skips the
// steps that are done (restoring what they found), and for a step that was interrupted asks
// the lock whether it took effect before acting again.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lockdiag/app/job_store.h"
#include "lockdiag/app/operator.h"
#include "lockdiag/app/workflow.h"

namespace lockdiag::app {

struct StepDone {
  std::string outcome;          // plain language, for the report's timeline
  nlohmann::json detail = nlohmann::json::object();  // what later steps (and a resume) need
  bool confirmed_at_lock = false;
};

class StepRunner {
 public:
  using Act = std::function<WorkflowResult<StepDone>()>;
  // Re-reads the lock after an interruption: the step's result if it took effect, else nullopt.
  using Verify = std::function<std::optional<StepDone>()>;

  StepRunner(JobStore& store, Operator& op, int64_t job_id);

  WorkflowResult<StepDone> run(const std::string& name, const Act& act, const Verify& verify = {});
  int64_t job_id() const { return job_id_; }

 private:
  JobStore& store_;
  Operator& op_;
  int64_t job_id_;
  int next_seq_ = 1;
  std::vector<StepRecord> stored_;
};

// Test hook: LOCKDIAG_TEST_CRASH="<seq>:before|after" ends the process at that point of the
// job, as a power cut or a killed process would. Never set outside tests.
void crash_point(int seq, const char* where);

}  // namespace lockdiag::app
