// The job store: every visit, its steps, snapshots, findings and reports, in one SQLite file.
// It never holds a code value: snapshots count codes, steps name slots.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace lockdiag::app {

struct StoreError {
  enum Kind { kDamaged, kReadOnly, kIo, kNotFound, kConstraint } kind;
  std::string message;
};
template <typename T>
using StoreResult = std::expected<T, StoreError>;

enum class JobState { kRunning, kInterrupted, kDone, kFailed, kRolledBack };
enum class StepState { kStarted, kDone, kFailed, kSkipped };

struct JobRecord {
  int64_t id = 0;
  std::string kind;        // diagnose, handoff_audit, reset_onboarding, rotation, clock_sync
  JobState state = JobState::kRunning;
  std::string lock_serial;
  std::string site;
  std::string customer;
  std::string technician;
  std::string created_at;  // RFC 3339 UTC
  std::string updated_at;
  std::string params_json; // workflow inputs (slots to keep, users to enroll...), never a code
  std::string site_zone;   // IANA time zone of the site ('' on jobs from before it was recorded)
};

struct StepRecord {
  int64_t job_id = 0;
  int seq = 0;
  std::string name;
  StepState state = StepState::kStarted;
  bool confirmed_at_lock = false;
  std::string started_at;
  std::string finished_at;
  std::string outcome;
  std::string detail_json;
};

struct FindingRecord {
  std::string code;
  std::string severity;  // info, warning, critical
  std::string title;
  std::string next_step;
  std::string detail_json;
};

struct LockRecord {
  std::string serial;
  std::string model;
  std::string firmware;
  std::optional<uint32_t> last_event_seq;  // where the last job's event read ended
};

// Who drives a job (one driver per job): a program on a host, told apart from a
// later program that got the same pid by its start time (clock ticks since boot).
struct LeaseHolder {
  int64_t pid = 0;
  std::string host;
  int64_t proc_start = 0;
  static LeaseHolder self();
};

struct JobLease {
  int64_t job_id = 0;
  LeaseHolder holder;
  std::string taken_at;      // RFC 3339 UTC
  int64_t expires_unix = 0;  // a holder that neither finished nor died is given up after this
};

// A job picked up again after an interruption (the report says where, when, how).
struct ResumeRecord {
  std::string at;              // RFC 3339 UTC
  std::string previous_state;  // the job's state when it was resumed (interrupted, running = killed)
  int step_seq = 0;            // the first step not done then (0: none)
  std::string step_name;
  std::string step_state;      // started (cut off in the middle), failed, or "" (not begun)
  std::string how;             // who resumed it and what was done first
};

// A signed report waiting for (or judged by) the company server (docs/fleet.md, "Sync").
struct OutboxItem {
  std::string sha256;  // of the signed file's bytes: the key on the server
  int64_t job_id = 0;
  std::string path;
  std::string state;   // waiting, pushed (server has it, not yet checked), accepted, rejected
  std::string reason;  // why it was rejected, or why it could not be pushed
  std::string updated_at;
};

// One accepted visit of a lock, by any technician, as pulled from the company server.
struct FleetVisit {
  std::string sha256;
  std::string lock_serial;
  std::string finished_at;  // RFC 3339 UTC
  std::string technician;
  std::string kind;
  std::string fingerprint_before;
  std::string fingerprint_after;  // empty when the job ended before the final read
  int64_t battery_mv = 0;
};

struct SyncState {
  int64_t waiting = 0;   // not yet on the server
  int64_t pushed = 0;    // on the server, not yet checked
  int64_t rejected = 0;
  std::string last_sync; // RFC 3339 UTC, empty if never
  std::string last_error;
};

class JobStore {
 public:
  static constexpr int kSchemaVersion = 3;

  // $XDG_DATA_HOME/lockdiag/jobs.sqlite (or ~/.local/share/...).
  static std::filesystem::path default_path();

  // Opens (creating with mode 0600 if absent) and migrates. The full integrity check runs only
  // when an earlier process died with the store open (its marker file <name>-open.<pid>.<n> is
  // left behind) or on check(); a clean open reads the header and schema only (under 10 ms at
  // 100,000 jobs). A damaged file is opened read-only with warning() saying so; it is never
  // truncated or rewritten.
  static StoreResult<JobStore> open(const std::filesystem::path& path);

  // The full PRAGMA integrity_check ("ok" or SQLite's first complaint). A damaged store turns
  // read-only, and stays so on later opens until the file is replaced.
  StoreResult<std::string> check();
  // Whether the full check ran on this store (on open after an unclean shutdown, or check()).
  bool integrity_checked() const { return checked_; }

  JobStore(JobStore&&) noexcept;
  JobStore& operator=(JobStore&&) noexcept;
  ~JobStore();

  bool read_only() const { return read_only_; }
  const std::string& warning() const { return warning_; }
  const std::filesystem::path& path() const { return path_; }

  StoreResult<void> upsert_lock(const LockRecord& lock);
  StoreResult<std::optional<LockRecord>> find_lock(const std::string& serial);
  StoreResult<void> set_last_event_seq(const std::string& serial, uint32_t seq);

  StoreResult<int64_t> create_job(const JobRecord& job);
  StoreResult<JobRecord> job(int64_t id);
  StoreResult<std::vector<JobRecord>> jobs(const std::string& lock_serial = {});
  StoreResult<void> set_job_state(int64_t id, JobState state);

  // Steps are written before a workflow acts (kStarted) and after (kDone/kFailed).
  StoreResult<void> begin_step(int64_t job_id, int seq, const std::string& name, const std::string& detail_json = "{}");
  StoreResult<void> finish_step(int64_t job_id, int seq, StepState state, const std::string& outcome,
                                bool confirmed_at_lock = false, const std::string& detail_json = "{}");
  StoreResult<std::vector<StepRecord>> steps(int64_t job_id);

  StoreResult<void> save_snapshot(int64_t job_id, const std::string& phase, const std::string& json);
  StoreResult<std::optional<std::string>> snapshot(int64_t job_id, const std::string& phase);
  // The latest snapshot of this phase from an earlier finished job on the same lock.
  StoreResult<std::optional<std::string>> previous_snapshot(const std::string& lock_serial, int64_t before_job_id,
                                                            const std::string& phase);

  StoreResult<void> replace_findings(int64_t job_id, const std::vector<FindingRecord>& findings);
  StoreResult<std::vector<FindingRecord>> findings(int64_t job_id);

  StoreResult<void> add_report(int64_t job_id, const std::string& path, const std::string& sha256_hex,
                               const std::string& key_id);

  // Corrects a job's site, customer, technician and inputs (job_amend.cpp), in one transaction.
  StoreResult<void> amend_job(int64_t id, const std::string& site, const std::string& customer,
                              const std::string& technician, const std::string& params_json);

  // Resumptions of a job, oldest first (job_resumes.cpp; table created on first use).
  StoreResult<void> add_resume(int64_t job_id, const ResumeRecord& r);
  StoreResult<std::vector<ResumeRecord>> resumes(int64_t job_id);

  // ---- one driver per job (job_lease.cpp) ----
  // Takes the job's lease for `me` in one transaction. A lease held by another live program is
  // refused (kConstraint, naming its pid, host and start); a stale one (its program gone from
  // this host, or expired) is taken over. Taking a lease `me` already holds renews it.
  StoreResult<void> take_lease(int64_t job_id, const LeaseHolder& me = LeaseHolder::self(), int ttl_s = 12 * 3600);
  // Releases the lease if `me` holds it; another holder's lease is left alone.
  StoreResult<void> release_lease(int64_t job_id, const LeaseHolder& me = LeaseHolder::self());
  StoreResult<std::optional<JobLease>> lease(int64_t job_id);

  // Fleet sync (job_store_outbox.cpp). Every add_report() lands in the outbox (a trigger).
  StoreResult<std::vector<OutboxItem>> outbox(const std::string& state);
  StoreResult<void> set_outbox_states(const std::vector<OutboxItem>& items);  // state + reason by sha256
  StoreResult<void> add_fleet_visits(const std::vector<FleetVisit>& visits);  // already known: ignored
  StoreResult<std::optional<FleetVisit>> last_visit(const std::string& lock_serial);
  StoreResult<std::vector<FleetVisit>> fleet_history(const std::string& lock_serial);
  StoreResult<std::vector<std::string>> visited_locks();
  StoreResult<SyncState> sync_state();
  StoreResult<void> record_sync(const std::string& error);  // now, and the error ("" = success)

 private:
  JobStore() = default;
  StoreResult<void> exec(const char* sql);
  StoreResult<void> writable() const;
  std::string header_verdict();
  std::string integrity_verdict();
  StoreResult<void> reopen_read_only(const std::string& verdict);
  void remove_marker();

  sqlite3* db_ = nullptr;
  bool read_only_ = false;
  bool checked_ = false;
  std::string warning_;
  std::filesystem::path path_;
  std::filesystem::path marker_;
};

const char* to_string(JobState s);
const char* to_string(StepState s);
std::optional<JobState> job_state_from(const std::string& s);

// Current UTC time as RFC 3339 ("2026-11-21T08:30:00Z").
std::string utc_now_rfc3339();

}  // namespace lockdiag::app
