// One driver per job: the job_leases table (created on first use, beside the numbered
// migrations) and the functions that take, check and release a lease.
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "lockdiag/app/job_store.h"
#include "sqlite_statement.h"

namespace lockdiag::app {

namespace {

constexpr const char* kLeaseTable =
    "CREATE TABLE IF NOT EXISTS job_leases ("
    " job_id INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,"
    " pid INTEGER NOT NULL, host TEXT NOT NULL, proc_start INTEGER NOT NULL,"
    " taken_at TEXT NOT NULL, expires_unix INTEGER NOT NULL)";

// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. 0: unknown.
int64_t process_start(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22; ++i)
    if (!(rest >> field)) return 0;
  return std::atoll(field.c_str());
}

std::string this_host() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// A holder on this host whose process is gone (or whose pid now belongs to another program).
bool holder_gone(const LeaseHolder& h) {
  if (h.host != this_host()) return false;  // cannot tell from here: only expiry frees it
  if (kill(static_cast<pid_t>(h.pid), 0) != 0 && errno == ESRCH) return true;
  const int64_t start = process_start(h.pid);
  return start != 0 && h.proc_start != 0 && start != h.proc_start;
}

std::unexpected<StoreError> sql_fail(sqlite3* db, const std::string& what) {
  return std::unexpected(StoreError{StoreError::kIo, what + ": " + sqlite3_errmsg(db)});
}

}  // namespace

LeaseHolder LeaseHolder::self() {
  LeaseHolder h;
  h.pid = getpid();
  h.host = this_host();
  h.proc_start = process_start(h.pid);
  return h;
}

StoreResult<void> JobStore::take_lease(int64_t job_id, const LeaseHolder& me, int ttl_s) {
  if (auto w = writable(); !w) return w;
  if (auto r = exec(kLeaseTable); !r) return r;
  if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;  // nobody else reads or takes it meanwhile
  auto rollback = [&](StoreResult<void> r) {
    (void)exec("ROLLBACK");
    return r;
  };
  std::optional<JobLease> held;
  {
    Statement q(db_, "SELECT pid, host, proc_start, taken_at, expires_unix FROM job_leases WHERE job_id = ?");
    q.bind(1, job_id);
    const int rc = q.step();
    if (rc == SQLITE_ROW) {
      JobLease l;
      l.job_id = job_id;
      l.holder = {q.int64(0), q.text(1), q.int64(2)};
      l.taken_at = q.text(3);
      l.expires_unix = q.int64(4);
      held = l;
    } else if (rc != SQLITE_DONE) {
      return rollback(sql_fail(db_, "cannot read the lease of job " + std::to_string(job_id)));
    }
  }
  const int64_t now = std::time(nullptr);
  if (held) {
    const auto& h = held->holder;
    const bool mine = h.pid == me.pid && h.host == me.host && h.proc_start == me.proc_start;
    if (!mine && held->expires_unix > now && !holder_gone(h))
      return rollback(
          std::unexpected(StoreError{StoreError::kConstraint,
                                     "job " + std::to_string(job_id) + " is being driven by another lockdiag (pid " +
                                         std::to_string(h.pid) + " on " + h.host + ", since " + held->taken_at +
                                         "); let it finish or stop it, then resume"}));
  }
  Statement up(db_,
               "INSERT INTO job_leases (job_id, pid, host, proc_start, taken_at, expires_unix) VALUES (?,?,?,?,?,?) "
               "ON CONFLICT(job_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, "
               "proc_start = excluded.proc_start, taken_at = excluded.taken_at, expires_unix = excluded.expires_unix");
  up.bind(1, job_id)
      .bind(2, me.pid)
      .bind(3, me.host)
      .bind(4, me.proc_start)
      .bind(5, utc_now_rfc3339())
      .bind(6, now + ttl_s);
  if (up.step() != SQLITE_DONE)
    return rollback(sql_fail(db_, "cannot take the lease of job " + std::to_string(job_id)));
  return exec("COMMIT");
}

StoreResult<void> JobStore::release_lease(int64_t job_id, const LeaseHolder& me) {
  if (auto w = writable(); !w) return w;
  if (auto r = exec(kLeaseTable); !r) return r;
  Statement d(db_, "DELETE FROM job_leases WHERE job_id = ? AND pid = ? AND host = ? AND proc_start = ?");
  d.bind(1, job_id).bind(2, me.pid).bind(3, me.host).bind(4, me.proc_start);
  if (d.step() != SQLITE_DONE) return sql_fail(db_, "cannot release the lease of job " + std::to_string(job_id));
  return {};
}

StoreResult<std::optional<JobLease>> JobStore::lease(int64_t job_id) {
  Statement q(db_, "SELECT pid, host, proc_start, taken_at, expires_unix FROM job_leases WHERE job_id = ?");
  if (!q.ok()) return std::optional<JobLease>{};  // no table yet: nobody ever held a lease
  q.bind(1, job_id);
  if (q.step() != SQLITE_ROW) return std::optional<JobLease>{};
  JobLease l;
  l.job_id = job_id;
  l.holder = {q.int64(0), q.text(1), q.int64(2)};
  l.taken_at = q.text(3);
  l.expires_unix = q.int64(4);
  return std::optional<JobLease>{l};
}

}  // namespace lockdiag::app
