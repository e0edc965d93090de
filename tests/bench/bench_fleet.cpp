// The company server at scale, on a throwaway PostgreSQL 15 cluster (docs/benchmarks.md,
// "Fleet"): sync of 1,000 waiting jobs from one laptop, ingest rate, 20 laptops pushing 500
// jobs each at once (every report must land once), and one lock's history at 1 M reports
// (target < 5 ms). Exits non-zero when a report is lost or doubled or a target is missed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>
#include <vector>

#include "lockdiag/app/job_store.h"
#include "lockdiag/fleet/ingest.h"
#include "lockdiag/fleet/server_schema.h"
#include "lockdiag/fleet/sync.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/sign.h"
#include "pg_cluster.h"

using namespace lockdiag;
using Clock = std::chrono::steady_clock;

namespace {

double secs(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

[[noreturn]] void die(const std::string& m) {
  std::fprintf(stderr, "bench_fleet: %s\n", m.c_str());
  std::exit(2);
}

template <typename T>
T ok(std::expected<T, fleet::FleetError> r) {
  if (!r) die(r.error().message);
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

reports::Report sample() {
  std::ifstream in(LOCKDIAG_SAMPLE_REPORT, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  auto r = reports::parse_report_body(bytes);
  if (!r) die("sample report: " + r.error().message);
  return *r;
}

struct Laptop {
  test::TempDir dir;
  std::string name;
  std::unique_ptr<reports::SigningKey> key;
  std::unique_ptr<app::JobStore> store;

  Laptop(std::string n, unsigned char fill, int jobs) : name(std::move(n)) {
    std::array<unsigned char, reports::kSeedBytes> seed{};
    seed.fill(fill);
    key = std::make_unique<reports::SigningKey>(*reports::SigningKey::from_seed(seed));
    auto s = app::JobStore::open(dir.path() / "jobs.sqlite");
    if (!s) die(s.error().message);
    store = std::make_unique<app::JobStore>(std::move(*s));
    static const reports::Report base = sample();
    for (int i = 0; i < jobs; ++i) {
      reports::Report r = base;
      r.id = "job-bench-" + std::to_string(fill) + "-" + std::to_string(i);
      r.technician.name = name;
      r.lock.serial = "LD1-" + std::to_string(i % 50);
      (void)store->upsert_lock({r.lock.serial, "LD-100", "1.1.0", std::nullopt});
      app::JobRecord j;
      j.kind = "diagnose";
      j.lock_serial = r.lock.serial;
      const auto id = *store->create_job(j);
      const auto signed_file = reports::sign_report(r, *key);
      if (!signed_file) die("sign: " + signed_file.error().message);
      const std::string& bytes = *signed_file;
      const auto path = dir.path() / (r.id + ".json");
      std::ofstream(path, std::ios::binary) << bytes;
      (void)store->add_report(id, path.string(), reports::sha256_hex(bytes), key->public_key().key_id());
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int per_laptop = argc > 1 ? std::atoi(argv[1]) : 500;
  test::PgCluster pg;
  if (!pg.ok()) die(pg.why());
  ::setenv("PGPASSFILE", pg.pgpass().c_str(), 1);
  auto owner = ok(fleet::Pg::connect(pg.owner()));
  ok(fleet::migrate_server(owner));
  bool pass = true;

  std::printf("| Operation | Amount | Time | Rate |\n|---|---:|---:|---:|\n");
  {
    Laptop one("Solo Technician", 99, 1000);
    pg.add_laptop_role("solo", "pw-solo-bench");
    ok(fleet::register_technician(owner, "Bench", one.name, one.key->public_key().hex(), "solo"));
    auto db = ok(fleet::Pg::connect(pg.as("solo")));
    auto t0 = Clock::now();
    auto s = ok(fleet::sync(*one.store, db));
    const double push = secs(t0);
    std::printf("| sync of 1,000 waiting jobs (push) | %lld | %.2f s | %.0f /s |\n", static_cast<long long>(s.pushed),
                push, static_cast<double>(s.pushed) / push);
    t0 = Clock::now();
    auto in = ok(fleet::ingest(owner));
    const double ing = secs(t0);
    std::printf("| ingest (hash, Ed25519 verify, store) | %lld | %.2f s | %.0f /s |\n",
                static_cast<long long>(in.accepted), ing, static_cast<double>(in.accepted) / ing);
    t0 = Clock::now();
    ok(fleet::sync(*one.store, db));
    std::printf("| sync again: 1,000 verdicts + pull | 1000 | %.2f s | |\n", secs(t0));
    if (in.accepted != 1000) pass = false;
  }
  {
    constexpr int kLaptops = 20;
    std::vector<std::unique_ptr<Laptop>> laptops;
    const auto tb = Clock::now();
    for (int i = 0; i < kLaptops; ++i) {
      laptops.push_back(
          std::make_unique<Laptop>("Tech " + std::to_string(i), static_cast<unsigned char>(i + 1), per_laptop));
      pg.add_laptop_role("tech" + std::to_string(i), "pw-bench-" + std::to_string(i));
      ok(fleet::register_technician(owner, "Bench", laptops.back()->name, laptops.back()->key->public_key().hex(),
                                    "tech" + std::to_string(i)));
    }
    std::printf("| (20 laptops' signed reports made) | %d | %.1f s | |\n", kLaptops * per_laptop, secs(tb));
    std::atomic<int> failures{0};
    std::atomic<bool> pushing{true};
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < kLaptops; ++i)
      threads.emplace_back([&, i] {
        auto c = fleet::Pg::connect(pg.as("tech" + std::to_string(i)));
        if (!c || !fleet::sync(*laptops[static_cast<size_t>(i)]->store, *c)) ++failures;
      });
    std::thread ingester([&] {
      auto o = fleet::Pg::connect(pg.owner());
      while (o && pushing)
        if (!fleet::ingest(*o)) ++failures;
    });
    for (auto& t : threads) t.join();
    const double push = secs(t0);
    pushing = false;
    ingester.join();
    ok(fleet::ingest(owner));
    const double all = secs(t0);
    const auto n = std::stoll(ok(owner.exec("SELECT count(*) FROM jobs")).at(0, 0)) - 1000;
    const auto distinct = std::stoll(ok(owner.exec("SELECT count(DISTINCT report_sha256) FROM jobs")).at(0, 0)) - 1000;
    std::printf("| 20 laptops x %d jobs, pushed concurrently | %d | %.2f s | %.0f /s |\n", per_laptop,
                kLaptops * per_laptop, push, kLaptops * per_laptop / push);
    std::printf("| ... and all ingested (concurrent ingest) | %lld | %.2f s | %.0f /s |\n", static_cast<long long>(n),
                all, static_cast<double>(n) / all);
    if (failures || n != kLaptops * per_laptop || distinct != n) {
      std::printf("LOST OR DOUBLED: %lld stored, %lld distinct, %d failures\n", static_cast<long long>(n),
                  static_cast<long long>(distinct), failures.load());
      pass = false;
    }
  }
  {
    // 1 M reports over 20,000 locks, written straight into the tables (ingest's rate is above).
    const auto t0 = Clock::now();
    ok(
        owner.exec("INSERT INTO locks(serial, model, firmware) SELECT 'BULK-' || g, 'LD-100', '1.1.0' FROM "
                   "generate_series(1, 20000) g"));
    ok(owner.exec(
        "INSERT INTO reports(sha256, body, technician_id, pushed_by) "
        "SELECT encode(sha256(('bulk' || g)::bytea), 'hex'), convert_to(repeat('x', 200), 'UTF8'), 1, 'bulk' "
        "FROM generate_series(1, 1000000) g"));
    ok(owner.exec(
        "INSERT INTO jobs(report_sha256, lock_id, technician_id, kind, started_at, finished_at, fingerprint_before, "
        "fingerprint_after, battery_mv, battery_state, expired_present, clock_drift_s) "
        "SELECT encode(sha256(('bulk' || g)::bytea), 'hex'), l.id, 1, 'diagnose', "
        "now() - make_interval(mins => g), now() - make_interval(mins => g), repeat('a', 64), repeat('b', 64), "
        "5000 + g % 900, 'ok', g % 3, 0 FROM generate_series(1, 1000000) g "
        "JOIN locks l ON l.serial = 'BULK-' || (1 + g % 20000)"));
    ok(owner.exec("ANALYZE"));
    std::printf("| (1 M reports loaded directly) | 1000000 | %.1f s | |\n", secs(t0));
    std::vector<double> t;
    for (int i = 0; i < 200; ++i) {
      const auto q0 = Clock::now();
      auto r = ok(owner.exec(
          "SELECT finished_at, technician, kind, fingerprint_before, fingerprint_after, battery_mv FROM visits "
          "WHERE lock_serial = $1 ORDER BY finished_at DESC LIMIT 20",
          {"BULK-" + std::to_string(1 + (i * 97) % 20000)}));
      t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - q0).count());
      if (r.size() != 20) die("history: " + std::to_string(r.size()) + " rows");
    }
    std::sort(t.begin(), t.end());
    const bool fast = t[t.size() / 2] < 5;
    std::printf(
        "| one lock's history at 1 M reports (20 latest) | 200 runs | median %.3f ms, max %.3f ms | < 5 ms %s |\n",
        t[t.size() / 2], t.back(), fast ? "ok" : "MISSED");
    pass = pass && fast;
  }
  return pass ? 0 : 1;
}
