// The office's questions to the company server (`lockdiag fleet ...`, docs/fleet.md, "Queries").
#pragma once

#include <string>
#include <vector>

#include "lockdiag/fleet/pg.h"

namespace lockdiag::fleet {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

// Locks whose latest visit found temporary codes past their end date still present.
FleetResult<Table> locks_with_expired_codes(Pg& db);
// Locks whose latest visit is older than `days` days.
FleetResult<Table> locks_not_visited(Pg& db, int days);
// Battery by lock: visits, first and latest millivolts, change per 30 days (least squares).
// An empty serial means every lock.
FleetResult<Table> battery_trend(Pg& db, const std::string& serial);
// Jobs per technician in the last `days` days, with the latest.
FleetResult<Table> jobs_by_technician(Pg& db, int days);

}  // namespace lockdiag::fleet
