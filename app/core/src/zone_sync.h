// Clock sync's time-zone part: the laptop's tzdata table for the job's zone onto the lock.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "lockdiag/app/tzif.h"
#include "lockdiag/drivers/client.h"

namespace lockdiag::app {

struct ZoneSync {
  std::string text;       // "zone Europe/Berlin (CET, +01:00); before: fixed offset +01:00"
  nlohmann::json detail;  // zone_before / zone_after, UTC instants and offsets
};

// How a lock's zone reads for people: "Europe/Berlin" or "fixed offset +01:00".
std::string describe_lock_zone(const drivers::LockTimeZone& z);
nlohmann::json lock_zone_json(const drivers::LockTimeZone& z);
// The reverse, for a stored snapshot's "zone"; nullopt when `j` is not one.
std::optional<drivers::LockTimeZone> lock_zone_from_json(const nlohmann::json& j);
drivers::LockTimeZone to_lock_zone(const ZoneTable& t);

// Sets the zone on a lock that supports it; on one that does not, says so (the caller has set
// the fixed offset). Errors are the lock's.
std::expected<ZoneSync, drivers::Error> sync_zone(drivers::Client& client, const ZoneTable& table);
// Whether the lock already follows `zone` (for resuming a clock sync).
bool lock_follows(drivers::Client& client, const std::string& zone);

}  // namespace lockdiag::app
