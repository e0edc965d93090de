// Turns a finished job in the store into a signed report file and its PDF.
#pragma once

#include <filesystem>
#include <string>

#include "lockdiag/app/job_store.h"
#include "lockdiag/app/workflow.h"
#include "lockdiag/reports/model.h"

namespace lockdiag::app {

struct ReportFiles {
  std::filesystem::path json;
  std::filesystem::path pdf;
  std::string sha256;  // of the signed JSON file
  std::string key_id;
};

// The report model of a job, from what the store holds.
WorkflowResult<reports::Report> build_report(JobStore& store, int64_t job_id);

// Signs with the technician's key (created on first use; passphrase from
// $LOCKDIAG_KEY_PASSPHRASE when the key is sealed), writes <dir>/<serial>-job<id>.report.json
// and .pdf, and records the report in the store.
WorkflowResult<ReportFiles> write_signed_report(JobStore& store, int64_t job_id, const std::filesystem::path& dir);

// $XDG_DATA_HOME/lockdiag/reports
std::filesystem::path default_report_dir();

inline constexpr const char* kToolVersion = "lockdiag 0.1.0";

}  // namespace lockdiag::app
