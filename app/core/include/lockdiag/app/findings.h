// What a diagnose concludes from a LockState: findings with a severity and a plain-language
// next step. A pure function of its inputs, so every rule has a unit test.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lockdiag/app/job_store.h"
#include "lockdiag/app/lock_state.h"

namespace lockdiag::app {

struct AnalysisContext {
  std::optional<std::string> previous_fingerprint;  // hex, from the last visit's after-snapshot
  std::optional<uint32_t> previous_secret_epoch;
  std::optional<int> complaint_slot;                // "the code in slot N does not work"
  int max_drift_s = 120;
  int stale_days = 90;
  int burst_window_s = 120;  // wrong codes this close together count as one burst
  int burst_min = 3;
  // Time zone: the next change of offset in the zone the lock should follow (the job's zone or
  // the laptop's), for "schedules will be an hour off from DATE"; how early a table's end is flagged.
  std::optional<int64_t> next_offset_change_utc;
  int zone_table_days = 90;
};

std::vector<FindingRecord> analyze(const LockState& state, const AnalysisContext& context);

// Why the lock refused a known code, in plain words.
std::string rejection_reason_text(uint8_t reason);

}  // namespace lockdiag::app
