// The line diagnose prints about a lock's previous visit, by whoever made it, from the visits
// the last `lockdiag sync` pulled (docs/fleet.md, "Last visit").
#pragma once

#include <string>

#include "lockdiag/app/job_store.h"

namespace lockdiag::app {

// "last visit: DATE by NAME, code set then FINGERPRINT: changed since" (or ": unchanged");
// empty when no visit of the lock is known. The fingerprint is shown by its first 16 digits.
std::string last_visit_line(JobStore& store, const std::string& lock_serial, const std::string& fingerprint_now);

// The same for a job just run: its lock, and the code set its first read found.
std::string last_visit_for_job(JobStore& store, int64_t job_id);

}  // namespace lockdiag::app
