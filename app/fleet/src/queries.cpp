#include "lockdiag/fleet/queries.h"

namespace lockdiag::fleet {

namespace {

constexpr const char* kUtc = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

FleetResult<Table> table(Pg& db, std::vector<std::string> columns, const std::string& sql,
                         const std::vector<std::optional<std::string>>& params) {
  auto r = db.exec(sql, params);
  if (!r) return std::unexpected(r.error());
  Table t{std::move(columns), {}};
  for (int i = 0; i < r->size(); ++i) {
    std::vector<std::string> row;
    for (size_t c = 0; c < t.columns.size(); ++c) row.push_back(r->at(i, static_cast<int>(c)));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// The latest visit of each lock (jobs_by_lock serves DISTINCT ON).
const std::string kLatest =
    "SELECT DISTINCT ON (jobs.lock_id) jobs.*, locks.serial FROM jobs JOIN locks ON locks.id = jobs.lock_id "
    "ORDER BY jobs.lock_id, jobs.finished_at DESC";

}  // namespace

FleetResult<Table> locks_with_expired_codes(Pg& db) {
  return table(db, {"lock", "expired_present", "last_visit"},
               "SELECT serial, expired_present, to_char(finished_at AT TIME ZONE 'UTC', " + std::string(kUtc) +
                   ") FROM (" + kLatest + ") latest WHERE expired_present > 0 ORDER BY serial",
               {});
}

FleetResult<Table> locks_not_visited(Pg& db, int days) {
  return table(db, {"lock", "last_visit", "days"},
               "SELECT serial, to_char(finished_at AT TIME ZONE 'UTC', " + std::string(kUtc) +
                   "), extract(day FROM now() - finished_at)::int FROM (" + kLatest +
                   ") latest WHERE finished_at < now() - make_interval(days => $1::int) ORDER BY finished_at",
               {std::to_string(days)});
}

FleetResult<Table> battery_trend(Pg& db, const std::string& serial) {
  return table(
      db, {"lock", "visits", "first_mv", "latest_mv", "mv_per_30_days"},
      "SELECT locks.serial, count(*), (array_agg(battery_mv ORDER BY finished_at))[1], "
      "(array_agg(battery_mv ORDER BY finished_at DESC))[1], "
      "COALESCE(round((regr_slope(battery_mv, extract(epoch FROM finished_at)) * 86400 * 30)::numeric, 1)::text, '') "
      "FROM jobs JOIN locks ON locks.id = jobs.lock_id WHERE $1 = '' OR locks.serial = $1 "
      "GROUP BY locks.serial ORDER BY locks.serial",
      {serial});
}

FleetResult<Table> jobs_by_technician(Pg& db, int days) {
  return table(
      db, {"technician", "jobs", "locks", "latest"},
      "SELECT technicians.name, count(*), count(DISTINCT jobs.lock_id), to_char(max(finished_at) AT TIME ZONE 'UTC', " +
          std::string(kUtc) +
          ") FROM jobs JOIN technicians ON technicians.id = jobs.technician_id "
          "WHERE finished_at >= now() - make_interval(days => $1::int) GROUP BY technicians.name ORDER BY "
          "technicians.name",
      {std::to_string(days)});
}

}  // namespace lockdiag::fleet
