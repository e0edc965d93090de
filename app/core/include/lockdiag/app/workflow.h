// The service-call workflows as explicit state machines over the job store: every step is
// recorded before it acts and after, so a job interrupted anywhere resumes (re-reading the
// lock to learn whether the interrupted step took effect) or rolls back, and its record
// tells the truth.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lockdiag/app/job_store.h"
#include "lockdiag/app/operator.h"
#include "lockdiag/app/visit_summary.h"
#include "lockdiag/drivers/client.h"

namespace lockdiag::app {

enum class JobKind { kDiagnose, kHandoffAudit, kResetOnboarding, kRotation, kClockSync };
const char* to_string(JobKind k);
std::optional<JobKind> job_kind_from(const std::string& s);

// A user to enroll after a reset (or a code to rotate): never a code, only who and how.
struct EnrollPlan {
  std::string label;  // "Anna (tenant)"; shown in the report, never a code
  drivers::Role role = drivers::Role::kUser;
  drivers::Schedule schedule;  // kind + window
  int slot = -1;               // -1: the next free slot
};

struct JobInputs {
  std::string technician;
  std::string company;
  std::string licence;
  std::string company_phone, company_email, company_address;  // from settings; into the report
  std::string site;
  std::string customer;
  std::string ownership_evidence;       // reset: what proved the customer owns the lock
  std::string present;                  // who was present at the lock
  std::vector<int> keep_slots;          // handoff: slots the new owner keeps (admin is kept)
  bool keep_decided = false;            // keep_slots was given (else the operator is asked per slot)
  std::vector<EnrollPlan> enroll;       // reset + onboarding, rotation
  std::optional<int> complaint_slot;    // diagnose: "the code in slot N does not work"
  std::string zone;                     // clock sync: IANA zone the lock is to follow (empty: leave it)
  std::string site_zone;                // IANA zone of the site (empty: the laptop's); kept in the job
  std::string notes;
  bool sign_report = true;
  std::filesystem::path report_dir;     // where the signed JSON and the PDF go
};

struct WorkflowEnv {
  drivers::Client& client;
  JobStore& store;
  Operator& op;
  // Seconds since 1970 UTC on the laptop; tests replace it.
  uint32_t (*now_utc)() = nullptr;
  int wait_timeout_s = 180;  // how long to wait for something to happen at the lock
  // A wait at the lock that loses the lock (cable out) waits for it by itself (true: the CLI), or
  // stops at once with a resumable kDisconnected error (false: a caller that shows the lock is
  // gone, waits for it by serial with a way to cancel, and resumes the job, like the GUI).
  bool reconnect_in_waits = true;
};

struct JobOutcome {
  int64_t job_id = 0;
  JobState state = JobState::kRunning;
  std::vector<FindingRecord> findings;
  std::optional<std::filesystem::path> report_json;
  std::optional<std::filesystem::path> report_pdf;
  std::string summary;  // one paragraph for the technician
  VisitSummary visit;   // as found, as left, what changed, still to do (visit_summary.h)
};

// What a workflow error is about: app's own kinds for what the technician gave, or kLock for
// the lock, the link or the job store, whose drivers kind is then in WorkflowError::cause.
enum class ErrorKind {
  kLock,          // see `cause`
  kMissingInput,  // a field the job needs was not given ("missing site")
  kBadInput,      // a field, a zone or a job id given that cannot be used as it is
};

struct WorkflowError {
  std::string message;
  int64_t job_id = 0;     // the job stays in the store, resumable, when non-zero
  bool resumable = false;
  drivers::ErrorKind cause = drivers::ErrorKind::kIo;  // when kind is kLock
  ErrorKind kind = ErrorKind::kLock;
};
// An error in what the technician gave: no lock error behind it.
WorkflowError input_error(ErrorKind kind, std::string message, int64_t job_id = 0, bool resumable = false);
template <typename T>
using WorkflowResult = std::expected<T, WorkflowError>;

WorkflowResult<JobOutcome> run_job(JobKind kind, const JobInputs& inputs, WorkflowEnv& env);
// Fields a technician corrects when resuming a job (`job resume ID --site ...`): a job that
// stopped because its report refused a field can be finished once the field is fixed.
struct InputFixes {
  std::optional<std::string> technician, company, licence, site, customer, notes, present, ownership_evidence;
  bool empty() const {
    return !technician && !company && !licence && !site && !customer && !notes && !present && !ownership_evidence;
  }
};
WorkflowResult<JobOutcome> resume_job(int64_t job_id, WorkflowEnv& env, const InputFixes& fixes = {});

}  // namespace lockdiag::app
