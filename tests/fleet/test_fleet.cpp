// The company server on a throwaway PostgreSQL: ingest, idempotent pushes, a server killed
// mid-push, forged reports refused, two laptops on one lock, what a laptop's credentials may do,
// and 20 laptops pushing at once.
#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>

#include <nlohmann/json.hpp>

#include "fleet_support.h"
#include "lockdiag/fleet/ingest.h"
#include "lockdiag/fleet/server_schema.h"
#include "lockdiag/fleet/sync.h"
#include "lockdiag/app/last_visit.h"

using namespace lockdiag;
using namespace lockdiag::test;

namespace {

fleet::SyncSummary sync_ok(Laptop& l, fleet::Pg& server) {
  auto s = fleet::sync(l.store(), server);
  REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message));
  return *s;
}

void ingest_ok(Server& srv) {
  auto r = fleet::ingest(*srv.owner);
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("a pushed report is ingested once, stored byte for byte, and its verdict comes back to the outbox") {
  Server srv;
  Laptop ana("Ana Kowalska", 1);
  srv.add(ana, "ana", "pw-ana-7f3e");
  const std::string sha = ana.finish_job("LD1-0001", fp('1'), fp('2'), "2026-11-21T09:12:40Z");
  auto db = srv.laptop("ana");

  auto first = sync_ok(ana, db);
  CHECK(first.pushed == 1);
  CHECK(ana.store().sync_state()->pushed == 1);  // on the server, not yet checked
  CHECK(srv.count("SELECT count(*) FROM reports") == 0);
  ingest_ok(srv);
  CHECK(srv.count("SELECT count(*) FROM reports") == 1);
  CHECK(srv.count("SELECT count(*) FROM jobs j JOIN locks l ON l.id = j.lock_id WHERE l.serial = 'LD1-0001'") == 1);
  CHECK(srv.count("SELECT count(*) FROM steps") > 0);

  // The signed JSON is kept unchanged, under the hash of its bytes.
  auto body = srv.owner->exec("SELECT encode(body, 'hex') FROM reports WHERE sha256 = $1", {sha});
  REQUIRE(body.has_value());
  REQUIRE(body->size() == 1);
  auto items = ana.store().outbox("pushed");
  REQUIRE(items->size() == 1);
  const std::string file = slurp(items->front().path);
  CHECK(body->at(0, 0) == reports::to_hex(std::span(reinterpret_cast<const unsigned char*>(file.data()), file.size())));

  auto second = sync_ok(ana, db);
  CHECK(second.accepted == 1);
  CHECK(second.pushed == 0);
  CHECK(ana.store().sync_state()->waiting == 0);
  CHECK(ana.store().sync_state()->pushed == 0);
  CHECK_FALSE(ana.store().sync_state()->last_sync.empty());
}

TEST_CASE("pushing twice, or again after the local outbox lost its progress, stores each report once") {
  Server srv;
  Laptop ana("Ana Kowalska", 1);
  srv.add(ana, "ana", "pw-ana-7f3e");
  for (int i = 0; i < 5; ++i) ana.finish_job("LD1-000" + std::to_string(i), fp('1'), fp('2'), "2026-11-21T09:12:40Z");
  auto db = srv.laptop("ana");
  sync_ok(ana, db);
  // A crash after the server committed but before the outbox was updated: everything waits again.
  auto pushed = ana.store().outbox("pushed");
  for (auto& p : *pushed) p.state = "waiting";
  REQUIRE(ana.store().set_outbox_states(*pushed).has_value());
  CHECK(sync_ok(ana, db).pushed == 5);
  ingest_ok(srv);
  CHECK(srv.count("SELECT count(*) FROM inbox") == 5);
  CHECK(srv.count("SELECT count(*) FROM reports") == 5);
  CHECK(srv.count("SELECT count(*) FROM jobs") == 5);
}

TEST_CASE("a report whose signature does not verify is refused and stays in the outbox with the reason") {
  Server srv;
  Laptop ana("Ana Kowalska", 1);
  Laptop eve("Eve Unregistered", 9);
  srv.add(ana, "ana", "pw-ana-7f3e");
  const std::string forged = ana.finish_forged_job("LD1-0001");
  const std::string good = ana.finish_job("LD1-0002", fp('1'), fp('2'), "2026-11-21T09:12:40Z");
  auto db = srv.laptop("ana");
  sync_ok(ana, db);
  ingest_ok(srv);
  sync_ok(ana, db);
  CHECK(srv.count("SELECT count(*) FROM reports") == 1);
  auto rejected = ana.store().outbox("rejected");
  REQUIRE(rejected->size() == 1);
  CHECK(rejected->front().sha256 == forged);
  CHECK(rejected->front().reason.find("signature_mismatch") != std::string::npos);
  CHECK(ana.store().sync_state()->rejected == 1);

  SUBCASE("a key the company never registered is refused too") {
    const std::string sha = eve.finish_job("LD1-0003", fp('1'), fp('2'), "2026-11-21T09:12:40Z");
    // Eve's report is relayed by Ana's laptop: well signed, by a stranger.
    auto items = eve.store().outbox("waiting");
    const auto row = ana.store().jobs("LD1-0002")->front().id;
    REQUIRE(ana.store().add_report(row, items->front().path, sha, "x").has_value());
    sync_ok(ana, db);
    ingest_ok(srv);
    sync_ok(ana, db);
    CHECK(srv.count("SELECT count(*) FROM reports") == 1);
    bool found = false;
    const auto all_rejected = ana.store().outbox("rejected");
    REQUIRE(all_rejected.has_value());
    for (const auto& r : *all_rejected)
      if (r.sha256 == sha) found = r.reason.find("not registered") != std::string::npos;
    CHECK(found);
  }
}

TEST_CASE("a laptop's credentials cannot write accepted reports, read others' pushes, or forge a verdict") {
  Server srv;
  Laptop ana("Ana Kowalska", 1), bob("Bob Nowak", 2);
  srv.add(ana, "ana", "pw-ana-7f3e");
  srv.add(bob, "bob", "pw-bob-91c2");
  bob.finish_job("LD1-0001", fp('1'), fp('2'), "2026-11-21T09:12:40Z");
  auto bdb = srv.laptop("bob");
  sync_ok(bob, bdb);
  auto db = srv.laptop("ana");
  const std::string sha(64, 'a');
  for (const std::string& sql :
       {std::string("INSERT INTO reports(sha256, body, technician_id, pushed_by) VALUES ('") + sha +
            "', 'x', 1, 'ana')",
        std::string("INSERT INTO jobs(report_sha256, lock_id, technician_id, kind, started_at, finished_at, "
                    "fingerprint_before, battery_mv, battery_state, expired_present, clock_drift_s) VALUES ('") +
            sha + "', 1, 1, 'diagnose', now(), now(), 'x', 1, 'ok', 0, 0)",
        std::string("UPDATE inbox SET state = 'accepted'"), std::string("DELETE FROM inbox"),
        std::string("INSERT INTO technicians(company_id, name, key_id, public_key_hex) VALUES (1, 'x', 'y', '") + sha +
            "')",
        std::string("SELECT body FROM reports"),
        std::string("INSERT INTO inbox(pushed_by, sha256, body) VALUES ('bob', '") + sha + "', 'x')"}) {
    auto r = db.exec(sql);
    CHECK_MESSAGE(!r.has_value(), sql);
  }
  // Row security: Bob's push is invisible to Ana.
  auto seen = db.exec("SELECT count(*) FROM inbox");
  REQUIRE(seen.has_value());
  CHECK(seen->at(0, 0) == "0");
  // A laptop cannot mark its own push accepted at insert time either.
  CHECK_FALSE(db.exec("INSERT INTO inbox(sha256, body, state) VALUES ('" + sha + "', 'x', 'accepted')").has_value());
}

TEST_CASE("two laptops on the same lock: each sees the other's last visit and whether the code set changed") {
  Server srv;
  Laptop ana("Ana Kowalska", 1), bob("Bob Nowak", 2);
  srv.add(ana, "ana", "pw-ana-7f3e");
  srv.add(bob, "bob", "pw-bob-91c2");
  auto adb = srv.laptop("ana");
  auto bdb = srv.laptop("bob");
  ana.finish_job("LD1-0042", fp('1'), fp('2'), "2026-10-01T10:00:00Z");
  sync_ok(ana, adb);
  ingest_ok(srv);
  // Bob has visited the lock before (years ago, locally) and syncs now.
  bob.finish_job("LD1-0042", fp('0'), fp('1'), "2024-01-01T10:00:00Z");
  sync_ok(bob, bdb);
  ingest_ok(srv);
  sync_ok(bob, bdb);
  CHECK(app::last_visit_line(bob.store(), "LD1-0042", fp('2')) ==
        "last visit: 2026-10-01 by Ana Kowalska, code set then 2222222222222222: unchanged");
  CHECK(app::last_visit_line(bob.store(), "LD1-0042", fp('3')).ends_with(": changed since"));
  sync_ok(ana, adb);
  CHECK(ana.store().fleet_history("LD1-0042")->size() == 2);
  CHECK(app::last_visit_line(ana.store(), "LD1-0099", fp('3')).empty());
}

TEST_CASE("the server killed mid-push: nothing lost, nothing doubled") {
  Server srv;
  Laptop ana("Ana Kowalska", 1);
  srv.add(ana, "ana", "pw-ana-7f3e");
  for (int i = 0; i < 300; ++i)
    ana.finish_job("LD1-" + std::to_string(1000 + i), fp('1'), fp('2'), "2026-11-21T09:12:40Z");
  {
    auto db = srv.laptop("ana");
    fleet::SyncOptions o;
    o.batch = 25;
    // SIGKILL the server in the middle of the third batch's transaction (two batches committed).
    o.after_insert = [&](int64_t sent) {
      if (sent == 60) srv.pg.kill_server();
    };
    auto s = fleet::sync(ana.store(), db, o);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().kind == fleet::FleetError::kConnect);
    CHECK_FALSE(ana.store().sync_state()->last_error.empty());
  }
  const auto st = ana.store().sync_state();
  CHECK(st->pushed == 50);   // the two committed batches, and only those
  CHECK(st->waiting == 250); // the batch in flight was not marked: nothing lost
  for (int attempt = 0; attempt < 50 && !srv.pg.ok(); ++attempt) {
    srv.pg.start();
    if (!srv.pg.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  REQUIRE(srv.pg.ok());
  CHECK(srv.count_as_new_owner("SELECT count(*) FROM inbox") == 50);
  auto db = srv.laptop("ana");
  sync_ok(ana, db);
  ingest_ok(srv);
  sync_ok(ana, db);
  CHECK(srv.count("SELECT count(*) FROM reports") == 300);
  CHECK(srv.count("SELECT count(*) FROM jobs") == 300);
  CHECK(ana.store().sync_state()->waiting == 0);
  CHECK(ana.store().outbox("accepted")->size() == 300);
}

TEST_CASE("credentials: a password in the server string is refused, and none reaches the job store") {
  Server srv;
  Laptop ana("Ana Kowalska", 1);
  srv.add(ana, "ana", "pw-ana-7f3e");
  auto bad = fleet::Pg::connect(srv.conninfo("ana") + " password=pw-ana-7f3e");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message.find("pw-ana-7f3e") == std::string::npos);
  CHECK(bad.error().message.find(".pgpass") != std::string::npos);
  auto uri = fleet::Pg::connect("postgresql://ana:pw-ana-7f3e@db.example.com/fleet");
  REQUIRE_FALSE(uri.has_value());
  CHECK(uri.error().message.find("pw-ana-7f3e") == std::string::npos);
  // A remote host without verify-full is refused before anything is sent.
  auto plain = fleet::Pg::connect("host=db.example.com sslmode=require dbname=fleet user=ana");
  REQUIRE_FALSE(plain.has_value());
  CHECK(plain.error().kind == fleet::FleetError::kConfig);
  CHECK(plain.error().message.find("verify-full") != std::string::npos);
  // Without the pgpass file there is no login: the password came from there, not from us.
  ::unsetenv("PGPASSFILE");
  CHECK_FALSE(fleet::Pg::connect(srv.conninfo("ana")).has_value());
  ::setenv("PGPASSFILE", srv.pg.pgpass().c_str(), 1);
  ana.finish_job("LD1-0001", fp('1'), fp('2'), "2026-11-21T09:12:40Z");
  auto db = srv.laptop("ana");
  sync_ok(ana, db);
  for (const auto& e : std::filesystem::directory_iterator(ana.dir()))
    CHECK_MESSAGE(slurp(e.path()).find("pw-ana-7f3e") == std::string::npos, e.path());
}

TEST_CASE("20 laptops push at once: every report lands exactly once") {
  Server srv;
  constexpr int kLaptops = 20, kJobs = 25;
  std::vector<std::unique_ptr<Laptop>> laptops;
  for (int i = 0; i < kLaptops; ++i) {
    laptops.push_back(std::make_unique<Laptop>("Technician " + std::to_string(i), static_cast<unsigned char>(10 + i)));
    srv.add(*laptops.back(), "tech" + std::to_string(i), "pw-" + std::to_string(i) + "-c0ffee");
    for (int j = 0; j < kJobs; ++j)
      laptops.back()->finish_job("LD1-" + std::to_string(j % 7), fp('1'), fp('2'), "2026-11-21T09:12:40Z");
  }
  std::atomic<int> failures{0};
  std::atomic<bool> pushing{true};
  std::vector<std::thread> threads;
  for (int i = 0; i < kLaptops; ++i)
    threads.emplace_back([&, i] {
      auto c = fleet::Pg::connect(srv.conninfo("tech" + std::to_string(i)));
      if (!c || !fleet::sync(laptops[static_cast<size_t>(i)]->store(), *c, fleet::SyncOptions{10, {}})) ++failures;
    });
  std::thread ingester([&] {
    auto o = fleet::Pg::connect(srv.owner_conninfo());
    while (o && pushing) {
      if (!fleet::ingest(*o)) ++failures;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  for (auto& t : threads) t.join();
  pushing = false;
  ingester.join();
  CHECK(failures == 0);
  ingest_ok(srv);
  CHECK(srv.count("SELECT count(*) FROM reports") == kLaptops * kJobs);
  CHECK(srv.count("SELECT count(*) FROM jobs") == kLaptops * kJobs);
  CHECK(srv.count("SELECT count(DISTINCT report_sha256) FROM jobs") == kLaptops * kJobs);
}

TEST_CASE("migrations: a second run finds the schema current; a newer schema is refused") {
  Server srv;
  auto again = fleet::migrate_server(*srv.owner);
  REQUIRE(again.has_value());
  CHECK(*again == fleet::kServerSchemaVersion);
  REQUIRE(srv.owner->exec("INSERT INTO fleet_schema_version(version) VALUES (99)").has_value());
  auto newer = fleet::migrate_server(*srv.owner);
  REQUIRE_FALSE(newer.has_value());
  CHECK(newer.error().message.find("newer") != std::string::npos);
}

TEST_CASE("the command line: sync, ingest and the office's queries, --json, and no password in any output") {
  Server srv;
  Laptop ana("Ana Kowalska", 1);
  srv.add(ana, "ana", "pw-ana-7f3e");
  ana.finish_job("LD1-0001", fp('1'), fp('2'), "2026-11-21T09:12:40Z");
  const std::string lockdiag = (bin_dir() / "lockdiag").string();
  const std::string store = (ana.dir() / "jobs.sqlite").string();
  const std::vector<std::string> env{"PGPASSFILE=" + srv.pg.pgpass().string()};
  std::string all;
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {lockdiag, "--json"});
    auto r = run_process(args, "", env);
    all += r.out + r.err;
    return r;
  };
  auto sync = run({"sync", "--store", store, "--server", srv.conninfo("ana")});
  REQUIRE_MESSAGE(sync.exit_code == 0, sync.err);
  CHECK(nlohmann::json::parse(sync.out)["pushed"] == 1);
  auto ingest = run({"fleet", "ingest", "--server", srv.owner_conninfo()});
  REQUIRE_MESSAGE(ingest.exit_code == 0, ingest.err);
  CHECK(nlohmann::json::parse(ingest.out)["accepted"] == 1);
  auto again = run({"sync", "--store", store, "--server", srv.conninfo("ana")});
  REQUIRE(again.exit_code == 0);
  CHECK(nlohmann::json::parse(again.out)["accepted"] == 1);
  CHECK(nlohmann::json::parse(again.out)["waiting"] == 0);

  auto battery = run({"fleet", "battery", "--lock", "LD1-0001", "--server", srv.owner_conninfo()});
  REQUIRE(battery.exit_code == 0);
  const auto b = nlohmann::json::parse(battery.out);
  REQUIRE(b.size() == 1);
  CHECK(b[0]["lock"] == "LD1-0001");
  CHECK(b[0]["visits"] == "1");
  auto stale = run({"fleet", "stale", "--days", "0", "--server", srv.owner_conninfo()});
  REQUIRE(stale.exit_code == 0);
  CHECK(nlohmann::json::parse(stale.out).size() == 1);
  auto fresh = run({"fleet", "stale", "--days", "36500", "--server", srv.owner_conninfo()});
  CHECK(nlohmann::json::parse(fresh.out).empty());
  auto techs = run({"fleet", "technicians", "--days", "36500", "--server", srv.owner_conninfo()});
  REQUIRE(techs.exit_code == 0);
  CHECK(nlohmann::json::parse(techs.out)[0]["technician"] == "Ana Kowalska");
  auto expired = run({"fleet", "expired", "--server", srv.owner_conninfo()});
  CHECK(expired.exit_code == 0);
  CHECK(nlohmann::json::parse(expired.out).is_array());
  auto history = run({"fleet", "history", "--lock", "LD1-0001", "--store", store});
  REQUIRE(history.exit_code == 0);
  CHECK(nlohmann::json::parse(history.out)["visits"].size() == 1);
  // A laptop's login cannot ask the office's questions: refused, not an empty answer.
  CHECK(run({"fleet", "battery", "--server", srv.conninfo("ana")}).exit_code != 0);
  // A password on the command line is refused, and not repeated.
  auto bad = run({"sync", "--store", store, "--server", srv.conninfo("ana") + " password=pw-ana-7f3e"});
  CHECK(bad.exit_code == 2);
  CHECK(run({"job", "check", "--store", store}).exit_code == 0);
  const auto pos = all.find("pw-ana-7f3e");
  CHECK_MESSAGE(pos == std::string::npos, all);
}
