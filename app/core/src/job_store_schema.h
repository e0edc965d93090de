// Schema migrations, applied in order; PRAGMA user_version is the index of the last one.
#pragma once

namespace lockdiag::app {

inline constexpr const char* kMigrations[] = {
    // 1: the first schema
    R"sql(
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE sites (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER REFERENCES customers(id),
  name TEXT NOT NULL,
  UNIQUE (customer_id, name)
);
CREATE TABLE locks (
  id INTEGER PRIMARY KEY,
  serial TEXT NOT NULL UNIQUE,
  model TEXT NOT NULL,
  firmware TEXT NOT NULL,
  last_event_seq INTEGER,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL
);
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('diagnose','handoff_audit','reset_onboarding','rotation','clock_sync')),
  state TEXT NOT NULL CHECK (state IN ('running','interrupted','done','failed','rolled_back')),
  lock_id INTEGER NOT NULL REFERENCES locks(id),
  site_id INTEGER REFERENCES sites(id),
  technician TEXT NOT NULL DEFAULT '',
  params_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE steps (
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('started','done','failed','skipped')),
  confirmed_at_lock INTEGER NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT NOT NULL DEFAULT '',
  detail_json TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (job_id, seq)
);
CREATE TABLE snapshots (
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  phase TEXT NOT NULL CHECK (phase IN ('before','after')),
  taken_at TEXT NOT NULL,
  data_json TEXT NOT NULL,
  PRIMARY KEY (job_id, phase)
);
CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('info','warning','critical')),
  title TEXT NOT NULL,
  next_step TEXT NOT NULL,
  detail_json TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  key_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX jobs_by_lock ON jobs(lock_id, id);
)sql",
    // 2: per-lock history and a job's findings and reports are index lookups, not table scans
    // (100,000 jobs: docs/benchmarks.md, "Job store"). jobs_by_lock already serves history.
    R"sql(
CREATE INDEX IF NOT EXISTS findings_by_job ON findings(job_id);
CREATE INDEX IF NOT EXISTS reports_by_job ON reports(job_id);
)sql",
    // 3: fleet sync (docs/fleet.md): every signed report waits in the outbox until the company
    // server accepted or rejected it; visits pulled from the server (anyone's) for last-visit lines.
    R"sql(
CREATE TABLE outbox (
  sha256 TEXT PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting','pushed','accepted','rejected')),
  reason TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL
);
CREATE INDEX outbox_by_state ON outbox(state);
CREATE TRIGGER reports_to_outbox AFTER INSERT ON reports BEGIN
  INSERT OR IGNORE INTO outbox(sha256, job_id, path, updated_at) VALUES (NEW.sha256, NEW.job_id, NEW.path, NEW.created_at);
END;
INSERT OR IGNORE INTO outbox(sha256, job_id, path, updated_at) SELECT sha256, job_id, path, created_at FROM reports;
CREATE TABLE fleet_visits (
  sha256 TEXT PRIMARY KEY,
  lock_serial TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  technician TEXT NOT NULL,
  kind TEXT NOT NULL,
  fingerprint_before TEXT NOT NULL,
  fingerprint_after TEXT NOT NULL DEFAULT '',
  battery_mv INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fleet_visits_by_lock ON fleet_visits(lock_serial, finished_at);
CREATE TABLE sync_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_sync TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT ''
);
INSERT INTO sync_state(id) VALUES (1);
)sql",
    // 4: the site's time zone (IANA name) recorded with each job, for "lock zone differs from
    // the site's" and the report (docs/workflows.md, "Times people read"). '' on older jobs.
    R"sql(
ALTER TABLE jobs ADD COLUMN site_zone TEXT NOT NULL DEFAULT '';
)sql",
};

inline constexpr int kMigrationCount = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);

}  // namespace lockdiag::app
