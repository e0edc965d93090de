// The lock's attestations in a job (docs/trust.md, "Attestation"; docs/workflows.md): one taken
// right after the arrival read and one after the final read, kept in the snapshot step's record
// and carried by the report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lockdiag/app/job_store.h"
#include "lockdiag/reports/model.h"
#include "job_steps.h"

namespace lockdiag::app {

// The report's id for a job ("<serial>-job<id>"): the challenge is made from it.
std::string report_id_for(const std::string& lock_serial, int64_t job_id);

// Asks the lock for an attestation over a fresh challenge for this job and phase. Returns the
// record as JSON ({nonce, body, signature, certificate} in hex/base64), or {"unavailable":
// reason} when the lock cannot give one (older than protocol 1.5, not provisioned, an error):
// that is noted for the report and never fails the job.
nlohmann::json take_attestation(JobContext& c, const std::string& phase);

// The report's lock_attestation from the snapshot steps' records (absent when none has one).
std::optional<reports::LockAttestations> attestations_from_steps(const std::vector<StepRecord>& steps);

}  // namespace lockdiag::app
