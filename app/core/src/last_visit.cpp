#include "lockdiag/app/last_visit.h"

#include <nlohmann/json.hpp>

namespace lockdiag::app {

std::string last_visit_line(JobStore& store, const std::string& lock_serial, const std::string& fingerprint_now) {
  auto v = store.last_visit(lock_serial);
  if (!v || !*v) return {};
  const FleetVisit& visit = **v;
  // The code set as that visit left it: after its last read, or before if it ended early.
  const std::string then = visit.fingerprint_after.empty() ? visit.fingerprint_before : visit.fingerprint_after;
  std::string line = "last visit: " + visit.finished_at.substr(0, 10) + " by " + visit.technician + ", code set then " +
                     then.substr(0, 16);
  if (!fingerprint_now.empty()) line += then == fingerprint_now ? ": unchanged" : ": changed since";
  return line;
}

std::string last_visit_for_job(JobStore& store, int64_t job_id) {
  auto job = store.job(job_id);
  if (!job) return {};
  std::string now;
  if (auto snap = store.snapshot(job_id, "before"); snap && *snap) {
    auto j = nlohmann::json::parse(**snap, nullptr, false);
    if (j.is_object()) now = j.value("fingerprint", "");
  }
  return last_visit_line(store, job->lock_serial, now);
}

}  // namespace lockdiag::app
