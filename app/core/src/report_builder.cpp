#include "lockdiag/app/report_builder.h"

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "attestation_steps.h"
#include "inputs_json.h"
#include "zone_sync.h"
#include "lockdiag/app/local_time.h"
#include "lockdiag/app/snapshot.h"
#include "lockdiag/app/visit_summary.h"
#include "lockdiag/reports/io.h"
#include "lockdiag/reports/lock_zone.h"
#include "lockdiag/reports/reports.h"

namespace lockdiag::app {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

WorkflowError report_error(const std::string& message, int64_t job_id) {
  return WorkflowError{message, job_id, true, drivers::ErrorKind::kIo};
}

reports::StepOutcome outcome_of(const StepRecord& s) {
  switch (s.state) {
    case StepState::kDone: return reports::StepOutcome::ok;
    case StepState::kFailed: return reports::StepOutcome::failed;
    case StepState::kSkipped: return reports::StepOutcome::skipped;
    case StepState::kStarted: return reports::StepOutcome::interrupted;
  }
  return reports::StepOutcome::failed;
}

bool is_destructive(const std::string& step) { return step.rfind("delete_slot", 0) == 0 || step == "factory_reset"; }

reports::Severity severity_of(const std::string& s) {
  return s == "critical"  ? reports::Severity::critical
         : s == "warning" ? reports::Severity::warning
                          : reports::Severity::info;
}

std::optional<json> load_snapshot(JobStore& store, int64_t job_id, const char* phase) {
  auto s = store.snapshot(job_id, phase);
  if (!s || !*s) return std::nullopt;
  auto j = json::parse(**s, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// The lock's zone as the lock reported it: as left when the job read it again, else as
// found, with the offset it gives at `finished_at`. Only a lock that follows a zone has one: a
// fixed offset (or a lock without zone support) leaves the report, and its PDF, in UTC.
std::optional<reports::LockTimeZone> report_zone(const std::optional<json>& after, const json& before,
                                                 const std::string& finished_at) {
  const json& snap = after && after->contains("zone") ? *after : before;
  if (!snap.contains("zone")) return std::nullopt;
  const auto z = lock_zone_from_json(snap.at("zone"));
  if (!z || !z->has_zone) return std::nullopt;
  const auto at = reports::rfc3339_seconds(finished_at);
  reports::LockTimeZone out{z->name, z->rule, at ? LocalTime::of_lock(*z).offset_s(*at) : z->current_offset_s};
  if (!reports::lock_time_zone_problem(out).empty()) return std::nullopt;  // the report stays signable
  return out;
}

}  // namespace

fs::path default_report_dir() { return JobStore::default_path().parent_path() / "reports"; }

WorkflowResult<reports::Report> build_report(JobStore& store, int64_t job_id) {
  auto job = store.job(job_id);
  if (!job) return std::unexpected(report_error(job.error().message, job_id));
  auto steps = store.steps(job_id);
  auto findings = store.findings(job_id);
  auto lock = store.find_lock(job->lock_serial);
  if (!steps || !findings || !lock || !*lock)
    return std::unexpected(report_error("the job record is incomplete", job_id));
  const auto before = load_snapshot(store, job_id, "before");
  if (!before) return std::unexpected(report_error("the job has no snapshot of the lock as found", job_id));
  const auto inputs = inputs_from_json(json::parse(job->params_json, nullptr, false));

  reports::Report r;
  r.id = report_id_for(job->lock_serial, job_id);
  r.tool_version = kToolVersion;
  r.started_at = job->created_at;
  r.finished_at = utc_now_rfc3339();
  r.technician = {job->technician, inputs.company, inputs.licence};
  if (!inputs.company_phone.empty() || !inputs.company_email.empty() || !inputs.company_address.empty())
    r.company_contact = reports::CompanyContact{inputs.company, inputs.company_phone, inputs.company_email,
                                                inputs.company_address};
  r.site = {job->site, "", job->customer};
  r.lock = {(*lock)->model, (*lock)->serial, (*lock)->firmware, 1};
  r.kind = reports::parse_job_kind(job->kind).value_or(reports::JobKind::diagnose);
  r.before = report_snapshot(*before);
  const auto after = load_snapshot(store, job_id, "after");
  if (after) r.after = report_snapshot(*after);

  std::string previous = r.started_at;
  for (const auto& s : *steps) {
    if (s.name == "sign_report") continue;  // the report is being made in this step
    reports::Step step;
    step.at = !s.finished_at.empty() ? s.finished_at : s.started_at;
    if (step.at < previous) step.at = previous;  // clock steps of a second are kept in order
    previous = step.at;
    step.action = s.name;
    step.destructive = is_destructive(s.name);
    step.confirmed_at_lock = s.confirmed_at_lock;
    step.outcome = outcome_of(s);
    step.detail = s.outcome;
    r.steps.push_back(std::move(step));
    if (s.name == "open_session" && s.state == StepState::kDone) {
      const auto d = json::parse(s.detail_json, nullptr, false);
      if (!d.is_discarded()) {
        r.authorization.session_opened_by = d.value("opened_by", "") == "factory_state"
                                                ? reports::SessionOpenedBy::factory_state
                                                : reports::SessionOpenedBy::keypad_service_sequence;
        r.authorization.session_opened_at = d.value("at", s.finished_at);
      }
    }
  }
  if (r.authorization.session_opened_at.empty()) r.authorization.session_opened_at = r.started_at;
  // Said plainly when the technician did not record them (a diagnose needs neither).
  r.authorization.ownership_proof = inputs.ownership_evidence.empty() ? "not recorded" : inputs.ownership_evidence;
  r.authorization.present = inputs.present.empty() ? "not recorded" : inputs.present;
  if (r.finished_at < previous) r.finished_at = previous;
  r.lock_time_zone = report_zone(after, *before, r.finished_at);
  for (const auto& f : *findings) r.findings.push_back({severity_of(f.severity), f.code, f.title, f.next_step});
  if (const auto visit = visit_summary(store, job_id); visit.still_to_do) {  // as left
    r.still_to_do.emplace();
    for (const auto& f : *visit.still_to_do)
      r.still_to_do->push_back({severity_of(f.severity), f.code, f.title, f.next_step});
  }
  r.lock_attestation = attestations_from_steps(*steps);
  if (!inputs.notes.empty()) r.notes.push_back(inputs.notes);
  // Where, when and how the job was resumed after an interruption (at most the last 20).
  if (auto resumed = store.resumes(job_id); resumed && !resumed->empty()) {
    const size_t from = resumed->size() > 20 ? resumed->size() - 20 : 0;
    for (size_t i = from; i < resumed->size(); ++i) {
      const auto& x = (*resumed)[i];
      std::string where = x.step_seq
                              ? "at step " + std::to_string(x.step_seq) + " " + reports::step_title(x.step_name) +
                                    " (" + (x.step_state.empty() ? std::string("not begun") : x.step_state) + ")"
                              : std::string("after its last step");
      r.notes.push_back("Interrupted " + where + " (job " + x.previous_state + "); resumed " + x.at + " by " + x.how +
                        ".");
    }
  }
  return r;
}

WorkflowResult<ReportFiles> write_signed_report(JobStore& store, int64_t job_id, const fs::path& dir_in) {
  auto report = build_report(store, job_id);
  if (!report) return std::unexpected(report.error());

  auto keys = reports::KeyStore::open_default();
  if (!keys) return std::unexpected(report_error(keys.error().message, job_id));
  const char* pass_env = std::getenv("LOCKDIAG_KEY_PASSPHRASE");
  const std::optional<std::string_view> pass = pass_env && *pass_env ? std::optional<std::string_view>(pass_env)
                                                                     : std::nullopt;
  if (!keys->exists())
    if (auto made = keys->create(pass); !made) return std::unexpected(report_error(made.error().message, job_id));
  auto key = keys->load(pass);
  if (!key) return std::unexpected(report_error(key.error().message, job_id));
  auto info = keys->info();
  if (!info) return std::unexpected(report_error(info.error().message, job_id));

  // Format 2 (SSHSIG), with the technician's certificate when one is installed for this key.
  auto cert_blob = keys->certificate_blob();
  if (!cert_blob) return std::unexpected(report_error(cert_blob.error().message, job_id));
  const std::string signed_at = utc_now_rfc3339();
  auto signed_bytes = reports::sign_report_sshsig(*report, *key, *cert_blob ? &**cert_blob : nullptr, signed_at);
  if (!signed_bytes)
    return std::unexpected(report_error("the report cannot be signed: " + signed_bytes.error().message, job_id));
  reports::SignatureBlock block{info->key_id, info->public_key.hex()};
  if (*cert_blob)
    if (auto cert = reports::ssh::parse_certificate(**cert_blob)) {
      block.company = report->technician.company;
      block.certified_until = reports::ssh::time_text(cert->valid_before);
      block.ca_fingerprint = reports::ssh::fingerprint(cert->ca);
      block.principal = cert->principals.front();
      block.signed_at = signed_at;
    }
  auto pdf = reports::render_pdf(*report, block, reports::Paper::a4);
  if (!pdf) return std::unexpected(report_error("the PDF cannot be rendered: " + pdf.error().message, job_id));

  const fs::path dir = dir_in.empty() ? default_report_dir() : dir_in;
  std::error_code ec;
  fs::create_directories(dir, ec);
  ReportFiles files;
  files.json = dir / (report->id + ".report.json");
  files.pdf = dir / (report->id + ".report.pdf");
  if (auto w = reports::write_file_atomic(files.json, *signed_bytes, 0600); !w)
    return std::unexpected(report_error(w.error().message, job_id));
  if (auto w = reports::write_file_atomic(files.pdf, *pdf, 0644); !w)
    return std::unexpected(report_error(w.error().message, job_id));
  files.sha256 = reports::sha256_hex(*signed_bytes);
  files.key_id = info->key_id;
  if (auto r = store.add_report(job_id, files.json.string(), files.sha256, files.key_id); !r)
    return std::unexpected(report_error(r.error().message, job_id));
  return files;
}

}  // namespace lockdiag::app
