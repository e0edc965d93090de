#include "lockdiag/fleet/pg.h"

#include <libpq-fe.h>

#include <cstring>

namespace lockdiag::fleet {

namespace {

std::unexpected<FleetError> fail(FleetError::Kind k, std::string m) {
  return std::unexpected(FleetError{k, std::move(m)});
}

std::string trimmed(const char* s) {
  std::string m = s ? s : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// A TCP host is anything but a Unix socket folder (an absolute path) or libpq's default socket.
bool is_tcp_host(const std::string& host) { return !host.empty() && host[0] != '/' && host[0] != '@'; }

}  // namespace

Rows::Rows(PGresult* r) : r_(r, PQclear) {}
int Rows::size() const { return PQntuples(r_.get()); }
std::string Rows::at(int row, int col) const {
  return std::string(PQgetvalue(r_.get(), row, col), static_cast<size_t>(PQgetlength(r_.get(), row, col)));
}
bool Rows::null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }

std::string redact(const std::string& server) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(server.c_str(), &err);
  if (!opts) {
    PQfreemem(err);
    return "(an unreadable server string)";
  }
  std::string out;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    if (!out.empty()) out += ' ';
    out += std::string(o->keyword) + "=" + (std::strcmp(o->keyword, "password") == 0 ? "***" : o->val);
  }
  PQconninfoFree(opts);
  return out;
}

FleetResult<Pg> Pg::connect(const std::string& server) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(server.c_str(), &err);
  if (!opts) {
    std::string m = trimmed(err);
    PQfreemem(err);
    return fail(FleetError::kConfig, "the server string is not a libpq connection string or URI: " + m);
  }
  bool has_password = false;
  std::string host, sslmode;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    if (std::strcmp(o->keyword, "password") == 0) has_password = true;
    if (std::strcmp(o->keyword, "host") == 0) host = o->val;
    if (std::strcmp(o->keyword, "sslmode") == 0) sslmode = o->val;
  }
  PQconninfoFree(opts);
  if (is_tcp_host(host) && !sslmode.empty() && sslmode != "verify-full")
    return fail(FleetError::kConfig, "the company server " + host + " is asked for sslmode=" + sslmode +
                                         "; a server reached over the network needs sslmode=verify-full");
  if (has_password)
    return fail(FleetError::kConfig,
                "the server string holds a password; put it in ~/.pgpass (or the file PGPASSFILE names) and "
                "leave it out of the command line, where other users can read it");

  Pg pg;
  // verify-full unless the string itself says otherwise (refused above for a TCP host); it wins
  // over PGSSLMODE and the service file. Unix sockets never use TLS, so it costs them nothing.
  const char* keys[] = {"sslmode", "dbname", nullptr};
  const char* values[] = {"verify-full", server.c_str(), nullptr};
  pg.c_.reset(PQconnectdbParams(keys, values, 1), PQfinish);
  if (!pg.c_ || PQstatus(pg.c_.get()) != CONNECTION_OK)
    return fail(FleetError::kConnect, "cannot reach the company server (" + redact(server) +
                                          "): " + trimmed(pg.c_ ? PQerrorMessage(pg.c_.get()) : "out of memory"));
  // Wherever sslmode came from (the string, a service file, PGSSLMODE): a remote server must
  // prove its name with a certificate, or the laptop may be talking to anyone.
  host = PQhost(pg.c_.get()) ? PQhost(pg.c_.get()) : "";
  if (is_tcp_host(host)) {
    sslmode.clear();
    PQconninfoOption* used = PQconninfo(pg.c_.get());
    for (PQconninfoOption* o = used; o && o->keyword; ++o)
      if (std::strcmp(o->keyword, "sslmode") == 0 && o->val) sslmode = o->val;
    PQconninfoFree(used);
    if (sslmode != "verify-full" || !PQsslInUse(pg.c_.get()))
      return fail(FleetError::kConfig, "the company server " + host +
                                           " is reached over the network without sslmode=verify-full; add it to the "
                                           "service file entry (and the company's CA as sslrootcert)");
  }
  PQsetNoticeProcessor(pg.c_.get(), [](void*, const char*) {}, nullptr);
  return pg;
}

FleetResult<Rows> Pg::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (const auto& p : params) {
    values.push_back(p ? p->c_str() : nullptr);
    lengths.push_back(p ? static_cast<int>(p->size()) : 0);
  }
  PGresult* r = PQexecParams(c_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                             lengths.data(), nullptr, 0);
  const auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string m = trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(c_.get()));
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const bool denied = state && std::strcmp(state, "42501") == 0;  // insufficient_privilege
    PQclear(r);
    if (PQstatus(c_.get()) != CONNECTION_OK) return fail(FleetError::kConnect, "lost the company server: " + m);
    return fail(denied ? FleetError::kRejected : FleetError::kQuery, "company server: " + m);
  }
  return Rows(r);
}

FleetResult<void> Pg::script(const std::string& sql) {
  PGresult* r = PQexec(c_.get(), sql.c_str());
  const auto st = PQresultStatus(r);
  std::string m = trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(c_.get()));
  PQclear(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return {};
  if (PQstatus(c_.get()) != CONNECTION_OK) return fail(FleetError::kConnect, "lost the company server: " + m);
  return fail(FleetError::kQuery, "company server: " + m);
}

std::string Pg::user() const { return PQuser(c_.get()) ? PQuser(c_.get()) : ""; }

}  // namespace lockdiag::fleet
