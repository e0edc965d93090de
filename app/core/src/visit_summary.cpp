#include "lockdiag/app/visit_summary.h"

#include <algorithm>
#include <set>

#include "lockdiag/app/snapshot.h"

namespace lockdiag::app {

using nlohmann::json;

bool is_state_finding(const std::string& code) {
  static const std::set<std::string> kState = {"battery_critical",
                                               "battery_low",
                                               "clock_drift",
                                               "clock_not_set",
                                               "codes_retained_after_reset",
                                               "expired_codes_present",
                                               "factory_state",
                                               "locked_out_now",
                                               "no_admin",
                                               "no_time_zone",
                                               "stale_codes",
                                               "tamper_flag",
                                               "zone_table_ending",
                                               "complaint_slot_empty"};
  return kState.count(code) > 0;
}

json findings_to_json(const std::vector<FindingRecord>& findings) {
  json out = json::array();
  for (const auto& f : findings)
    out.push_back({{"code", f.code},
                   {"severity", f.severity},
                   {"title", f.title},
                   {"next_step", f.next_step},
                   {"detail", f.detail_json}});
  return out;
}

std::vector<FindingRecord> findings_from_json(const json& j) {
  std::vector<FindingRecord> out;
  if (!j.is_array()) return out;
  for (const auto& f : j)
    if (f.is_object())
      out.push_back({f.value("code", ""), f.value("severity", "info"), f.value("title", ""), f.value("next_step", ""),
                     f.value("detail", "{}")});
  return out;
}

VisitSummary summarize_visit(const json& before, const std::optional<json>& after,
                             const std::vector<FindingRecord>& as_found,
                             const std::optional<std::vector<FindingRecord>>& as_left) {
  VisitSummary v;
  v.as_found = as_found;
  v.as_left = as_left;
  if (!after || !as_left) return v;
  try {
    v.changed = reports::changes_between(report_snapshot(before), report_snapshot(*after));
  } catch (const json::exception&) {
    v.changed.clear();  // a snapshot of an older layout: the summary says nothing rather than guess
  }
  std::vector<FindingRecord> todo;
  for (const auto& f : *as_left)
    if (is_state_finding(f.code)) todo.push_back(f);
  // What the lock's history says (tamper, bursts, the key) stays to do: the job cannot undo it.
  for (const auto& f : as_found)
    if (!is_state_finding(f.code) && f.severity != "info" &&
        std::none_of(todo.begin(), todo.end(), [&](const auto& t) { return t.code == f.code; }))
      todo.push_back(f);
  v.still_to_do = std::move(todo);
  return v;
}

VisitSummary visit_summary(JobStore& store, int64_t job_id) {
  VisitSummary empty;
  auto before_text = store.snapshot(job_id, "before");
  if (!before_text || !*before_text) return empty;
  const json before = json::parse(**before_text, nullptr, false);
  if (before.is_discarded()) return empty;
  std::optional<json> after;
  if (auto a = store.snapshot(job_id, "after"); a && *a) {
    auto j = json::parse(**a, nullptr, false);
    if (!j.is_discarded()) after = std::move(j);
  }
  std::vector<FindingRecord> found;
  std::optional<std::vector<FindingRecord>> left;
  bool found_recorded = false;
  if (auto steps = store.steps(job_id))
    for (const auto& s : *steps) {
      if (s.state != StepState::kDone) continue;
      const json d = json::parse(s.detail_json, nullptr, false);
      if (d.is_discarded() || !d.is_object()) continue;
      if (s.name == "snapshot_before" && d.contains("as_found")) {
        found = findings_from_json(d.at("as_found"));
        found_recorded = true;
      }
      if (s.name == "snapshot_after" && d.contains("as_left")) left = findings_from_json(d.at("as_left"));
    }
  if (!found_recorded)  // a job from before the split: the findings list is what was found
    if (auto f = store.findings(job_id)) found = *f;
  // A diagnose only reads: the lock is left as it was found, so what was found is what remains.
  if (!after)
    if (auto job = store.job(job_id); job && job->kind == "diagnose")
      return summarize_visit(before, before, found, found);
  return summarize_visit(before, after, found, left);
}

}  // namespace lockdiag::app
