// Waiting for a person at the lock: the workflow prompts, then polls the lock (never the
// person) until it sees the effect, the wait times out, or the technician cancels. A cable
// pulled during a wait is waited out too: the client reconnects by serial and the wait goes on
// (unless WorkflowEnv::reconnect_in_waits is false: then the wait stops, resumable).
#pragma once

#include <cstdint>
#include <optional>

#include "lockdiag/app/workflow.h"

namespace lockdiag::app {

struct EntryResult {
  bool accepted = false;     // UNLOCK_CODE for the slot
  bool known = false;        // the lock matched the slot (unlock or a REJECTED with a reason)
  drivers::Reason reason = drivers::Reason::kNone;  // REJECTED reason
  int wrong_codes = 0;       // WRONG_CODE events seen during the wait
};

// Each returns an error when it times out, is cancelled, or the lock cannot be reached.
WorkflowResult<drivers::SessionInfo> wait_for_session(WorkflowEnv& env);
WorkflowResult<drivers::SessionInfo> wait_for_confirmation(WorkflowEnv& env, int ticket, const LockPrompt& prompt);
WorkflowResult<drivers::SessionInfo> wait_for_enrollment(WorkflowEnv& env, int slot, const LockPrompt& prompt);
// Watches the event log from `from_seq` for a try of `slot`.
WorkflowResult<EntryResult> wait_for_entry(WorkflowEnv& env, int slot, uint32_t from_seq, const LockPrompt& prompt);

// A drivers error as a resumable workflow error.
WorkflowError lock_error(const drivers::Error& e);

}  // namespace lockdiag::app
