// The job store's fleet side: the outbox of signed reports, visits pulled from the company
// server, and the sync state the CLI and GUI show (docs/fleet.md, "Sync").
#include <sqlite3.h>

#include "lockdiag/app/job_store.h"
#include "sqlite_statement.h"

namespace lockdiag::app {

namespace {

std::unexpected<StoreError> io_fail(const Statement& s) {
  return std::unexpected(StoreError{StoreError::kIo, "job database: " + s.error()});
}

StoreResult<void> run(Statement& s) {
  const int rc = s.step();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return {};
  return io_fail(s);
}

FleetVisit read_visit(const Statement& s) {
  return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.int64(7)};
}

constexpr const char* kVisitColumns =
    "SELECT sha256, lock_serial, finished_at, technician, kind, fingerprint_before, fingerprint_after, battery_mv "
    "FROM fleet_visits ";

}  // namespace

StoreResult<std::vector<OutboxItem>> JobStore::outbox(const std::string& state) {
  Statement s(db_,
              "SELECT sha256, job_id, path, state, reason, updated_at FROM outbox WHERE state = ?1 ORDER BY job_id");
  s.bind(1, state);
  std::vector<OutboxItem> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW)
    out.push_back({s.text(0), s.int64(1), s.text(2), s.text(3), s.text(4), s.text(5)});
  if (rc != SQLITE_DONE) return io_fail(s);
  return out;
}

StoreResult<void> JobStore::set_outbox_states(const std::vector<OutboxItem>& items) {
  if (auto w = writable(); !w) return w;
  if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
  const std::string now = utc_now_rfc3339();
  for (const auto& i : items) {
    Statement s(db_, "UPDATE outbox SET state = ?2, reason = ?3, updated_at = ?4 WHERE sha256 = ?1");
    s.bind(1, i.sha256).bind(2, i.state).bind(3, i.reason).bind(4, now);
    if (auto r = run(s); !r) {
      (void)exec("ROLLBACK");
      return r;
    }
  }
  return exec("COMMIT");
}

StoreResult<void> JobStore::add_fleet_visits(const std::vector<FleetVisit>& visits) {
  if (auto w = writable(); !w) return w;
  if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
  for (const auto& v : visits) {
    Statement s(
        db_,
        "INSERT OR IGNORE INTO fleet_visits(sha256, lock_serial, finished_at, technician, kind, fingerprint_before, "
        "fingerprint_after, battery_mv) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    s.bind(1, v.sha256).bind(2, v.lock_serial).bind(3, v.finished_at).bind(4, v.technician).bind(5, v.kind);
    s.bind(6, v.fingerprint_before).bind(7, v.fingerprint_after).bind(8, v.battery_mv);
    if (auto r = run(s); !r) {
      (void)exec("ROLLBACK");
      return r;
    }
  }
  return exec("COMMIT");
}

StoreResult<std::optional<FleetVisit>> JobStore::last_visit(const std::string& lock_serial) {
  Statement s(db_, (std::string(kVisitColumns) + "WHERE lock_serial = ?1 ORDER BY finished_at DESC LIMIT 1").c_str());
  s.bind(1, lock_serial);
  const int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<FleetVisit>(read_visit(s));
  if (rc == SQLITE_DONE) return std::optional<FleetVisit>{};
  return io_fail(s);
}

StoreResult<std::vector<FleetVisit>> JobStore::fleet_history(const std::string& lock_serial) {
  Statement s(db_, (std::string(kVisitColumns) + "WHERE lock_serial = ?1 ORDER BY finished_at").c_str());
  s.bind(1, lock_serial);
  std::vector<FleetVisit> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_visit(s));
  if (rc != SQLITE_DONE) return io_fail(s);
  return out;
}

StoreResult<std::vector<std::string>> JobStore::visited_locks() {
  Statement s(db_, "SELECT serial FROM locks ORDER BY serial");
  std::vector<std::string> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(s.text(0));
  if (rc != SQLITE_DONE) return io_fail(s);
  return out;
}

StoreResult<SyncState> JobStore::sync_state() {
  SyncState st;
  Statement c(db_, "SELECT state, count(*) FROM outbox GROUP BY state");
  int rc;
  while ((rc = c.step()) == SQLITE_ROW) {
    const std::string state = c.text(0);
    if (state == "waiting") st.waiting = c.int64(1);
    if (state == "pushed") st.pushed = c.int64(1);
    if (state == "rejected") st.rejected = c.int64(1);
  }
  if (rc != SQLITE_DONE) return io_fail(c);
  Statement s(db_, "SELECT last_sync, last_error FROM sync_state WHERE id = 1");
  if (s.step() == SQLITE_ROW) {
    st.last_sync = s.text(0);
    st.last_error = s.text(1);
  }
  return st;
}

StoreResult<void> JobStore::record_sync(const std::string& error) {
  if (auto w = writable(); !w) return w;
  Statement s(db_, error.empty() ? "UPDATE sync_state SET last_sync = ?1, last_error = '' WHERE id = 1"
                                 : "UPDATE sync_state SET last_error = ?2 WHERE id = 1");
  s.bind(1, utc_now_rfc3339());
  if (!error.empty()) s.bind(2, error);
  return run(s);
}

}  // namespace lockdiag::app
