// The company server's schema, created and migrated by lockdiag itself (docs/fleet.md,
// "Schema"). Versions are rows of fleet_schema_version; each migration runs in one transaction.
#pragma once

#include "lockdiag/fleet/pg.h"

namespace lockdiag::fleet {

inline constexpr int kServerSchemaVersion = 1;

// Brings the database to kServerSchemaVersion; returns the version it found. Needs the owner's
// credentials (CREATE on the database, CREATEROLE for the laptop group role).
FleetResult<int> migrate_server(Pg& owner);

}  // namespace lockdiag::fleet
