// As found and as left: the lock's findings on arrival and after the job, what the
// job changed, and what is still to do. The CLI summary, the JSON report, the PDF and the GUI's
// done screen and dashboard all show this one structure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lockdiag/app/job_store.h"
#include "lockdiag/reports/visit.h"

namespace lockdiag::app {

struct VisitSummary {
  std::vector<FindingRecord> as_found;                // on arrival (the "before" read)
  std::optional<std::vector<FindingRecord>> as_left;  // after the job; absent when it ended early
  std::vector<reports::Change> changed;               // empty when nothing changed or no final read
  // Only what remains: the lock's state as left, plus the advice about its history (tamper,
  // wrong-code bursts, the key override) that a job cannot undo. Absent without a final read.
  std::optional<std::vector<FindingRecord>> still_to_do;
};

// True for findings about the lock's present state, which the final read re-evaluates
// (clock, battery, codes, factory state, lockout, zone); false for findings about its history.
bool is_state_finding(const std::string& code);

// Pure: the summary from the snapshots (JSON as stored) and the two analyses.
VisitSummary summarize_visit(const nlohmann::json& before_snapshot, const std::optional<nlohmann::json>& after_snapshot,
                             const std::vector<FindingRecord>& as_found,
                             const std::optional<std::vector<FindingRecord>>& as_left);

// The summary of a job in the store (empty when the job has no "before" read).
VisitSummary visit_summary(JobStore& store, int64_t job_id);

// Findings in and out of a step's detail JSON ({code, severity, title, next_step, detail}).
nlohmann::json findings_to_json(const std::vector<FindingRecord>& findings);
std::vector<FindingRecord> findings_from_json(const nlohmann::json& j);

}  // namespace lockdiag::app
