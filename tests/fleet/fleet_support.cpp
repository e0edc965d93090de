#include "fleet_support.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <fstream>
#include <iterator>

#include "lockdiag/fleet/ingest.h"
#include "lockdiag/fleet/server_schema.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/sign.h"

namespace lockdiag::test {

namespace {

reports::SigningKey key_from(unsigned char fill) {
  std::array<unsigned char, reports::kSeedBytes> seed{};
  seed.fill(fill);
  auto k = reports::SigningKey::from_seed(seed);
  REQUIRE(k.has_value());
  return std::move(*k);
}

reports::Report sample() {
  const char* src = std::getenv("LOCKDIAG_SOURCE_DIR");
  REQUIRE(src);
  std::ifstream in(std::filesystem::path(src) / "reports/examples/sample-report.json", std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  auto r = reports::parse_report_body(bytes);
  REQUIRE(r.has_value());
  return *r;
}

}  // namespace

std::string fp(char c) { return std::string(64, c); }

Laptop::Laptop(std::string technician, unsigned char key_fill)
    : technician_(std::move(technician)), key_(key_from(key_fill)) {
  auto s = app::JobStore::open(dir_.path() / "jobs.sqlite");
  REQUIRE(s.has_value());
  store_ = std::make_unique<app::JobStore>(std::move(*s));
}

std::string Laptop::finish_job(const std::string& serial, const std::string& fp_before, const std::string& fp_after,
                               const std::string& finished_at) {
  REQUIRE(store_->upsert_lock({serial, "LD-100", "1.1.0", std::nullopt}).has_value());
  app::JobRecord j;
  j.kind = "handoff_audit";
  j.lock_serial = serial;
  j.technician = technician_;
  auto id = store_->create_job(j);
  REQUIRE(id.has_value());
  REQUIRE(store_->set_job_state(*id, app::JobState::kDone).has_value());
  static reports::Report base = sample();
  reports::Report r = base;
  r.id = "job-" + technician_.substr(0, 3) + "-" + std::to_string(++n_) + "-" + serial;
  r.technician.name = technician_;
  r.lock.serial = serial;
  r.before.code_set_fingerprint = fp_before;
  if (r.after) r.after->code_set_fingerprint = fp_after;
  r.started_at = r.finished_at = finished_at;  // steps must lie between the two
  for (auto& st : r.steps) st.at = finished_at;
  auto bytes = reports::sign_report(r, key_);
  REQUIRE_MESSAGE(bytes.has_value(), (bytes ? "" : bytes.error().message));
  const auto path = dir_.path() / (r.id + ".json");
  std::ofstream(path, std::ios::binary) << *bytes;
  const std::string sha = reports::sha256_hex(*bytes);
  REQUIRE(store_->add_report(*id, path.string(), sha, key_.public_key().key_id()).has_value());
  return sha;
}

std::string Laptop::finish_forged_job(const std::string& serial) {
  const std::string sha0 = finish_job(serial, fp('1'), fp('2'), "2026-11-21T09:12:40Z");
  // Change one word of the signed file, as someone editing a report would, and re-record it.
  auto items = store_->outbox("waiting");
  REQUIRE(items.has_value());
  std::string path;
  for (const auto& i : *items)
    if (i.sha256 == sha0) path = i.path;
  std::ifstream in(path, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), {}};
  // The serial, changed to another lock's: a report moved to a lock it was never made on.
  const auto at = bytes.find("\"" + serial + "\"");
  REQUIRE(at != std::string::npos);
  bytes.replace(at + 1, serial.size(), std::string(serial.size(), '7'));
  const auto forged_path = path + ".forged.json";
  std::ofstream(forged_path, std::ios::binary) << bytes;
  const std::string sha = reports::sha256_hex(bytes);
  REQUIRE(store_->set_outbox_states({{sha0, 0, "", "accepted", "", ""}}).has_value());  // out of the way
  auto jobs = store_->jobs(serial);
  REQUIRE(store_->add_report(jobs->back().id, forged_path, sha, key_.public_key().key_id()).has_value());
  return sha;
}

Server::Server() : pg(PgCluster::shared()) {
  static int counter = 0;
  n = ++counter;
  db = "fleet_" + std::to_string(n);
  REQUIRE_MESSAGE(pg.ok(), pg.why());
  pg.psql("CREATE DATABASE " + db);
  auto o = fleet::Pg::connect(pg.owner(db));
  REQUIRE_MESSAGE(o.has_value(), (o ? "" : o.error().message));
  owner = std::make_unique<fleet::Pg>(std::move(*o));
  auto m = fleet::migrate_server(*owner);
  REQUIRE_MESSAGE(m.has_value(), (m ? "" : m.error().message));
  ::setenv("PGPASSFILE", pg.pgpass().c_str(), 1);
}

void Server::add(const Laptop& l, const std::string& role, const std::string& password) {
  pg.add_laptop_role(this->role(role), password);
  auto r = fleet::register_technician(*owner, "Brama & Klucz", l.technician(), l.key().public_key().hex(),
                                      this->role(role));
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
}

fleet::Pg Server::laptop(const std::string& role) {
  auto c = fleet::Pg::connect(conninfo(role));
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().message));
  return std::move(*c);
}

int64_t Server::count(const std::string& sql) {
  auto r = owner->exec(sql);
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  return std::stoll(r->at(0, 0));
}

int64_t Server::count_as_new_owner(const std::string& sql) {
  auto o = fleet::Pg::connect(owner_conninfo());
  REQUIRE_MESSAGE(o.has_value(), (o ? "" : o.error().message));
  *owner = std::move(*o);
  return count(sql);
}

}  // namespace lockdiag::test
