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
  int max_drift_s = kMaxClockDriftS;
  // False while the slot table has not been read (the GUI's dashboard, from the status alone):
  // the slot rules are left out rather than taking "no slots" for "no admin code".
  bool slots_read = true;
  int stale_days = 90;
  int burst_window_s = 120;  // wrong codes this close together count as one burst
  int burst_min = 3;
  // Time zone: the next change of offset in the zone the lock should follow (the job's zone or
  // the laptop's), for "schedules will be an hour off from DATE"; how early a table's end is flagged.
  std::optional<int64_t> next_offset_change_utc;
  int zone_table_days = 90;
  // The site's zone recorded in the job: a lock that follows another zone is flagged.
  std::optional<std::string> site_zone;
};

// The one set of rules the CLI's diagnose (through the workflows) and the GUI's dashboard apply.
// A status withheld for want of a session (the GUI's dashboard before one is open) gives one
// finding that says how to open one, and no clock or lockout rule; the rest is what was read.
std::vector<FindingRecord> analyze(const LockState& state, const AnalysisContext& context);

// analyze over what a status read alone shows (the GUI's dashboard between reads): the lock's
// status read at host_utc, no slot table, no log. Same rules, same wording, same thresholds.
std::vector<FindingRecord> analyze_status(const drivers::Status& status, uint32_t host_utc,
                                          AnalysisContext context = {});

}  // namespace lockdiag::app
