// lockdiag sync, and lockdiag fleet: the company server (docs/fleet.md). The server string is a
// libpq connection string or URI, by default the "lockdiag" service; passwords come from
// ~/.pgpass or PGPASSFILE, never from the command line.
#include <iostream>

#include "commands.h"
#include "lockdiag/app/job_store.h"
#include "lockdiag/fleet/ingest.h"
#include "lockdiag/fleet/queries.h"
#include "lockdiag/fleet/server_schema.h"
#include "lockdiag/fleet/sync.h"

namespace lockdiag::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct FleetOptions {
  std::string server = fleet::kDefaultServer;
  std::string store;
  std::string lock;
  int days = 90;
  std::string name, company, public_key, role;
};

ExitCode exit_for(const fleet::FleetError& e) {
  switch (e.kind) {
    case fleet::FleetError::kConfig: return kExitUsage;
    case fleet::FleetError::kConnect: return kExitUnreachable;
    case fleet::FleetError::kRejected: return kExitRefused;
    case fleet::FleetError::kQuery: return kExitFailure;
  }
  return kExitFailure;
}

int fleet_error(const GlobalOptions& g, const fleet::FleetError& e) { return report_error(g, exit_for(e), e.message); }

fs::path store_path(const FleetOptions& o) {
  return o.store.empty() ? app::JobStore::default_path() : fs::path(o.store);
}

int run_sync(const GlobalOptions& g, const FleetOptions& o) {
  auto store = app::JobStore::open(store_path(o));
  if (!store) return report_error(g, kExitDataError, store.error().message);
  if (store->read_only()) return report_error(g, kExitDataError, store->warning());
  auto db = fleet::Pg::connect(o.server);
  if (!db) {
    (void)store->record_sync(db.error().message);
    return fleet_error(g, db.error());
  }
  auto s = fleet::sync(*store, *db);
  if (!s) return fleet_error(g, s.error());
  auto st = store->sync_state();
  auto rejected = store->outbox("rejected");
  if (g.json) {
    json rj = json::array();
    if (rejected)
      for (const auto& r : *rejected) rj.push_back({{"job", r.job_id}, {"sha256", r.sha256}, {"reason", r.reason}});
    print_json({{"pushed", s->pushed},
                {"accepted", s->accepted},
                {"rejected", s->rejected},
                {"not_sent", s->not_sent},
                {"pulled", s->pulled},
                {"waiting", st ? st->waiting : 0},
                {"awaiting_check", st ? st->pushed : 0},
                {"rejected_reports", rj}});
  } else {
    std::cout << "Sent " << s->pushed << " report(s); the server accepted " << s->accepted << " and rejected "
              << s->rejected << "; " << s->pulled << " visit(s) received.\n";
    if (st) std::cout << st->waiting << " waiting, " << st->pushed << " awaiting the server's check.\n";
    if (rejected)
      for (const auto& r : *rejected) std::cout << "  job " << r.job_id << " rejected: " << r.reason << "\n";
  }
  return s->not_sent || (rejected && !rejected->empty()) ? kExitFailure : kExitOk;
}

int print_table(const GlobalOptions& g, const fleet::FleetResult<fleet::Table>& t) {
  if (!t) return fleet_error(g, t.error());
  if (g.json) {
    json out = json::array();
    for (const auto& row : t->rows) {
      json o = json::object();
      for (size_t c = 0; c < row.size(); ++c) o[t->columns[c]] = row[c];
      out.push_back(o);
    }
    print_json(out);
    return kExitOk;
  }
  for (size_t c = 0; c < t->columns.size(); ++c) std::cout << (c ? "\t" : "") << t->columns[c];
  std::cout << "\n";
  for (const auto& row : t->rows) {
    for (size_t c = 0; c < row.size(); ++c) std::cout << (c ? "\t" : "") << row[c];
    std::cout << "\n";
  }
  return kExitOk;
}

template <typename F>
int with_server(const GlobalOptions& g, const FleetOptions& o, F&& f) {
  auto db = fleet::Pg::connect(o.server);
  if (!db) return fleet_error(g, db.error());
  return f(*db);
}

int run_history(const GlobalOptions& g, const FleetOptions& o) {
  auto store = app::JobStore::open(store_path(o));
  if (!store) return report_error(g, kExitDataError, store.error().message);
  auto h = store->fleet_history(o.lock);
  auto st = store->sync_state();
  if (!h || !st) return report_error(g, kExitDataError, "the job database cannot be read");
  if (g.json) {
    json visits = json::array();
    for (const auto& v : *h)
      visits.push_back({{"finished_at", v.finished_at},
                        {"technician", v.technician},
                        {"kind", v.kind},
                        {"fingerprint_before", v.fingerprint_before},
                        {"fingerprint_after", v.fingerprint_after},
                        {"battery_mv", v.battery_mv}});
    print_json({{"lock", o.lock}, {"visits", visits}, {"last_sync", st->last_sync}});
    return kExitOk;
  }
  if (h->empty())
    std::cout << "No visits of " << o.lock << " known (last sync: " << (st->last_sync.empty() ? "never" : st->last_sync)
              << ").\n";
  for (const auto& v : *h)
    std::cout << v.finished_at << "\t" << v.technician << "\t" << v.kind << "\t" << v.battery_mv << " mV\n";
  return kExitOk;
}

}  // namespace

void add_fleet_commands(CLI::App& root, GlobalOptions& g) {
  auto o = std::make_shared<FleetOptions>();
  auto server_option = [o](CLI::App* c) {
    c->add_option("--server", o->server, "libpq connection string or URI of the company server (no password in it)")
        ->envname("LOCKDIAG_SERVER")
        ->capture_default_str();
  };
  auto* sync = root.add_subcommand("sync",
                                   "send finished jobs' reports to the company server and fetch lock histories");
  server_option(sync);
  sync->add_option("--store", o->store, "job database");
  sync->callback([&g, o] { command_exit_code() = run_sync(g, *o); });

  auto* fl = root.add_subcommand("fleet", "the company server: set it up, ingest reports, ask it questions");
  fl->require_subcommand(1);
  auto* migrate = fl->add_subcommand("migrate", "create or update the server's schema (owner's credentials)");
  server_option(migrate);
  migrate->callback([&g, o] {
    command_exit_code() = with_server(g, *o, [&](fleet::Pg& db) {
      auto v = fleet::migrate_server(db);
      if (!v) return fleet_error(g, v.error());
      if (g.json) print_json({{"from", *v}, {"to", fleet::kServerSchemaVersion}});
      else std::cout << "Server schema: version " << *v << " -> " << fleet::kServerSchemaVersion << "\n";
      return int{kExitOk};
    });
  });
  auto* ingest = fl->add_subcommand(
      "ingest", "check the signatures of pushed reports and accept or reject them (owner's credentials)");
  server_option(ingest);
  ingest->callback([&g, o] {
    command_exit_code() = with_server(g, *o, [&](fleet::Pg& db) {
      auto s = fleet::ingest(db);
      if (!s) return fleet_error(g, s.error());
      if (g.json) print_json({{"accepted", s->accepted}, {"rejected", s->rejected}, {"duplicates", s->duplicates}});
      else
        std::cout << "Accepted " << s->accepted << ", rejected " << s->rejected << ", already stored " << s->duplicates
                  << ".\n";
      return int{kExitOk};
    });
  });
  auto* tech = fl->add_subcommand("add-technician", "register a technician's public key and database login");
  server_option(tech);
  tech->add_option("--name", o->name, "the technician's name")->required();
  tech->add_option("--company", o->company, "the company")->required();
  tech->add_option("--public-key", o->public_key, "the key's 64 hex digits (lockdiag keys show)")->required();
  tech->add_option("--role", o->role, "the database role their laptop logs in as");
  tech->callback([&g, o] {
    command_exit_code() = with_server(g, *o, [&](fleet::Pg& db) {
      auto r = fleet::register_technician(db, o->company, o->name, o->public_key, o->role);
      return r ? int{kExitOk} : fleet_error(g, r.error());
    });
  });
  auto* expired = fl->add_subcommand("expired", "locks whose last visit found codes past their end date");
  server_option(expired);
  expired->callback([&g, o] {
    command_exit_code() = with_server(g, *o, [&](fleet::Pg& db) {
      return print_table(g, fleet::locks_with_expired_codes(db));
    });
  });
  auto* stale = fl->add_subcommand("stale", "locks not visited for N days");
  server_option(stale);
  stale->add_option("--days", o->days, "days without a visit")->check(CLI::Range(0, 36500))->capture_default_str();
  stale->callback([&g, o] {
    command_exit_code() = with_server(g, *o, [&](fleet::Pg& db) {
      return print_table(g, fleet::locks_not_visited(db, o->days));
    });
  });
  auto* battery = fl->add_subcommand("battery", "battery trend by lock");
  server_option(battery);
  battery->add_option("--lock", o->lock, "one lock (serial)");
  battery->callback([&g, o] {
    command_exit_code() = with_server(g, *o,
                                      [&](fleet::Pg& db) { return print_table(g, fleet::battery_trend(db, o->lock)); });
  });
  auto* techs = fl->add_subcommand("technicians", "jobs by technician over the last N days");
  server_option(techs);
  techs->add_option("--days", o->days, "window in days")->check(CLI::Range(1, 36500))->capture_default_str();
  techs->callback([&g, o] {
    command_exit_code() = with_server(g, *o, [&](fleet::Pg& db) {
      return print_table(g, fleet::jobs_by_technician(db, o->days));
    });
  });
  auto* history = fl->add_subcommand("history", "a lock's visits as of the last sync (from this laptop's job store)");
  history->add_option("--lock", o->lock, "the lock's serial")->required();
  history->add_option("--store", o->store, "job database");
  history->callback([&g, o] { command_exit_code() = run_history(g, *o); });
}

}  // namespace lockdiag::cli
