#include "lockdiag/app/job_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <ctime>

#include "job_store_schema.h"
#include "sqlite_statement.h"

namespace lockdiag::app {

namespace fs = std::filesystem;

namespace {

std::unexpected<StoreError> store_fail(StoreError::Kind k, std::string msg) {
  return std::unexpected(StoreError{k, std::move(msg)});
}

JobRecord read_job(const Statement& s) {
  JobRecord j;
  j.id = s.int64(0);
  j.kind = s.text(1);
  j.state = job_state_from(s.text(2)).value_or(JobState::kFailed);
  j.lock_serial = s.text(3);
  j.site = s.text(4);
  j.customer = s.text(5);
  j.technician = s.text(6);
  j.params_json = s.text(7);
  j.created_at = s.text(8);
  j.updated_at = s.text(9);
  j.site_zone = s.text(10);
  return j;
}

// <file>-open.<pid>.<n>: one per open JobStore, removed by its destructor.
std::string marker_prefix(const fs::path& db) { return db.filename().string() + "-open."; }

bool process_alive(pid_t pid) { return pid == ::getpid() || ::kill(pid, 0) == 0 || errno == EPERM; }

std::vector<fs::path> stale_open_markers(const fs::path& db) {
  std::vector<fs::path> out;
  std::error_code ec;
  const std::string prefix = marker_prefix(db);
  for (fs::directory_iterator it(db.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    if (name == prefix + "damaged") {  // left by check(): keep checking until the file is replaced
      out.push_back(it->path());
      continue;
    }
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid > 0 && !process_alive(static_cast<pid_t>(pid))) out.push_back(it->path());
  }
  return out;
}

fs::path create_open_marker(const fs::path& db) {
  static std::atomic<unsigned> counter{0};
  const fs::path p = db.parent_path() /
                     (marker_prefix(db) + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1)));
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return {};  // a read-only folder: the store still works, a crash just goes unnoticed
  ::close(fd);
  return p;
}

constexpr const char* kJobColumns =
    "SELECT jobs.id, jobs.kind, jobs.state, locks.serial, COALESCE(sites.name,''), COALESCE(customers.name,''), "
    "jobs.technician, jobs.params_json, jobs.created_at, jobs.updated_at, jobs.site_zone FROM jobs "
    "JOIN locks ON locks.id = jobs.lock_id LEFT JOIN sites ON sites.id = jobs.site_id "
    "LEFT JOIN customers ON customers.id = sites.customer_id ";

}  // namespace

std::string utc_now_rfc3339() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const char* to_string(JobState s) {
  switch (s) {
    case JobState::kRunning: return "running";
    case JobState::kInterrupted: return "interrupted";
    case JobState::kDone: return "done";
    case JobState::kFailed: return "failed";
    case JobState::kRolledBack: return "rolled_back";
  }
  return "failed";
}

const char* to_string(StepState s) {
  switch (s) {
    case StepState::kStarted: return "started";
    case StepState::kDone: return "done";
    case StepState::kFailed: return "failed";
    case StepState::kSkipped: return "skipped";
  }
  return "failed";
}

std::optional<JobState> job_state_from(const std::string& s) {
  for (JobState st :
       {JobState::kRunning, JobState::kInterrupted, JobState::kDone, JobState::kFailed, JobState::kRolledBack})
    if (s == to_string(st)) return st;
  return std::nullopt;
}

fs::path JobStore::default_path() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  const fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : ".") / ".local/share";
  return base / "lockdiag" / "jobs.sqlite";
}

StoreResult<JobStore> JobStore::open(const fs::path& path) {
  JobStore s;
  s.path_ = path;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return store_fail(StoreError::kIo, "cannot create " + path.parent_path().string() + ": " + ec.message());
  const bool existed = fs::exists(path);
  if (!existed) {
    // Create it 0600 before SQLite does, so the file is never readable by others.
    const mode_t old = umask(077);
    FILE* f = std::fopen(path.c_str(), "ab");
    umask(old);
    if (!f) return store_fail(StoreError::kIo, "cannot create the job database " + path.string());
    std::fclose(f);
  }
  ::chmod(path.c_str(), 0600);

  // A marker left by a process that died with the store open means an unclean shutdown: only
  // then (and on `lockdiag job check`) does opening pay for a full integrity check.
  const std::vector<fs::path> stale = stale_open_markers(path);

  if (sqlite3_open_v2(path.c_str(), &s.db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    return store_fail(StoreError::kIo, "cannot open the job database " + path.string() + ": " +
                                           (s.db_ ? sqlite3_errmsg(s.db_) : "out of memory"));
  sqlite3_busy_timeout(s.db_, 5000);

  // The header and the schema are read on every open (cheap); the b-tree pages only when checked.
  std::string verdict = s.header_verdict();
  if (verdict == "ok" && !stale.empty()) {
    s.checked_ = true;
    verdict = s.integrity_verdict();
  }
  if (verdict != "ok") {
    // Stale markers stay, so every later open checks again until the file is replaced.
    if (auto r = s.reopen_read_only(verdict); !r) return std::unexpected(r.error());
    return s;
  }
  for (const auto& m : stale) {
    std::error_code ignored;
    fs::remove(m, ignored);
  }
  s.marker_ = create_open_marker(path);

  if (auto r = s.exec("PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"); !r)
    return std::unexpected(r.error());

  int version = 0;
  {
    Statement v(s.db_, "PRAGMA user_version");
    if (v.step() == SQLITE_ROW) version = static_cast<int>(v.int64(0));
  }
  if (version > kMigrationCount) {
    s.read_only_ = true;
    s.warning_ = "the job database " + path.string() + " was written by a newer lockdiag (schema " +
                 std::to_string(version) + "); it is open read-only";
    return s;
  }
  for (int m = version; m < kMigrationCount; ++m) {
    if (auto r = s.exec("BEGIN IMMEDIATE"); !r) return std::unexpected(r.error());
    auto r = s.exec(kMigrations[m]);
    if (r) r = s.exec(("PRAGMA user_version = " + std::to_string(m + 1)).c_str());
    if (!r) {
      (void)s.exec("ROLLBACK");
      return std::unexpected(r.error());
    }
    if (auto c = s.exec("COMMIT"); !c) return std::unexpected(c.error());
  }
  return s;
}

std::string JobStore::header_verdict() {
  Statement v(db_, "SELECT count(*) FROM sqlite_schema");
  const int rc = v.step();
  return rc == SQLITE_ROW ? std::string("ok") : std::string(sqlite3_errstr(rc));
}

std::string JobStore::integrity_verdict() {
  Statement check(db_, "PRAGMA integrity_check(1)");
  const int rc = check.step();
  return rc == SQLITE_ROW ? check.text(0) : std::string(sqlite3_errstr(rc));
}

StoreResult<void> JobStore::reopen_read_only(const std::string& verdict) {
  sqlite3_close(db_);
  db_ = nullptr;
  remove_marker();
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    return store_fail(StoreError::kDamaged, "the job database " + path_.string() + " is damaged (" + verdict +
                                                ") and cannot be read; it was left untouched");
  read_only_ = true;
  warning_ = "the job database " + path_.string() + " is damaged (" + verdict +
             "); it is open read-only and nothing will be written to it. Copy it aside and start a new one "
             "with --store, or restore a backup";
  return {};
}

StoreResult<std::string> JobStore::check() {
  checked_ = true;
  std::string verdict = header_verdict();
  if (verdict == "ok") verdict = integrity_verdict();
  if (verdict != "ok" && !read_only_) {
    // Leave a marker that outlives us, so the next open checks again and stays read-only.
    const fs::path keep = path_.parent_path() / (marker_prefix(path_) + "damaged");
    const int fd = ::open(keep.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
    if (auto r = reopen_read_only(verdict); !r) return std::unexpected(r.error());
  }
  return verdict;
}

void JobStore::remove_marker() {
  if (marker_.empty()) return;
  std::error_code ignored;
  fs::remove(marker_, ignored);
  marker_.clear();
}

JobStore::JobStore(JobStore&& o) noexcept
    : db_(o.db_),
      read_only_(o.read_only_),
      checked_(o.checked_),
      warning_(std::move(o.warning_)),
      path_(std::move(o.path_)),
      marker_(std::move(o.marker_)) {
  o.db_ = nullptr;
  o.marker_.clear();
}

JobStore& JobStore::operator=(JobStore&& o) noexcept {
  if (this != &o) {
    sqlite3_close(db_);
    db_ = o.db_;
    o.db_ = nullptr;
    read_only_ = o.read_only_;
    checked_ = o.checked_;
    warning_ = std::move(o.warning_);
    path_ = std::move(o.path_);
    remove_marker();
    marker_ = std::move(o.marker_);
    o.marker_.clear();
  }
  return *this;
}

// The marker goes only after SQLite has closed (and checkpointed) the file: a crash in between
// still reads as unclean.
JobStore::~JobStore() {
  sqlite3_close(db_);
  remove_marker();
}

StoreResult<void> JobStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    const bool constraint = sqlite3_errcode(db_) == SQLITE_CONSTRAINT;
    return store_fail(constraint ? StoreError::kConstraint : StoreError::kIo, "job database: " + msg);
  }
  return {};
}

StoreResult<void> JobStore::writable() const {
  if (read_only_) return store_fail(StoreError::kReadOnly, warning_);
  return {};
}

namespace {
StoreResult<void> done(Statement& s) {
  const int rc = s.step();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return {};
  if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
    return store_fail(StoreError::kDamaged, "job database: " + s.error() + "; run `lockdiag job check`");
  return store_fail(rc == SQLITE_CONSTRAINT ? StoreError::kConstraint : StoreError::kIo, "job database: " + s.error());
}
}  // namespace

StoreResult<void> JobStore::upsert_lock(const LockRecord& lock) {
  if (auto w = writable(); !w) return w;
  const std::string now = utc_now_rfc3339();
  Statement s(db_,
              "INSERT INTO locks(serial, model, firmware, first_seen, last_seen) VALUES(?1, ?2, ?3, ?4, ?4) "
              "ON CONFLICT(serial) DO UPDATE SET model = ?2, firmware = ?3, last_seen = ?4");
  s.bind(1, lock.serial).bind(2, lock.model).bind(3, lock.firmware).bind(4, now);
  return done(s);
}

StoreResult<std::optional<LockRecord>> JobStore::find_lock(const std::string& serial) {
  Statement s(db_, "SELECT serial, model, firmware, last_event_seq FROM locks WHERE serial = ?1");
  s.bind(1, serial);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<LockRecord>{};
  if (rc != SQLITE_ROW) return store_fail(StoreError::kIo, "job database: " + s.error());
  LockRecord l{s.text(0), s.text(1), s.text(2), std::nullopt};
  if (!s.is_null(3)) l.last_event_seq = static_cast<uint32_t>(s.int64(3));
  return std::optional<LockRecord>(l);
}

StoreResult<void> JobStore::set_last_event_seq(const std::string& serial, uint32_t seq) {
  if (auto w = writable(); !w) return w;
  Statement s(db_, "UPDATE locks SET last_event_seq = ?2 WHERE serial = ?1");
  s.bind(1, serial).bind(2, static_cast<int64_t>(seq));
  return done(s);
}

StoreResult<int64_t> JobStore::create_job(const JobRecord& job) {
  if (auto w = writable(); !w) return std::unexpected(w.error());
  if (auto r = exec("BEGIN IMMEDIATE"); !r) return std::unexpected(r.error());
  auto fail_tx = [&](StoreError e) {
    (void)exec("ROLLBACK");
    return std::unexpected(std::move(e));
  };
  std::optional<int64_t> site_id;
  if (!job.site.empty() || !job.customer.empty()) {
    Statement c(db_, "INSERT INTO customers(name) VALUES(?1) ON CONFLICT(name) DO NOTHING");
    c.bind(1, job.customer);
    if (auto r = done(c); !r) return fail_tx(r.error());
    Statement site(db_,
                   "INSERT INTO sites(customer_id, name) SELECT id, ?2 FROM customers WHERE name = ?1 "
                   "ON CONFLICT(customer_id, name) DO NOTHING");
    site.bind(1, job.customer).bind(2, job.site);
    if (auto r = done(site); !r) return fail_tx(r.error());
    Statement q(db_,
                "SELECT sites.id FROM sites JOIN customers ON customers.id = sites.customer_id "
                "WHERE customers.name = ?1 AND sites.name = ?2");
    q.bind(1, job.customer).bind(2, job.site);
    if (q.step() == SQLITE_ROW) site_id = q.int64(0);
  }
  const std::string now = utc_now_rfc3339();
  Statement s(
      db_,
      "INSERT INTO jobs(kind, state, lock_id, site_id, technician, params_json, created_at, updated_at, site_zone) "
      "SELECT ?1, 'running', id, ?3, ?4, ?5, ?6, ?6, ?7 FROM locks WHERE serial = ?2");
  s.bind(1, job.kind).bind(2, job.lock_serial);
  if (site_id) s.bind(3, *site_id);
  else s.bind_null(3);
  s.bind(4, job.technician)
      .bind(5, job.params_json.empty() ? std::string("{}") : job.params_json)
      .bind(6, now)
      .bind(7, job.site_zone);
  if (auto r = done(s); !r) return fail_tx(r.error());
  if (sqlite3_changes(db_) != 1)
    return fail_tx(StoreError{StoreError::kNotFound, "lock " + job.lock_serial + " is not in the job database"});
  const int64_t id = sqlite3_last_insert_rowid(db_);
  if (auto r = exec("COMMIT"); !r) return std::unexpected(r.error());
  return id;
}

StoreResult<JobRecord> JobStore::job(int64_t id) {
  Statement s(db_, (std::string(kJobColumns) + "WHERE jobs.id = ?1").c_str());
  s.bind(1, id);
  const int rc = s.step();
  if (rc == SQLITE_ROW) return read_job(s);
  if (rc == SQLITE_DONE) return store_fail(StoreError::kNotFound, "no job " + std::to_string(id));
  return store_fail(StoreError::kIo, "job database: " + s.error());
}

StoreResult<std::vector<JobRecord>> JobStore::jobs(const std::string& lock_serial) {
  // Two statements, not "?1 = '' OR serial = ?1": that form cannot use jobs_by_lock and scanned every job.
  Statement s(db_, (std::string(kJobColumns) +
                    (lock_serial.empty() ? "ORDER BY jobs.id" : "WHERE locks.serial = ?1 ORDER BY jobs.id"))
                       .c_str());
  if (!lock_serial.empty()) s.bind(1, lock_serial);
  std::vector<JobRecord> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_job(s));
  if (rc != SQLITE_DONE) return store_fail(StoreError::kIo, "job database: " + s.error());
  return out;
}

StoreResult<void> JobStore::set_job_state(int64_t id, JobState state) {
  if (auto w = writable(); !w) return w;
  Statement s(db_, "UPDATE jobs SET state = ?2, updated_at = ?3 WHERE id = ?1");
  s.bind(1, id).bind(2, std::string(to_string(state))).bind(3, utc_now_rfc3339());
  return done(s);
}

StoreResult<void> JobStore::begin_step(int64_t job_id, int seq, const std::string& name,
                                       const std::string& detail_json) {
  if (auto w = writable(); !w) return w;
  Statement s(
      db_,
      "INSERT INTO steps(job_id, seq, name, state, started_at, detail_json) VALUES(?1, ?2, ?3, 'started', ?4, ?5) "
      "ON CONFLICT(job_id, seq) DO UPDATE SET state = 'started', started_at = ?4, finished_at = NULL, "
      "detail_json = ?5 WHERE name = ?3");
  s.bind(1, job_id).bind(2, static_cast<int64_t>(seq)).bind(3, name).bind(4, utc_now_rfc3339()).bind(5, detail_json);
  if (auto r = done(s); !r) return r;
  if (sqlite3_changes(db_) != 1)
    return store_fail(StoreError::kConstraint, "step " + std::to_string(seq) + " of job " + std::to_string(job_id) +
                                                   " is recorded under another name; the job record was not changed");
  return {};
}

StoreResult<void> JobStore::finish_step(int64_t job_id, int seq, StepState state, const std::string& outcome,
                                        bool confirmed_at_lock, const std::string& detail_json) {
  if (auto w = writable(); !w) return w;
  Statement s(db_,
              "UPDATE steps SET state = ?3, outcome = ?4, confirmed_at_lock = ?5, detail_json = ?6, finished_at = ?7 "
              "WHERE job_id = ?1 AND seq = ?2");
  s.bind(1, job_id).bind(2, static_cast<int64_t>(seq)).bind(3, std::string(to_string(state))).bind(4, outcome);
  s.bind(5, int64_t{confirmed_at_lock}).bind(6, detail_json).bind(7, utc_now_rfc3339());
  if (auto r = done(s); !r) return r;
  if (sqlite3_changes(db_) != 1)
    return store_fail(StoreError::kNotFound,
                      "step " + std::to_string(seq) + " of job " + std::to_string(job_id) + " was never begun");
  Statement touch(db_, "UPDATE jobs SET updated_at = ?2 WHERE id = ?1");
  touch.bind(1, job_id).bind(2, utc_now_rfc3339());
  return done(touch);
}

StoreResult<std::vector<StepRecord>> JobStore::steps(int64_t job_id) {
  Statement s(db_,
              "SELECT job_id, seq, name, state, confirmed_at_lock, started_at, COALESCE(finished_at,''), outcome, "
              "detail_json FROM steps WHERE job_id = ?1 ORDER BY seq");
  s.bind(1, job_id);
  std::vector<StepRecord> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    StepRecord r;
    r.job_id = s.int64(0);
    r.seq = static_cast<int>(s.int64(1));
    r.name = s.text(2);
    const std::string st = s.text(3);
    r.state = st == "done"      ? StepState::kDone
              : st == "failed"  ? StepState::kFailed
              : st == "skipped" ? StepState::kSkipped
                                : StepState::kStarted;
    r.confirmed_at_lock = s.int64(4) != 0;
    r.started_at = s.text(5);
    r.finished_at = s.text(6);
    r.outcome = s.text(7);
    r.detail_json = s.text(8);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return store_fail(StoreError::kIo, "job database: " + s.error());
  return out;
}

StoreResult<void> JobStore::save_snapshot(int64_t job_id, const std::string& phase, const std::string& json) {
  if (auto w = writable(); !w) return w;
  Statement s(db_,
              "INSERT INTO snapshots(job_id, phase, taken_at, data_json) VALUES(?1, ?2, ?3, ?4) "
              "ON CONFLICT(job_id, phase) DO UPDATE SET taken_at = ?3, data_json = ?4");
  s.bind(1, job_id).bind(2, phase).bind(3, utc_now_rfc3339()).bind(4, json);
  return done(s);
}

StoreResult<std::optional<std::string>> JobStore::snapshot(int64_t job_id, const std::string& phase) {
  Statement s(db_, "SELECT data_json FROM snapshots WHERE job_id = ?1 AND phase = ?2");
  s.bind(1, job_id).bind(2, phase);
  const int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(s.text(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>{};
  return store_fail(StoreError::kIo, "job database: " + s.error());
}

StoreResult<std::optional<std::string>> JobStore::previous_snapshot(const std::string& lock_serial,
                                                                    int64_t before_job_id, const std::string& phase) {
  Statement s(db_,
              "SELECT snapshots.data_json FROM snapshots JOIN jobs ON jobs.id = snapshots.job_id "
              "JOIN locks ON locks.id = jobs.lock_id WHERE locks.serial = ?1 AND jobs.id < ?2 AND jobs.state = 'done' "
              "AND snapshots.phase = ?3 ORDER BY jobs.id DESC LIMIT 1");
  s.bind(1, lock_serial).bind(2, before_job_id).bind(3, phase);
  const int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(s.text(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>{};
  return store_fail(StoreError::kIo, "job database: " + s.error());
}

StoreResult<void> JobStore::replace_findings(int64_t job_id, const std::vector<FindingRecord>& findings) {
  if (auto w = writable(); !w) return w;
  if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
  Statement del(db_, "DELETE FROM findings WHERE job_id = ?1");
  del.bind(1, job_id);
  if (auto r = done(del); !r) {
    (void)exec("ROLLBACK");
    return r;
  }
  for (const auto& f : findings) {
    Statement s(
        db_, "INSERT INTO findings(job_id, code, severity, title, next_step, detail_json) VALUES(?1,?2,?3,?4,?5,?6)");
    s.bind(1, job_id).bind(2, f.code).bind(3, f.severity).bind(4, f.title).bind(5, f.next_step).bind(6, f.detail_json);
    if (auto r = done(s); !r) {
      (void)exec("ROLLBACK");
      return r;
    }
  }
  return exec("COMMIT");
}

StoreResult<std::vector<FindingRecord>> JobStore::findings(int64_t job_id) {
  Statement s(db_, "SELECT code, severity, title, next_step, detail_json FROM findings WHERE job_id = ?1 ORDER BY id");
  s.bind(1, job_id);
  std::vector<FindingRecord> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)});
  if (rc != SQLITE_DONE) return store_fail(StoreError::kIo, "job database: " + s.error());
  return out;
}

StoreResult<void> JobStore::add_report(int64_t job_id, const std::string& path, const std::string& sha256_hex,
                                       const std::string& key_id) {
  if (auto w = writable(); !w) return w;
  Statement s(db_, "INSERT INTO reports(job_id, path, sha256, key_id, created_at) VALUES(?1,?2,?3,?4,?5)");
  s.bind(1, job_id).bind(2, path).bind(3, sha256_hex).bind(4, key_id).bind(5, utc_now_rfc3339());
  return done(s);
}

}  // namespace lockdiag::app
