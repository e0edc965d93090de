// What is kept of a LockState: the job store's snapshot JSON (slot metadata, counts, figures,
// fingerprint; never a code) and the report's Snapshot built from it.
#pragma once

#include <nlohmann/json.hpp>

#include "lockdiag/app/lock_state.h"
#include "lockdiag/reports/model.h"

namespace lockdiag::app {

nlohmann::json snapshot_json(const LockState& state);
reports::Snapshot report_snapshot(const nlohmann::json& snapshot);

// Active (occupied and enabled) codes by role, from a stored snapshot: {"admin": 1, ...}.
nlohmann::json active_by_role(const nlohmann::json& snapshot);

const char* role_name(drivers::Role r);
const char* kind_name(drivers::CodeKind k);

}  // namespace lockdiag::app
