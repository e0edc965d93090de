// The server-side ingest step: the only writer of reports, jobs, steps and findings. It takes
// what laptops pushed into the inbox, checks each report's bytes against its hash and its
// signature against the technician keys the company registered, and accepts or rejects it with
// a reason the laptop reads back on its next sync (docs/fleet.md, "Threat model").
#pragma once

#include <cstdint>

#include "lockdiag/fleet/pg.h"

namespace lockdiag::fleet {

struct IngestStats {
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t duplicates = 0;  // accepted, but the same report was already stored (another push)
};

// Runs until the inbox has nothing waiting. Needs the owner's credentials.
FleetResult<IngestStats> ingest(Pg& owner, int batch = 200);

// Registers a technician's public key (64 hex digits) with the company, and the database role
// their laptop logs in as. Reports signed by unregistered keys are rejected.
FleetResult<void> register_technician(Pg& owner, const std::string& company, const std::string& name,
                                      const std::string& public_key_hex, const std::string& db_role);

}  // namespace lockdiag::fleet
