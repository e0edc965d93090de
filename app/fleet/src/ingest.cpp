#include "lockdiag/fleet/ingest.h"

#include <string>
#include <vector>

#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/verify.h"

namespace lockdiag::fleet {

namespace {

namespace r = lockdiag::reports;

std::optional<std::string> unhex(const std::string& hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  if (!r::from_hex(hex, std::span(reinterpret_cast<unsigned char*>(out.data()), out.size()))) return std::nullopt;
  return out;
}

struct Verdict {
  bool accept = false;
  std::string reason;
  int64_t technician_id = 0;
  r::Report report;
};

Verdict judge(Pg& db, const std::string& sha256, const std::string& bytes) {
  if (r::sha256_hex(bytes) != sha256) return {false, "the pushed hash does not match the report's bytes", 0, {}};
  auto v = r::verify(bytes, std::nullopt);
  if (!v) return {false, std::string(r::reason_id(v.error().reason)) + ": " + v.error().message, 0, {}};
  auto t = db.exec("SELECT id, public_key_hex, revoked_at IS NOT NULL FROM technicians WHERE key_id = $1", {v->key_id});
  if (!t) return {false, t.error().message, 0, {}};
  if (t->size() == 0)
    return {false, "unknown_key: signed by key " + v->key_id + ", which the company has not registered", 0, {}};
  if (t->at(0, 1) != v->public_key.hex())
    return {false, "unknown_key: key id " + v->key_id + " belongs to another registered key", 0, {}};
  if (t->at(0, 2) == "t") return {false, "revoked_key: the key " + v->key_id + " was revoked by the company", 0, {}};
  return {true, "", std::stoll(t->at(0, 0)), std::move(v->report)};
}

int64_t expired_present(const r::Snapshot& s) {
  int64_t n = 0;
  for (const auto& g : s.slots) n += g.expired_present;
  return n;
}

// Writes one accepted report and its job; false when the report was already stored.
FleetResult<bool> store(Pg& db, const std::string& pushed_by, const std::string& sha256, const Verdict& v) {
  const r::Report& rep = v.report;
  auto ins = db.exec(
      "INSERT INTO reports(sha256, body, technician_id, pushed_by) "
      "SELECT sha256, body, $3, pushed_by FROM inbox WHERE pushed_by = $1 AND sha256 = $2 "
      "ON CONFLICT (sha256) DO NOTHING RETURNING sha256",
      {pushed_by, sha256, std::to_string(v.technician_id)});
  if (!ins) return std::unexpected(ins.error());
  if (ins->size() == 0) return false;
  auto site = db.exec(
      "INSERT INTO sites(customer, name) VALUES($1, $2) ON CONFLICT (customer, name) "
      "DO UPDATE SET name = EXCLUDED.name RETURNING id",
      {rep.site.customer, rep.site.name});
  if (!site) return std::unexpected(site.error());
  auto lock = db.exec(
      "INSERT INTO locks(serial, model, firmware, site_id) VALUES($1, $2, $3, $4) ON CONFLICT (serial) "
      "DO UPDATE SET model = EXCLUDED.model, firmware = EXCLUDED.firmware, site_id = EXCLUDED.site_id "
      "RETURNING id",
      {rep.lock.serial, rep.lock.model, rep.lock.firmware, site->at(0, 0)});
  if (!lock) return std::unexpected(lock.error());
  const r::Snapshot& last = rep.after ? *rep.after : rep.before;
  auto job = db.exec(
      "INSERT INTO jobs(report_sha256, lock_id, site_id, technician_id, kind, started_at, finished_at, "
      "fingerprint_before, "
      "fingerprint_after, battery_mv, battery_state, expired_present, clock_drift_s) "
      "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
      {sha256, lock->at(0, 0), site->at(0, 0), std::to_string(v.technician_id), std::string(r::to_string(rep.kind)),
       rep.started_at, rep.finished_at, rep.before.code_set_fingerprint,
       rep.after ? std::optional<std::string>(rep.after->code_set_fingerprint) : std::nullopt,
       std::to_string(last.battery.millivolts), std::string(r::to_string(last.battery.state)),
       std::to_string(expired_present(last)), std::to_string(rep.before.clock.drift_s)});
  if (!job) return std::unexpected(job.error());
  const std::string job_id = job->at(0, 0);
  for (size_t i = 0; i < rep.steps.size(); ++i) {
    const auto& s = rep.steps[i];
    auto st = db.exec(
        "INSERT INTO steps(job_id, seq, action, outcome, at, destructive, confirmed_at_lock) "
        "VALUES($1, $2, $3, $4, $5, $6, $7)",
        {job_id, std::to_string(i), s.action, std::string(r::to_string(s.outcome)), s.at, s.destructive ? "t" : "f",
         s.confirmed_at_lock ? "t" : "f"});
    if (!st) return std::unexpected(st.error());
  }
  for (size_t i = 0; i < rep.findings.size(); ++i) {
    const auto& f = rep.findings[i];
    auto fi = db.exec("INSERT INTO findings(job_id, seq, severity, code, summary) VALUES($1, $2, $3, $4, $5)",
                      {job_id, std::to_string(i), std::string(r::to_string(f.severity)), f.code, f.summary});
    if (!fi) return std::unexpected(fi.error());
  }
  return true;
}

}  // namespace

FleetResult<IngestStats> ingest(Pg& db, int batch) {
  IngestStats stats;
  for (;;) {
    if (auto b = db.script("BEGIN"); !b) return std::unexpected(b.error());
    auto rows = db.exec(
        "SELECT pushed_by, sha256, encode(body, 'hex') FROM inbox WHERE state = 'waiting' "
        "ORDER BY pushed_at LIMIT $1 FOR UPDATE SKIP LOCKED",
        {std::to_string(batch)});
    if (!rows) {
      (void)db.script("ROLLBACK");
      return std::unexpected(rows.error());
    }
    for (int i = 0; i < rows->size(); ++i) {
      const std::string by = rows->at(i, 0), sha = rows->at(i, 1);
      const auto bytes = unhex(rows->at(i, 2));
      Verdict v = bytes ? judge(db, sha, *bytes) : Verdict{false, "unreadable body", 0, {}};
      if (v.accept) {
        // A savepoint per report: a report the schema refuses is rejected alone, not the batch.
        (void)db.script("SAVEPOINT one");
        auto stored = store(db, by, sha, v);
        if (stored) {
          (void)db.script("RELEASE SAVEPOINT one");
          ++(*stored ? stats.accepted : stats.duplicates);
        } else {
          if (stored.error().kind == FleetError::kConnect) return std::unexpected(stored.error());
          (void)db.script("ROLLBACK TO SAVEPOINT one");
          v = {false, "the server could not store it: " + stored.error().message, 0, {}};
        }
      }
      if (!v.accept) ++stats.rejected;
      auto mark = db.exec("UPDATE inbox SET state = $3, reason = $4 WHERE pushed_by = $1 AND sha256 = $2",
                          {by, sha, v.accept ? "accepted" : "rejected", v.reason});
      if (!mark) {
        (void)db.script("ROLLBACK");
        return std::unexpected(mark.error());
      }
    }
    if (auto c = db.script("COMMIT"); !c) return std::unexpected(c.error());
    if (rows->size() < batch) return stats;
  }
}

FleetResult<void> register_technician(Pg& db, const std::string& company, const std::string& name,
                                      const std::string& public_key_hex, const std::string& db_role) {
  r::PublicKey key;
  if (public_key_hex.size() != 64 || !r::from_hex(public_key_hex, key.bytes))
    return std::unexpected(FleetError{FleetError::kConfig, "a public key is 64 lowercase hex digits"});
  auto c = db.exec(
      "INSERT INTO companies(name) VALUES($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id",
      {company});
  if (!c) return std::unexpected(c.error());
  auto t = db.exec(
      "INSERT INTO technicians(company_id, name, db_role, key_id, public_key_hex) VALUES($1, $2, $3, $4, $5)",
      {c->at(0, 0), name, db_role.empty() ? std::nullopt : std::optional(db_role), key.key_id(), public_key_hex});
  if (!t) return std::unexpected(t.error());
  return {};
}

}  // namespace lockdiag::fleet
