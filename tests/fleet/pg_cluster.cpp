#include "pg_cluster.h"

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace lockdiag::test {

namespace {
const std::string kBin = "/usr/lib/postgresql/15/bin/";

bool as_root() { return ::geteuid() == 0; }

std::vector<std::string> as_postgres(std::vector<std::string> argv) {
  if (!as_root()) return argv;
  argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  return argv;
}
}  // namespace

PgCluster::PgCluster() {
  namespace fs = std::filesystem;
  ::chmod(dir_.path().c_str(), 0755);
  data_ = dir_.path() / "data";
  sock_ = dir_.path() / "sock";
  fs::create_directories(sock_);
  if (as_root()) {
    const passwd* pw = ::getpwnam("postgres");
    if (!pw) {
      why_ = "no postgres user (install postgresql-15)";
      return;
    }
    fs::create_directories(data_);
    if (::chown(data_.c_str(), pw->pw_uid, pw->pw_gid) != 0 || ::chown(sock_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      why_ = "cannot hand the cluster folder to postgres";
      return;
    }
  }
  auto r = run_process(as_postgres({kBin + "initdb", "-D", data_.string(), "-U", "postgres", "-A", "trust", "--no-sync",
                                    "-E", "UTF8", "--locale=C"}));
  if (r.exit_code != 0) {
    why_ = "initdb failed: " + r.err;
    return;
  }
  {
    std::ofstream hba(data_ / "pg_hba.conf", std::ios::trunc);
    hba << "local all postgres trust\nlocal all all scram-sha-256\n";
  }
  start();
  {
    std::ofstream(pgpass(), std::ios::trunc);
  }
  ::chmod(pgpass().c_str(), 0600);
}

void PgCluster::start() {
  auto r = run_process(
      as_postgres({kBin + "pg_ctl", "-D", data_.string(), "-w", "-l", (data_ / "server.log").string(), "-o",
                   "-k " + sock_.string() + " -c listen_addresses='' -c fsync=off -c max_connections=60", "start"}));
  ok_ = r.exit_code == 0;
  if (!ok_) why_ = "pg_ctl start failed: " + r.out + r.err;
}

PgCluster::~PgCluster() {
  if (ok_) (void)run_process(as_postgres({kBin + "pg_ctl", "-D", data_.string(), "-m", "immediate", "stop"}));
}

void PgCluster::kill_server() {
  std::ifstream pid_file(data_ / "postmaster.pid");
  long pid = 0;
  pid_file >> pid;
  if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGKILL);
  // Wait until it is gone, so the next start does not race the dying postmaster.
  for (int i = 0; i < 200 && pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0; ++i) ::usleep(10000);
  ok_ = false;
}

std::string PgCluster::owner(const std::string& db) const {
  return "host=" + sock_.string() + " dbname=" + db + " user=postgres";
}
std::string PgCluster::as(const std::string& role, const std::string& db) const {
  return "host=" + sock_.string() + " dbname=" + db + " user=" + role;
}

PgCluster& PgCluster::shared() {
  static PgCluster cluster;
  return cluster;
}

std::string PgCluster::psql(const std::string& sql) {
  auto r = run_process({"/usr/bin/psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", owner(), "-c", sql});
  return r.out;
}

void PgCluster::add_laptop_role(const std::string& role, const std::string& password) {
  psql("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "' IN ROLE lockdiag_laptop");
  std::ofstream(pgpass(), std::ios::app) << sock_.string() << ":5432:*:" << role << ":" << password << "\n";
}

}  // namespace lockdiag::test
