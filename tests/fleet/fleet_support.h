// Fleet test pieces: a laptop (job store, signing key, finished jobs with signed reports) and a
// company server (a throwaway cluster, migrated, with technicians registered).
#pragma once

#include <memory>
#include <string>

#include "lockdiag/app/job_store.h"
#include "lockdiag/fleet/pg.h"
#include "lockdiag/reports/crypto.h"
#include "pg_cluster.h"

namespace lockdiag::test {

class Laptop {
 public:
  Laptop(std::string technician, unsigned char key_fill);
  // A finished job on `serial` with a signed report on disk; returns the report's hash.
  std::string finish_job(const std::string& serial, const std::string& fp_before, const std::string& fp_after,
                         const std::string& finished_at);
  // Same, with the report's bytes changed after signing (the signature no longer verifies).
  std::string finish_forged_job(const std::string& serial);
  app::JobStore& store() { return *store_; }
  const reports::SigningKey& key() const { return key_; }
  const std::string& technician() const { return technician_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  std::string technician_;
  reports::SigningKey key_;
  std::unique_ptr<app::JobStore> store_;
  int n_ = 0;
};

// A fingerprint: 64 hex digits made of one repeated digit.
std::string fp(char c);

// A migrated company server with the given laptops registered (role = technician's login).
// Each Server is a fresh database in the process's shared cluster; role names get its number.
struct Server {
  PgCluster& pg;
  std::string db;
  int n;
  std::unique_ptr<fleet::Pg> owner;
  Server();
  void add(const Laptop& l, const std::string& role, const std::string& password);
  std::string role(const std::string& r) const { return r + "_" + std::to_string(n); }
  std::string conninfo(const std::string& r) const { return pg.as(role(r), db); }
  std::string owner_conninfo() const { return pg.owner(db); }
  fleet::Pg laptop(const std::string& role);  // connects with the pgpass file
  int64_t count(const std::string& sql);
  int64_t count_as_new_owner(const std::string& sql);  // reconnects first (after a restart)
};

}  // namespace lockdiag::test
