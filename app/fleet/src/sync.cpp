#include "lockdiag/fleet/sync.h"

#include <algorithm>
#include <span>

#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/verify.h"

namespace lockdiag::fleet {

namespace {

std::unexpected<FleetError> store_error(const app::StoreError& e) {
  return std::unexpected(FleetError{FleetError::kQuery, e.message});
}

// {a,b,c} as a PostgreSQL array literal of text (sha256 and serials: no quotes or commas).
std::string pg_array(const std::vector<std::string>& v) {
  std::string s = "{";
  for (const auto& x : v) {
    if (s.size() > 1) s += ',';
    s += '"';
    for (char c : x) {
      if (c == '"' || c == '\\') s += '\\';
      s += c;
    }
    s += '"';
  }
  return s + "}";
}

// Reads the verdicts of reports the server has but had not checked at the last sync.
FleetResult<void> read_verdicts(app::JobStore& store, Pg& server, SyncSummary& sum) {
  auto pushed = store.outbox("pushed");
  if (!pushed) return store_error(pushed.error());
  for (size_t at = 0; at < pushed->size(); at += 1000) {
    std::vector<std::string> keys;
    for (size_t i = at; i < std::min(pushed->size(), at + 1000); ++i) keys.push_back((*pushed)[i].sha256);
    auto rows =
        server.exec("SELECT sha256, state, reason FROM inbox WHERE sha256 = ANY($1::text[]) AND state <> 'waiting'",
                    {pg_array(keys)});
    if (!rows) return std::unexpected(rows.error());
    std::vector<app::OutboxItem> changed;
    for (int i = 0; i < rows->size(); ++i) {
      app::OutboxItem it;
      it.sha256 = rows->at(i, 0);
      it.state = rows->at(i, 1);
      it.reason = rows->at(i, 2);
      ++(it.state == "accepted" ? sum.accepted : sum.rejected);
      changed.push_back(std::move(it));
    }
    if (auto r = store.set_outbox_states(changed); !r) return store_error(r.error());
  }
  return {};
}

FleetResult<void> push(app::JobStore& store, Pg& server, const SyncOptions& o, SyncSummary& sum) {
  const auto batch = static_cast<size_t>(std::max(1, o.batch));
  int64_t sent = 0;
  auto waiting = store.outbox("waiting");
  if (!waiting) return store_error(waiting.error());
  for (size_t at = 0; at < waiting->size(); at += batch) {
    std::vector<app::OutboxItem> done, blocked;
    if (auto b = server.script("BEGIN"); !b) return std::unexpected(b.error());
    for (size_t i = at; i < std::min(waiting->size(), at + batch); ++i) {
      app::OutboxItem it = (*waiting)[i];
      auto bytes = reports::read_report_file(it.path);
      if (!bytes || reports::sha256_hex(*bytes) != it.sha256) {
        it.reason = bytes ? "the report file " + it.path + " changed after it was signed; it was not sent"
                          : "the report file " + it.path + " cannot be read (" + bytes.error().message +
                                "); it was not sent";
        blocked.push_back(std::move(it));
        continue;
      }
      const auto hex = reports::to_hex(std::span(reinterpret_cast<const unsigned char*>(bytes->data()), bytes->size()));
      auto ins = server.exec("INSERT INTO inbox(sha256, body) VALUES($1, decode($2, 'hex')) ON CONFLICT DO NOTHING",
                             {it.sha256, hex});
      if (!ins) {
        (void)server.script("ROLLBACK");
        return std::unexpected(ins.error());
      }
      it.state = "pushed";
      it.reason.clear();
      done.push_back(std::move(it));
      if (o.after_insert) o.after_insert(++sent);
    }
    if (auto c = server.script("COMMIT"); !c) return std::unexpected(c.error());
    // Only now, after the server committed: a crash before this line re-pushes, and the
    // server's key (pushed_by, sha256) stores it once.
    for (auto& b : blocked) b.state = "waiting";
    done.insert(done.end(), blocked.begin(), blocked.end());
    if (auto r = store.set_outbox_states(done); !r) return store_error(r.error());
    sum.pushed += static_cast<int64_t>(done.size() - blocked.size());
    sum.not_sent += static_cast<int64_t>(blocked.size());
  }
  return {};
}

FleetResult<void> pull(app::JobStore& store, Pg& server, SyncSummary& sum) {
  auto locks = store.visited_locks();
  if (!locks) return store_error(locks.error());
  // The 20 latest visits of each lock this laptop has seen or the office assigned to its user.
  auto rows = server.exec(
      "SELECT report_sha256, lock_serial, to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
      "technician, kind, fingerprint_before, COALESCE(fingerprint_after, ''), battery_mv FROM ("
      "  SELECT v.*, row_number() OVER (PARTITION BY lock_serial ORDER BY finished_at DESC) AS n FROM visits v"
      "  WHERE lock_serial = ANY($1::text[]) OR lock_serial IN (SELECT lock_serial FROM my_assignments)) x "
      "WHERE n <= 20",
      {pg_array(*locks)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<app::FleetVisit> visits;
  for (int i = 0; i < rows->size(); ++i)
    visits.push_back({rows->at(i, 0), rows->at(i, 1), rows->at(i, 2), rows->at(i, 3), rows->at(i, 4), rows->at(i, 5),
                      rows->at(i, 6), std::stoll(rows->at(i, 7))});
  if (auto r = store.add_fleet_visits(visits); !r) return store_error(r.error());
  sum.pulled = static_cast<int64_t>(visits.size());
  return {};
}

}  // namespace

FleetResult<SyncSummary> sync(app::JobStore& store, Pg& server, const SyncOptions& options) {
  SyncSummary sum;
  auto r = read_verdicts(store, server, sum);
  if (r) r = push(store, server, options, sum);
  if (r) r = read_verdicts(store, server, sum);
  if (r) r = pull(store, server, sum);
  (void)store.record_sync(r ? std::string() : r.error().message);
  if (!r) return std::unexpected(r.error());
  return sum;
}

}  // namespace lockdiag::fleet
