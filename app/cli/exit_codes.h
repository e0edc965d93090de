#pragma once
// lockdiag's documented exit codes (README.md, "Exit codes"). Scripts rely on these.
namespace lockdiag::cli {
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,        // the operation ran and failed (a finding, a refused step)
  kExitUsage = 2,          // wrong arguments
  kExitUnreachable = 3,    // no lock at that address, cable out, permission denied
  kExitProtocol = 4,       // the peer answered something that is not our protocol
  kExitRefused = 5,        // the lock refused (no service session, not confirmed at the lock)
  kExitInvalid = 6,        // a report or signature does not verify
  kExitDataError = 7,      // a damaged or unreadable file (database, report, key)
  kExitInterrupted = 8,    // cancelled or timed out; the job can be resumed
};
}  // namespace lockdiag::cli
