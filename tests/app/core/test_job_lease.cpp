// One driver per job. The lease is taken atomically, refused to a second
// live driver with who holds it, taken over when stale, released by its holder only.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <ctime>
#include <thread>
#include <atomic>

#include "lockdiag/app/job_store.h"
#include "run_process.h"

using namespace lockdiag;
using namespace lockdiag::app;

namespace {
int64_t make_job(JobStore& s) {
  REQUIRE(s.upsert_lock({"LD1-LEASE", "KL-1", "1.0.0", std::nullopt}));
  JobRecord j;
  j.kind = "diagnose";
  j.lock_serial = "LD1-LEASE";
  auto id = s.create_job(j);
  REQUIRE(id);
  return *id;
}
}  // namespace

TEST_CASE("a second live driver is refused and told who holds the job") {
  test::TempDir dir;
  auto a = JobStore::open(dir.path() / "jobs.sqlite");
  REQUIRE(a);
  const int64_t id = make_job(*a);
  auto b = JobStore::open(dir.path() / "jobs.sqlite");  // another program's connection
  REQUIRE(b);

  const LeaseHolder me = LeaseHolder::self();
  REQUIRE(a->take_lease(id, me));
  // The parent of this test (ctest or a shell) is alive on this host: a real second driver.
  LeaseHolder other = me;
  other.pid = getppid();
  other.proc_start = 0;  // unknown start time: only "is the pid alive" decides
  auto refused = b->take_lease(id, other);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == StoreError::kConstraint);
  CHECK(refused.error().message.find("pid " + std::to_string(me.pid)) != std::string::npos);
  CHECK(refused.error().message.find(me.host) != std::string::npos);
  // The refused program changed nothing: the lease is still ours, and ours to renew.
  auto l = b->lease(id);
  REQUIRE(l);
  REQUIRE(l->has_value());
  CHECK((*l)->holder.pid == me.pid);
  CHECK(a->take_lease(id, me));
  // Someone else's release leaves our lease alone; ours frees it.
  CHECK(b->release_lease(id, other));
  CHECK(b->lease(id)->has_value());
  CHECK(a->release_lease(id, me));
  CHECK_FALSE(b->lease(id)->has_value());
  CHECK(b->take_lease(id, other));
}

TEST_CASE("a stale lease is taken over: holder gone from this host, pid reused, or expired") {
  test::TempDir dir;
  auto s = JobStore::open(dir.path() / "jobs.sqlite");
  REQUIRE(s);
  const int64_t id = make_job(*s);
  const LeaseHolder me = LeaseHolder::self();

  SUBCASE("the holder's process is gone") {
    const pid_t child = fork();
    if (child == 0) _exit(0);
    REQUIRE(child > 0);
    waitpid(child, nullptr, 0);
    LeaseHolder dead = me;
    dead.pid = child;
    REQUIRE(s->take_lease(id, dead));
    CHECK(s->take_lease(id, me));
    CHECK((*s->lease(id))->holder.pid == me.pid);
  }
  SUBCASE("the pid now belongs to another program (different start time)") {
    LeaseHolder reused = me;
    reused.proc_start = me.proc_start + 12345;
    REQUIRE(s->take_lease(id, reused));
    CHECK(s->take_lease(id, me));
  }
  SUBCASE("a holder on another host is waited for until the lease expires") {
    LeaseHolder remote = me;
    remote.host = "another-laptop";
    REQUIRE(s->take_lease(id, remote, 3600));
    CHECK_FALSE(s->take_lease(id, me));
    REQUIRE(s->take_lease(id, remote, -1));  // renewed with an expiry in the past
    CHECK(s->take_lease(id, me));
  }
}

TEST_CASE("taking a lease is atomic: of many racing drivers exactly one wins") {
  test::TempDir dir;
  {
    auto s = JobStore::open(dir.path() / "jobs.sqlite");
    REQUIRE(s);
    make_job(*s);
  }
  // Forked drivers, each with its own connection; they all start at the same moment.
  constexpr int kDrivers = 8;
  std::vector<pid_t> kids;
  const auto go = std::time(nullptr) + 1;
  for (int i = 0; i < kDrivers; ++i) {
    const pid_t p = fork();
    if (p == 0) {
      auto s = JobStore::open(dir.path() / "jobs.sqlite");
      if (!s) _exit(2);
      while (std::time(nullptr) < go) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      const bool won = s->take_lease(1).has_value();
      if (won) std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // hold it while the others try
      _exit(won ? 0 : 1);
    }
    kids.push_back(p);
  }
  int winners = 0, losers = 0;
  for (pid_t p : kids) {
    int st = 0;
    waitpid(p, &st, 0);
    REQUIRE(WIFEXITED(st));
    if (WEXITSTATUS(st) == 0) ++winners;
    else if (WEXITSTATUS(st) == 1) ++losers;
  }
  CHECK(winners == 1);
  CHECK(losers == kDrivers - 1);
}
