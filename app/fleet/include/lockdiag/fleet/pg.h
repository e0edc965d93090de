// A thin RAII layer over libpq: one connection, parameterised statements, errors as values.
// Credentials follow libpq's conventions only (service file, PGPASSFILE / ~/.pgpass, PG*
// variables); a password written into the server string is refused, and a TCP server must use
// sslmode=verify-full (docs/fleet.md, "Credentials").
#pragma once

#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace lockdiag::fleet {

struct FleetError {
  enum Kind { kConfig, kConnect, kQuery, kRejected } kind;
  std::string message;
};
template <typename T>
using FleetResult = std::expected<T, FleetError>;

// The server string when none is given: the "lockdiag" entry of the libpq service file
// (~/.pg_service.conf or PGSERVICEFILE).
inline constexpr const char* kDefaultServer = "service=lockdiag";

class Rows {
 public:
  explicit Rows(PGresult* r);
  int size() const;
  std::string at(int row, int col) const;
  bool null(int row, int col) const;

 private:
  std::shared_ptr<PGresult> r_;
};

class Pg {
 public:
  // Connects with a libpq connection string or URI. Refuses a password inside it, and a TCP
  // host without sslmode=verify-full.
  static FleetResult<Pg> connect(const std::string& server);

  // One statement, text parameters ($1, $2...; nullopt is NULL).
  FleetResult<Rows> exec(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
  // Several statements without parameters (migrations).
  FleetResult<void> script(const std::string& sql);
  std::string user() const;

 private:
  std::shared_ptr<PGconn> c_;
};

// The server string with any password removed, for messages.
std::string redact(const std::string& server);

}  // namespace lockdiag::fleet
