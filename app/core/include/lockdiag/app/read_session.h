// A service session for a read command (lockdiag slots, events, status --session): the same
// wait a workflow does before its first privileged step (docs/workflows.md, "Service session"):
// a session this program already holds is used; otherwise the channel is armed (protocol 1.4,
// docs/protocol.md 11), the operator is asked for "admin code, * 0 #" and the lock is polled
// until the session opens, the wait times out or the technician cancels.
#pragma once

#include "lockdiag/app/operator.h"
#include "lockdiag/app/workflow.h"
#include "lockdiag/drivers/client.h"

namespace lockdiag::app {

WorkflowResult<drivers::SessionInfo> wait_for_read_session(drivers::Client& client, Operator& op, int wait_timeout_s);

}  // namespace lockdiag::app
