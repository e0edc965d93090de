// A throwaway PostgreSQL 15 cluster for tests: initdb in a temporary folder, a server that
// listens on a Unix socket only (no TCP), stopped and removed when the object dies. As root,
// the server runs as the postgres user (initdb refuses root). Laptops log in with a password
// (scram-sha-256) read from a PGPASSFILE; the owner "postgres" is trusted on the socket.
#pragma once

#include <filesystem>
#include <string>

#include "run_process.h"

namespace lockdiag::test {

class PgCluster {
 public:
  PgCluster();
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  bool ok() const { return ok_; }
  const std::string& why() const { return why_; }
  // libpq connection strings (no password in them).
  std::string owner(const std::string& db = "postgres") const;
  std::string as(const std::string& role, const std::string& db = "postgres") const;
  // A login role in lockdiag_laptop with a password, written to the pgpass file.
  void add_laptop_role(const std::string& role, const std::string& password);
  std::filesystem::path pgpass() const { return dir_.path() / "pgpass"; }
  void kill_server();  // SIGKILL the postmaster: a crash, not a shutdown
  void start();
  std::string psql(const std::string& sql);  // as the owner; stdout

  // One cluster per test process (started on first use, stopped at exit): each test takes a
  // fresh database of it instead of paying for initdb and a start.
  static PgCluster& shared();

 private:
  TempDir dir_;
  std::filesystem::path data_, sock_;
  bool ok_ = false;
  std::string why_;
};

}  // namespace lockdiag::test
