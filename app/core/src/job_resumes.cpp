// The job_resumes table: each time an interrupted job was picked up again, where and how.
#include <sqlite3.h>

#include "lockdiag/app/job_store.h"
#include "sqlite_statement.h"

namespace lockdiag::app {

namespace {
constexpr const char* kResumeTable =
    "CREATE TABLE IF NOT EXISTS job_resumes ("
    " id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
    " at TEXT NOT NULL, previous_state TEXT NOT NULL, step_seq INTEGER NOT NULL, step_name TEXT NOT NULL,"
    " step_state TEXT NOT NULL, how TEXT NOT NULL)";
}  // namespace

StoreResult<void> JobStore::add_resume(int64_t job_id, const ResumeRecord& r) {
  if (auto w = writable(); !w) return w;
  if (auto c = exec(kResumeTable); !c) return c;
  Statement s(db_,
              "INSERT INTO job_resumes(job_id, at, previous_state, step_seq, step_name, step_state, how) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  s.bind(1, job_id).bind(2, r.at).bind(3, r.previous_state).bind(4, static_cast<int64_t>(r.step_seq));
  s.bind(5, r.step_name).bind(6, r.step_state).bind(7, r.how);
  if (s.step() != SQLITE_DONE)
    return std::unexpected(
        StoreError{StoreError::kIo, std::string("cannot record the resumption: ") + sqlite3_errmsg(db_)});
  return {};
}

StoreResult<std::vector<ResumeRecord>> JobStore::resumes(int64_t job_id) {
  std::vector<ResumeRecord> out;
  Statement s(db_,
              "SELECT at, previous_state, step_seq, step_name, step_state, how FROM job_resumes WHERE job_id = ?1 "
              "ORDER BY id");
  if (!s.ok()) return out;  // no table: never resumed
  s.bind(1, job_id);
  while (s.step() == SQLITE_ROW)
    out.push_back({s.text(0), s.text(1), static_cast<int>(s.int64(2)), s.text(3), s.text(4), s.text(5)});
  return out;
}

}  // namespace lockdiag::app
