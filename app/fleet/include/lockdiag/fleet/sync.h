// A laptop's sync with the company server: push the outbox, read back the server's verdicts,
// pull the history of the locks this technician visited or is assigned (docs/fleet.md, "Sync").
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "lockdiag/app/job_store.h"
#include "lockdiag/fleet/pg.h"

namespace lockdiag::fleet {

struct SyncSummary {
  int64_t pushed = 0;    // sent this time (a report already on the server counts once more, stored once)
  int64_t accepted = 0;  // verdicts read this time
  int64_t rejected = 0;
  int64_t not_sent = 0;  // stays waiting: its file is missing or changed (reason in the outbox)
  int64_t pulled = 0;    // visits received
};

struct SyncOptions {
  int batch = 200;                                 // reports per server transaction
  std::function<void(int64_t sent)> after_insert;  // tests: called after each report is sent
};

// Idempotent: a report is keyed by the SHA-256 of its bytes, so a push repeated after a crash
// or a lost connection stores it once. The local outbox changes only after the server committed.
FleetResult<SyncSummary> sync(app::JobStore& store, Pg& server, const SyncOptions& options = {});

}  // namespace lockdiag::fleet
