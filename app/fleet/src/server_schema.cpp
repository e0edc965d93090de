#include "lockdiag/fleet/server_schema.h"

namespace lockdiag::fleet {

namespace {

// Each entry is one version. Laptops log in as members of lockdiag_laptop: they may read the
// history and insert into inbox (only rows under their own name); every other table is written
// by the ingest step, which checks the signature first (docs/fleet.md, "Threat model").
const char* const kServerMigrations[] = {
    R"sql(
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lockdiag_laptop') THEN
    CREATE ROLE lockdiag_laptop NOLOGIN;
  END IF;
END $$;
CREATE TABLE companies (
  id bigserial PRIMARY KEY,
  name text NOT NULL UNIQUE
);
CREATE TABLE technicians (
  id bigserial PRIMARY KEY,
  company_id bigint NOT NULL REFERENCES companies(id),
  name text NOT NULL,
  db_role text UNIQUE,
  key_id text NOT NULL UNIQUE,
  public_key_hex text NOT NULL CHECK (public_key_hex ~ '^[0-9a-f]{64}$'),
  revoked_at timestamptz
);
CREATE TABLE sites (
  id bigserial PRIMARY KEY,
  customer text NOT NULL,
  name text NOT NULL,
  UNIQUE (customer, name)
);
CREATE TABLE locks (
  id bigserial PRIMARY KEY,
  serial text NOT NULL UNIQUE,
  model text NOT NULL,
  firmware text NOT NULL,
  site_id bigint REFERENCES sites(id)
);
CREATE TABLE assignments (
  technician_id bigint NOT NULL REFERENCES technicians(id),
  lock_id bigint NOT NULL REFERENCES locks(id),
  PRIMARY KEY (technician_id, lock_id)
);
-- The signed report file, byte for byte, keyed by the SHA-256 of those bytes.
CREATE TABLE reports (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  body bytea NOT NULL,
  technician_id bigint NOT NULL REFERENCES technicians(id),
  received_at timestamptz NOT NULL DEFAULT now(),
  pushed_by text NOT NULL
);
CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  report_sha256 text NOT NULL UNIQUE REFERENCES reports(sha256),
  lock_id bigint NOT NULL REFERENCES locks(id),
  site_id bigint REFERENCES sites(id),
  technician_id bigint NOT NULL REFERENCES technicians(id),
  kind text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  fingerprint_before text NOT NULL,
  fingerprint_after text,
  battery_mv integer NOT NULL,
  battery_state text NOT NULL,
  expired_present integer NOT NULL,
  clock_drift_s bigint NOT NULL
);
CREATE INDEX jobs_by_lock ON jobs(lock_id, finished_at DESC);
CREATE INDEX jobs_by_technician ON jobs(technician_id, finished_at DESC);
CREATE TABLE steps (
  job_id bigint NOT NULL REFERENCES jobs(id),
  seq integer NOT NULL,
  action text NOT NULL,
  outcome text NOT NULL,
  at timestamptz NOT NULL,
  destructive boolean NOT NULL,
  confirmed_at_lock boolean NOT NULL,
  PRIMARY KEY (job_id, seq)
);
CREATE TABLE findings (
  job_id bigint NOT NULL REFERENCES jobs(id),
  seq integer NOT NULL,
  severity text NOT NULL,
  code text NOT NULL,
  summary text NOT NULL,
  PRIMARY KEY (job_id, seq)
);
CREATE INDEX findings_by_code ON findings(code);
-- What laptops push. Nothing here is trusted until ingest has checked it.
CREATE TABLE inbox (
  pushed_by text NOT NULL DEFAULT current_user,
  sha256 text NOT NULL,
  body bytea NOT NULL CHECK (octet_length(body) <= 4194304),
  pushed_at timestamptz NOT NULL DEFAULT now(),
  state text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting','accepted','rejected')),
  reason text NOT NULL DEFAULT '',
  PRIMARY KEY (pushed_by, sha256)
);
CREATE INDEX inbox_waiting ON inbox(pushed_at) WHERE state = 'waiting';
ALTER TABLE inbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY inbox_own ON inbox TO lockdiag_laptop
  USING (pushed_by = current_user) WITH CHECK (pushed_by = current_user AND state = 'waiting' AND reason = '');
-- The history a laptop pulls: one row per accepted visit.
CREATE VIEW visits AS
  SELECT jobs.id, locks.serial AS lock_serial, jobs.finished_at, technicians.name AS technician, jobs.kind,
         jobs.fingerprint_before, jobs.fingerprint_after, jobs.battery_mv, jobs.report_sha256
  FROM jobs JOIN locks ON locks.id = jobs.lock_id JOIN technicians ON technicians.id = jobs.technician_id;
CREATE VIEW my_assignments AS
  SELECT locks.serial AS lock_serial FROM assignments
  JOIN technicians ON technicians.id = assignments.technician_id JOIN locks ON locks.id = assignments.lock_id
  WHERE technicians.db_role = current_user;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO lockdiag_laptop;
GRANT SELECT ON visits, my_assignments TO lockdiag_laptop;
GRANT SELECT (pushed_by, sha256, state, reason), INSERT (sha256, body) ON inbox TO lockdiag_laptop;
)sql",
};

constexpr int kCount = static_cast<int>(sizeof kServerMigrations / sizeof kServerMigrations[0]);
static_assert(kCount == kServerSchemaVersion);

}  // namespace

FleetResult<int> migrate_server(Pg& owner) {
  if (auto r = owner.script("CREATE TABLE IF NOT EXISTS fleet_schema_version ("
                            "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
      !r)
    return std::unexpected(r.error());
  // One migrator at a time: a second lockdiag waits here, then finds the work done.
  if (auto r = owner.script("BEGIN; LOCK TABLE fleet_schema_version IN EXCLUSIVE MODE"); !r)
    return std::unexpected(r.error());
  auto v = owner.exec("SELECT COALESCE(max(version), 0) FROM fleet_schema_version");
  if (!v) {
    (void)owner.script("ROLLBACK");
    return std::unexpected(v.error());
  }
  const int found = std::stoi(v->at(0, 0));
  if (found > kCount) {
    (void)owner.script("ROLLBACK");
    return std::unexpected(FleetError{FleetError::kConfig, "the company server's schema is version " +
                                                               std::to_string(found) +
                                                               ", newer than this lockdiag knows (" +
                                                               std::to_string(kCount) + "); update lockdiag"});
  }
  for (int m = found; m < kCount; ++m) {
    auto r = owner.script(kServerMigrations[m]);
    if (r) r = owner.script("INSERT INTO fleet_schema_version(version) VALUES (" + std::to_string(m + 1) + ")");
    if (!r) {
      (void)owner.script("ROLLBACK");
      return std::unexpected(r.error());
    }
  }
  if (auto r = owner.script("COMMIT"); !r) return std::unexpected(r.error());
  return found;
}

}  // namespace lockdiag::fleet
