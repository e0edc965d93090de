#include "step_runner.h"

#include <unistd.h>

#include <cstdlib>

namespace lockdiag::app {

void crash_point(int seq, const char* where) {
  const char* spec = std::getenv("LOCKDIAG_TEST_CRASH");
  if (!spec) return;
  if (std::string(spec) == std::to_string(seq) + ":" + where) _exit(86);
}

StepRunner::StepRunner(JobStore& store, Operator& op, int64_t job_id) : store_(store), op_(op), job_id_(job_id) {
  if (auto s = store_.steps(job_id)) stored_ = std::move(*s);
}

WorkflowResult<StepDone> StepRunner::run(const std::string& name, const Act& act, const Verify& verify) {
  const int seq = next_seq_++;
  const StepRecord* stored = nullptr;
  for (const auto& r : stored_)
    if (r.seq == seq) stored = &r;

  auto store_error = [&](const StoreError& e) {
    return std::unexpected(WorkflowError{e.message, job_id_, true, drivers::ErrorKind::kIo});
  };

  if (stored && stored->name != name)
    return std::unexpected(WorkflowError{"job " + std::to_string(job_id_) + " step " + std::to_string(seq) + " is '" +
                                             stored->name + "' in the job record but this workflow expects '" + name +
                                             "'; the record was left as it is",
                                         job_id_, false, drivers::ErrorKind::kProtocol});
  if (stored && (stored->state == StepState::kDone || stored->state == StepState::kSkipped)) {
    StepDone d{stored->outcome, nlohmann::json::parse(stored->detail_json, nullptr, false), stored->confirmed_at_lock};
    if (d.detail.is_discarded()) d.detail = nlohmann::json::object();
    return d;
  }
  if (stored && verify) {
    op_.step(seq, name, "checking");
    if (auto took = verify()) {
      took->outcome += " (it took effect before the interruption; confirmed by re-reading the lock)";
      if (auto r = store_.finish_step(job_id_, seq, StepState::kDone, took->outcome, took->confirmed_at_lock,
                                      took->detail.dump());
          !r)
        return store_error(r.error());
      op_.step(seq, name, "done");
      return std::move(*took);
    }
  }

  if (auto r = store_.begin_step(job_id_, seq, name); !r) return store_error(r.error());
  op_.step(seq, name, "started");
  crash_point(seq, "before");
  auto result = act();
  crash_point(seq, "after");
  if (!result) {
    (void)store_.finish_step(job_id_, seq, StepState::kFailed, result.error().message);
    // A step that can be resumed (cable out, lock asleep, low battery) is paused, not failed.
    // The cable out is said as such: the person plugs it back in, and the job carries on.
    op_.step(seq, name,
             !result.error().resumable                                   ? "failed"
             : result.error().cause == drivers::ErrorKind::kDisconnected ? "paused: cable out"
                                                                         : "paused");
    result.error().job_id = job_id_;
    return result;
  }
  if (auto r = store_.finish_step(job_id_, seq, StepState::kDone, result->outcome, result->confirmed_at_lock,
                                  result->detail.dump());
      !r)
    return store_error(r.error());
  op_.step(seq, name, "done");
  return result;
}

}  // namespace lockdiag::app
