// The job store: schema, steps before/after acting, and damaged files refused without loss.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "lockdiag/app/job_store.h"
#include "run_process.h"

using namespace lockdiag::app;
using lockdiag::test::TempDir;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

JobStore open_ok(const std::filesystem::path& p) {
  auto s = JobStore::open(p);
  REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message));
  return std::move(*s);
}

int64_t seed_job(JobStore& s, const std::string& serial = "LD1-0001") {
  REQUIRE(s.upsert_lock({serial, "LD-100", "1.0.0", std::nullopt}).has_value());
  JobRecord j;
  j.kind = "handoff_audit";
  j.lock_serial = serial;
  j.site = "12 Rue des Lilas, flat 3";
  j.customer = "Agence Dupont";
  j.technician = "Zoë Łukasiewicz";
  auto id = s.create_job(j);
  REQUIRE(id.has_value());
  return *id;
}

}  // namespace

TEST_CASE("a new job store is created 0600, migrated, and keeps what is written") {
  TempDir dir;
  const auto path = dir.path() / "sub" / "jobs.sqlite";
  int64_t id;
  {
    auto s = open_ok(path);
    CHECK_FALSE(s.read_only());
    id = seed_job(s);
    REQUIRE(s.begin_step(id, 1, "read_identity").has_value());
    REQUIRE(s.finish_step(id, 1, StepState::kDone, "LD-100 LD1-0001").has_value());
    REQUIRE(s.begin_step(id, 2, "delete_slot", R"({"slot":7})").has_value());
    REQUIRE(s.save_snapshot(id, "before", R"({"occupied":8})").has_value());
    REQUIRE(s.replace_findings(id, {{"clock_drift", "warning", "Clock is 3 min fast", "Sync the clock", "{}"}})
                .has_value());
  }
  struct stat st{};
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto s = open_ok(path);
  auto job = s.job(id);
  REQUIRE(job.has_value());
  CHECK(job->kind == "handoff_audit");
  CHECK(job->state == JobState::kRunning);
  CHECK(job->technician == "Zoë Łukasiewicz");
  CHECK(job->site == "12 Rue des Lilas, flat 3");
  CHECK(job->customer == "Agence Dupont");
  auto steps = s.steps(id);
  REQUIRE(steps.has_value());
  REQUIRE(steps->size() == 2);
  CHECK((*steps)[0].state == StepState::kDone);
  CHECK((*steps)[1].state == StepState::kStarted);  // an interrupted step is visible as such
  CHECK((*steps)[1].finished_at.empty());
  CHECK(s.snapshot(id, "before")->value() == R"({"occupied":8})");
  CHECK(s.findings(id)->size() == 1);
}

TEST_CASE("steps cannot be finished without being begun, nor renamed on resume") {
  TempDir dir;
  auto s = open_ok(dir.path() / "j.sqlite");
  const auto id = seed_job(s);
  auto r = s.finish_step(id, 5, StepState::kDone, "x");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == StoreError::kNotFound);
  REQUIRE(s.begin_step(id, 1, "sync_clock").has_value());
  CHECK(s.begin_step(id, 1, "sync_clock").has_value());  // resuming the same step is fine
  auto renamed = s.begin_step(id, 1, "factory_reset");
  REQUIRE_FALSE(renamed.has_value());
  CHECK(s.steps(id)->at(0).name == "sync_clock");
}

TEST_CASE("foreign keys hold: a job needs a known lock") {
  TempDir dir;
  auto s = open_ok(dir.path() / "j.sqlite");
  JobRecord j;
  j.kind = "diagnose";
  j.lock_serial = "NOT-SEEN";
  auto r = s.create_job(j);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == StoreError::kNotFound);
  CHECK(s.jobs()->empty());
}

TEST_CASE("the previous visit's snapshot and event position are found per lock") {
  TempDir dir;
  auto s = open_ok(dir.path() / "j.sqlite");
  const auto first = seed_job(s, "A");
  REQUIRE(s.save_snapshot(first, "after", R"({"fp":"aa"})").has_value());
  REQUIRE(s.set_job_state(first, JobState::kDone).has_value());
  REQUIRE(s.set_last_event_seq("A", 3120).has_value());
  const auto other = seed_job(s, "B");
  REQUIRE(s.save_snapshot(other, "after", R"({"fp":"bb"})").has_value());
  REQUIRE(s.set_job_state(other, JobState::kDone).has_value());
  const auto second = seed_job(s, "A");
  CHECK(s.previous_snapshot("A", second, "after")->value() == R"({"fp":"aa"})");
  CHECK_FALSE(s.previous_snapshot("A", first, "after")->has_value());
  CHECK(s.find_lock("A")->value().last_event_seq == 3120u);
  CHECK(s.jobs("A")->size() == 2);
}

namespace {
// A store with 40 jobs of 10 steps each, closed cleanly, then scribbled over mid-b-tree.
std::string damaged_store(const std::filesystem::path& path) {
  {
    auto s = open_ok(path);
    for (int i = 0; i < 40; ++i) {
      const auto id = seed_job(s, "LOCK-" + std::to_string(i));
      for (int k = 0; k < 10; ++k)
        REQUIRE(s.begin_step(id, k, "step" + std::to_string(k), std::string(200, 'x')).has_value());
    }
  }
  // Checkpointed on close; now scribble over the middle of the b-tree pages.
  std::string bytes = slurp(path);
  REQUIRE(bytes.size() > 16384);
  for (size_t i = 8192; i < 8192 + 2000; ++i) bytes[i] = static_cast<char>(i * 7);
  {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }
  return bytes;
}

// A process that opens the store and dies without closing it (a crash, a power cut).
void crash_with_store_open(const std::filesystem::path& path) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    auto s = JobStore::open(path);
    ::_exit(s.has_value() ? 0 : 3);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
}

size_t markers(const std::filesystem::path& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().find("-open.") != std::string::npos) ++n;
  return n;
}
}  // namespace

TEST_CASE("a clean open does not run the full check; `job check` finds damage and the store stays read-only") {
  TempDir dir;
  const auto path = dir.path() / "jobs.sqlite";
  const std::string bytes = damaged_store(path);
  {
    auto s = open_ok(path);
    CHECK_FALSE(s.integrity_checked());  // the last close was clean: no 3 s check on open
    auto verdict = s.check();
    REQUIRE(verdict.has_value());
    CHECK(*verdict != "ok");
    CHECK(s.integrity_checked());
    CHECK(s.read_only());
    CHECK(s.warning().find("damaged") != std::string::npos);
    auto w = s.upsert_lock({"X", "m", "f", std::nullopt});
    REQUIRE_FALSE(w.has_value());
    CHECK(w.error().kind == StoreError::kReadOnly);
  }
  CHECK(slurp(path) == bytes);
  // Once found damaged, every later open checks again and refuses to write.
  auto again = open_ok(path);
  CHECK(again.integrity_checked());
  CHECK(again.read_only());
  CHECK(slurp(path) == bytes);
}

TEST_CASE("after an unclean shutdown the next open runs the full check and opens a damaged file read-only") {
  TempDir dir;
  const auto path = dir.path() / "jobs.sqlite";
  const std::string bytes = damaged_store(path);
  crash_with_store_open(path);
  CHECK(markers(dir.path()) == 1);
  auto s = open_ok(path);
  CHECK(s.integrity_checked());
  CHECK(s.read_only());
  CHECK(s.warning().find("damaged") != std::string::npos);
  CHECK_FALSE(s.upsert_lock({"X", "m", "f", std::nullopt}).has_value());
  CHECK(slurp(path) == bytes);
}

TEST_CASE("an unclean shutdown of a sound store: one check, then clean opens again; a clean close leaves no marker") {
  TempDir dir;
  const auto path = dir.path() / "jobs.sqlite";
  {
    auto s = open_ok(path);
    seed_job(s);
  }
  CHECK(markers(dir.path()) == 0);
  crash_with_store_open(path);
  {
    auto s = open_ok(path);
    CHECK(s.integrity_checked());
    CHECK_FALSE(s.read_only());
    CHECK(s.jobs("LD1-0001")->size() == 1);
    CHECK(markers(dir.path()) == 1);  // its own, not the dead one's
    auto other = open_ok(path);       // a second process-local open sees a live marker, not a crash
    CHECK_FALSE(other.integrity_checked());
  }
  CHECK(markers(dir.path()) == 0);
  auto s = open_ok(path);
  CHECK_FALSE(s.integrity_checked());
}

TEST_CASE("per-lock history uses the indexes: no full scan of jobs, findings or reports") {
  TempDir dir;
  const auto path = dir.path() / "jobs.sqlite";
  {
    auto s = open_ok(path);
    seed_job(s);
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  auto plan = [&](const std::string& sql) {
    std::string out;
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &st, nullptr) == SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
      out += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) + "\n";
    sqlite3_finalize(st);
    return out;
  };
  for (const char* table : {"findings", "reports"}) {
    const auto p = plan(std::string("SELECT * FROM ") + table + " WHERE job_id = 7");
    CHECK_MESSAGE(p.find("USING INDEX") != std::string::npos, p);
  }
  const auto p = plan(
      "SELECT jobs.id FROM jobs JOIN locks ON locks.id = jobs.lock_id WHERE locks.serial = 'X' ORDER BY jobs.id");
  CHECK_MESSAGE(p.find("SCAN jobs") == std::string::npos, p);
  CHECK_MESSAGE(p.find("jobs_by_lock") != std::string::npos, p);
  sqlite3_close(db);
}

TEST_CASE("history of one lock lists its jobs only, and all jobs without a serial") {
  TempDir dir;
  auto s = open_ok(dir.path() / "jobs.sqlite");
  seed_job(s, "A");
  seed_job(s, "B");
  seed_job(s, "A");
  CHECK(s.jobs("A")->size() == 2);
  CHECK(s.jobs("B")->size() == 1);
  CHECK(s.jobs("C")->empty());
  CHECK(s.jobs()->size() == 3);
}

TEST_CASE("a file that is not a database at all is never overwritten") {
  TempDir dir;
  const auto path = dir.path() / "jobs.sqlite";
  const std::string junk = "this is a spreadsheet, not a job database\n" + std::string(5000, 'z');
  {
    std::ofstream(path, std::ios::binary) << junk;
  }
  auto s = JobStore::open(path);
  if (s.has_value()) {
    CHECK(s->read_only());
    CHECK_FALSE(s->warning().empty());
    CHECK_FALSE(s->create_job({}).has_value());
  } else {
    CHECK(s.error().kind == StoreError::kDamaged);
  }
  CHECK(slurp(path) == junk);
}

TEST_CASE("the site's time zone is kept with the job; a store from before it migrates with '' for old jobs") {
  TempDir dir;
  const auto path = dir.path() / "jobs.sqlite";
  int64_t old_id = 0, new_id = 0;
  {
    auto s = open_ok(path);
    old_id = seed_job(s);
  }
  {  // turn the file into a version-3 store: no site_zone column yet
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "ALTER TABLE jobs DROP COLUMN site_zone; PRAGMA user_version = 3;", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  {
    auto s = open_ok(path);
    auto old_job = s.job(old_id);
    REQUIRE(old_job.has_value());
    CHECK(old_job->site_zone.empty());
    JobRecord j;
    j.kind = "diagnose";
    j.lock_serial = "LD1-0001";
    j.site_zone = "Australia/Adelaide";
    auto id = s.create_job(j);
    REQUIRE(id.has_value());
    new_id = *id;
  }
  auto s = open_ok(path);
  CHECK(s.job(new_id)->site_zone == "Australia/Adelaide");
  auto all = s.jobs("");
  REQUIRE(all.has_value());
  REQUIRE(all->size() == 2);
  CHECK(all->back().site_zone == "Australia/Adelaide");
}
