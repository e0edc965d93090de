// The service-call commands: diagnose, audit, reset, rotate, clock-sync, and job list|show|resume.
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>

#include "answers_file.h"
#include "cli_operator.h"
#include "commands.h"
#include "technician_key.h"
#include "lockdiag/app/enroll_spec.h"
#include "lockdiag/app/tzif.h"
#include "lockdiag/app/local_time.h"
#include "lockdiag/app/connection.h"
#include "lockdiag/app/job_store.h"
#include "lockdiag/app/lock_words.h"
#include "lockdiag/app/last_visit.h"
#include "lockdiag/app/settings.h"
#include "lockdiag/app/sim_keypad.h"
#include "lockdiag/app/sim_process.h"
#include "lockdiag/app/workflow.h"

namespace lockdiag::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Options every workflow command shares.
struct WorkflowOptions {
  std::string technician, company, licence, site, customer, notes, present, ownership;
  std::string answers_file, report_dir, store;
  std::vector<std::string> enroll, rotate, keep, sim_persons;
  int complaint_slot = -1;
  std::string zone;  // clock-sync: --zone NAME (empty: the laptop's zone)
  std::string site_zone;  // --site-zone NAME: the site's IANA zone (empty: the laptop's)
  int wait_timeout_s = 180;
  bool sim_keypad = false;
  bool no_sign = false;
};

void add_common(CLI::App* cmd, WorkflowOptions& o) {
  cmd->add_option("--technician", o.technician, "technician's name (default: lockdiag settings)");
  cmd->add_option("--company", o.company, "technician's company (default: lockdiag settings)");
  cmd->add_option("--licence", o.licence, "technician's licence number (default: lockdiag settings)");
  cmd->add_option("--site", o.site, "site name or address");
  cmd->add_option("--customer", o.customer, "customer name");
  cmd->add_option("--site-zone", o.site_zone, "the site's IANA time zone, e.g. Europe/Berlin (default: this laptop's)");
  cmd->add_option("--notes", o.notes, "notes for the report");
  cmd->add_option("--present", o.present, "who is present at the lock");
  cmd->add_option("--answers", o.answers_file, "answers to the workflow's questions, for scripted runs (JSON)");
  cmd->add_option("--report-dir", o.report_dir, "where the signed report and PDF go");
  cmd->add_option("--store", o.store, "job database (default: $XDG_DATA_HOME/lockdiag/jobs.sqlite)");
  cmd->add_option("--wait-timeout", o.wait_timeout_s, "seconds to wait for something to happen at the lock")
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--sim-keypad", o.sim_keypad,
                "virtual locks only: carry out the keypad steps through lockfw-sim's control interface");
  cmd->add_flag("--no-sign", o.no_sign, "do not sign a report at the end");
  cmd->add_option("--sim-person", o.sim_persons,
                  "with --sim-keypad: who of the scenario types for a label, LABEL=PERSON (default admin=new-admin)");
}

std::expected<json, std::string> load_answers(const std::string& path) {
  if (path.empty()) return json(nullptr);
  std::ifstream in(path);
  if (!in) return std::unexpected("cannot read the answers file " + path);
  auto j = parse_answers(std::string(std::istreambuf_iterator<char>(in), {}));
  if (!j) return std::unexpected("the answers file " + path + " " + j.error());
  return j;
}

// Flags first, then the answers file's "inputs", then the saved settings.
std::expected<app::JobInputs, std::string> gather_inputs(const WorkflowOptions& o, const json& answers) {
  app::JobInputs in;
  auto settings = app::load_settings();
  if (!settings) return std::unexpected(settings.error());
  const json given = answers.is_object() ? answers.value("inputs", json::object()) : json::object();
  auto pick = [&](const std::string& flag, const char* key, const std::string& fallback) {
    return !flag.empty() ? flag : given.value(key, fallback);
  };
  in.technician = pick(o.technician, "technician", settings->technician);
  in.company = pick(o.company, "company", settings->company);
  in.licence = pick(o.licence, "licence", settings->licence);
  in.company_phone = given.value("company_phone", settings->company_phone);
  in.company_email = given.value("company_email", settings->company_email);
  in.company_address = given.value("company_address", settings->company_address);
  app::Settings contact;
  contact.company_phone = in.company_phone, contact.company_email = in.company_email,
  contact.company_address = in.company_address;
  if (auto p = app::contact_problem(contact); !p.empty()) return std::unexpected(p);
  in.site = pick(o.site, "site", "");
  in.customer = pick(o.customer, "customer", "");
  in.notes = pick(o.notes, "notes", "");
  in.present = pick(o.present, "present", "");
  in.ownership_evidence = pick(o.ownership, "ownership_evidence", "");
  in.site_zone = pick(o.site_zone, "site_zone", "");
  in.report_dir = o.report_dir;
  in.sign_report = !o.no_sign;
  if (o.complaint_slot >= 0) in.complaint_slot = o.complaint_slot;
  for (const auto& e : o.enroll) {
    auto plan = app::parse_enroll_spec(e);
    if (!plan) return std::unexpected(plan.error());
    in.enroll.push_back(*plan);
  }
  for (const auto& r : o.rotate) {
    auto plan = app::parse_rotate_spec(r);
    if (!plan) return std::unexpected(plan.error());
    in.enroll.push_back(*plan);
  }
  if (!o.keep.empty()) {
    in.keep_decided = true;
    for (const auto& k : o.keep) {
      if (k == "none") continue;
      try {
        in.keep_slots.push_back(std::stoi(k));
      } catch (...) {
        return std::unexpected("--keep takes slot numbers or 'none', not '" + k + "'");
      }
    }
  }
  return in;
}

json outcome_json(const app::JobOutcome& out) {
  json findings = json::array();
  for (const auto& f : out.findings)
    findings.push_back({{"code", f.code}, {"severity", f.severity}, {"title", f.title}, {"next_step", f.next_step}});
  json changed = json::array();
  for (const auto& c : out.visit.changed)
    changed.push_back({{"what", c.what}, {"before", c.before}, {"after", c.after}});
  auto codes = [](const std::vector<app::FindingRecord>& list) {
    json a = json::array();
    for (const auto& f : list)
      a.push_back({{"code", f.code}, {"severity", f.severity}, {"title", f.title}, {"next_step", f.next_step}});
    return a;
  };
  return {{"job_id", out.job_id},
          {"state", app::to_string(out.state)},
          {"findings", findings},
          {"as_found", codes(out.visit.as_found)},
          {"as_left", out.visit.as_left ? codes(*out.visit.as_left) : json(nullptr)},
          {"changed", changed},
          {"still_to_do", out.visit.still_to_do ? codes(*out.visit.still_to_do) : json(nullptr)},
          {"report_json", out.report_json ? json(out.report_json->string()) : json(nullptr)},
          {"report_pdf", out.report_pdf ? json(out.report_pdf->string()) : json(nullptr)}};
}

// As found and as left: what changed, then only what is still to do.
void print_visit_summary(const app::JobOutcome& out) {
  const auto& v = out.visit;
  if (!v.still_to_do) {  // no final read (a diagnose of a lock it could not read again)
    for (const auto& f : out.findings)
      std::cout << "  [" << f.severity << "] " << f.title << "\n      next: " << f.next_step << "\n";
    return;
  }
  std::cout << "What changed:\n";
  if (v.changed.empty()) std::cout << "  nothing on the lock was changed\n";
  for (const auto& c : v.changed) std::cout << "  " << c.what << ": " << c.before << " -> " << c.after << "\n";
  std::cout << "Still to do:\n";
  if (v.still_to_do->empty()) std::cout << "  nothing\n";
  for (const auto& f : *v.still_to_do)
    std::cout << "  [" << f.severity << "] " << f.title << "\n      next: " << f.next_step << "\n";
}

// last_visit: the lock's previous visit by anyone, as of the last `lockdiag sync` (docs/fleet.md).
void print_outcome(const GlobalOptions& g, const app::JobOutcome& out, const std::string& last_visit = {}) {
  if (g.json) {
    json j = outcome_json(out);
    if (!last_visit.empty()) j["last_visit"] = last_visit;
    print_json(j);
    return;
  }
  std::cout << "\nJob " << out.job_id << ": " << out.summary << "\n";
  if (!last_visit.empty()) std::cout << "  " << last_visit << "\n";
  print_visit_summary(out);
  if (out.report_json) std::cout << "Signed report: " << out.report_json->string() << "\n";
  if (out.report_pdf) std::cout << "PDF:           " << out.report_pdf->string() << "\n";
}

int report_workflow_error(const GlobalOptions& g, const app::WorkflowError& e) {
  std::string msg = e.message;
  if (e.job_id && e.resumable)
    msg += " (job " + std::to_string(e.job_id) + " is kept; resume it with: lockdiag job resume " +
           std::to_string(e.job_id) + ")";
  if (e.kind != app::ErrorKind::kLock) return report_error(g, kExitUsage, msg);  // what was given, not the lock
  ExitCode code = kExitFailure;
  switch (e.cause) {
    case drivers::ErrorKind::kBadAddress: code = kExitUsage; break;
    case drivers::ErrorKind::kUnreachable:
    case drivers::ErrorKind::kPermissionDenied:
    case drivers::ErrorKind::kDisconnected: code = kExitUnreachable; break;
    case drivers::ErrorKind::kProtocol: code = kExitProtocol; break;
    case drivers::ErrorKind::kLockRefused: code = e.resumable ? kExitInterrupted : kExitRefused; break;
    case drivers::ErrorKind::kTimeout:
    case drivers::ErrorKind::kCancelled: code = kExitInterrupted; break;
    case drivers::ErrorKind::kIo: code = e.resumable ? kExitInterrupted : kExitFailure; break;
  }
  return report_error(g, code, msg);
}

// Everything a workflow run needs, opened in order; each failure is one clear line.
struct Session {
  std::optional<app::JobStore> store;
  std::optional<drivers::Client> client;
  std::unique_ptr<CliOperator> op;
  std::unique_ptr<app::SimKeypadOperator> sim_op;
  app::Operator* active = nullptr;
};

std::expected<Session, int> open_session(const GlobalOptions& g, const WorkflowOptions& o, const json& answers) {
  Session s;
  auto store = app::JobStore::open(o.store.empty() ? app::JobStore::default_path() : fs::path(o.store));
  if (!store) return std::unexpected(report_error(g, kExitDataError, store.error().message));
  if (store->read_only()) return std::unexpected(report_error(g, kExitDataError, store->warning()));
  s.store.emplace(std::move(*store));
  auto client = app::connect(g.device, {.call_timeout_ms = g.timeout_ms, .reconnect_timeout_ms = 30000});
  if (!client) return std::unexpected(report_error(g, client.error()));
  s.client.emplace(std::move(*client));
  s.op = std::make_unique<CliOperator>(answers);
  s.active = s.op.get();
  if (o.sim_keypad) {
    if (g.device.rfind("sim:", 0) != 0)
      return std::unexpected(report_error(g, kExitUsage, "--sim-keypad works only with a virtual lock (sim:PATH)"));
    std::map<std::string, std::string> persons{{"admin", "new-admin"}};
    for (const auto& p : o.sim_persons) {
      const auto eq = p.find('=');
      if (eq == std::string::npos)
        return std::unexpected(report_error(g, kExitUsage, "--sim-person takes LABEL=PERSON"));
      persons[p.substr(0, eq)] = p.substr(eq + 1);
    }
    s.sim_op = std::make_unique<app::SimKeypadOperator>(*s.op, app::executable_dir() / "lockfw-sim", g.device.substr(4),
                                                        persons);
    s.active = s.sim_op.get();
  }
  install_interrupt_handler();
  return s;
}

int run_workflow(const GlobalOptions& g, const WorkflowOptions& o, app::JobKind kind) {
  auto answers = load_answers(o.answers_file);
  if (!answers) return report_error(g, kExitUsage, answers.error());
  auto inputs = gather_inputs(o, *answers);
  if (!inputs) return report_error(g, kExitUsage, inputs.error());
  if (inputs->sign_report)  // a warning before the job, not a failure after it
    if (const auto cert = certificate_status(); !cert.ok) std::cerr << "lockdiag: warning: " << cert.line << "\n";
  {  // the site's zone, with the nearest names for a typo, before the lock is touched
    auto site_zone = app::resolve_zone(inputs->site_zone);
    if (!site_zone) return report_error(g, kExitUsage, "--site-zone: " + site_zone.error());
    inputs->site_zone = *site_zone;
  }
  if (kind == app::JobKind::kClockSync) {  // checked before the job touches the lock
    // --zone, else the site's zone (which defaults to the laptop's).
    auto zone = app::resolve_zone(o.zone.empty() ? inputs->site_zone : o.zone);
    if (!zone) return report_error(g, kExitUsage, zone.error());
    inputs->zone = *zone;
  }
  auto s = open_session(g, o, *answers);
  if (!s) return s.error();
  app::WorkflowEnv env{*s->client, *s->store, *s->active, nullptr, o.wait_timeout_s};
  auto out = app::run_job(kind, *inputs, env);
  if (!out) return report_workflow_error(g, out.error());
  print_outcome(g, *out, app::last_visit_for_job(*s->store, out->job_id));
  return kExitOk;
}

int run_resume(const GlobalOptions& g, const WorkflowOptions& o, int64_t job_id) {
  auto answers = load_answers(o.answers_file);
  if (!answers) return report_error(g, kExitUsage, answers.error());
  auto s = open_session(g, o, *answers);
  if (!s) return s.error();
  app::WorkflowEnv env{*s->client, *s->store, *s->active, nullptr, o.wait_timeout_s};
  // The fields given on the command line correct the job's (a report that refused one).
  app::InputFixes fixes;
  const auto given = [](const std::string& v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); };
  fixes.technician = given(o.technician);
  fixes.company = given(o.company);
  fixes.licence = given(o.licence);
  fixes.site = given(o.site);
  fixes.customer = given(o.customer);
  fixes.notes = given(o.notes);
  fixes.present = given(o.present);
  fixes.ownership_evidence = given(o.ownership);
  auto out = app::resume_job(job_id, env, fixes);
  if (!out) return report_workflow_error(g, out.error());
  print_outcome(g, *out);
  return kExitOk;
}

// A step's state as a person reads it (an interrupted step waits for `job resume`).
std::string step_state_words(app::StepState s) {
  switch (s) {
    case app::StepState::kDone: return "done";
    case app::StepState::kFailed: return "failed";
    case app::StepState::kSkipped: return "skipped";
    case app::StepState::kStarted: return "paused, not finished";
  }
  return "unknown";
}

int run_job_list(const GlobalOptions& g, const std::string& store_path, const std::string& serial) {
  const fs::path path = store_path.empty() ? app::JobStore::default_path() : fs::path(store_path);
  // Listing never creates a job database: a path that is not there is said, not made.
  if (!fs::exists(path)) {
    if (!store_path.empty()) return report_error(g, kExitUsage, "no job database at " + path.string());
    if (g.json) print_json({{"jobs", json::array()}});
    else std::cout << "No jobs yet (no job database at " << path.string() << ").\n";
    return kExitOk;
  }
  auto store = app::JobStore::open(path);
  if (!store) return report_error(g, kExitDataError, store.error().message);
  if (store->read_only()) std::cerr << "lockdiag: warning: " << store->warning() << "\n";
  if (!serial.empty())
    if (auto known = store->find_lock(serial); known && !*known)
      return report_error(g, kExitUsage,
                          "no lock with serial '" + serial + "' in " + path.string() +
                              "; 'lockdiag job list' shows the locks it knows");
  auto jobs = store->jobs(serial);
  if (!jobs) return report_error(g, kExitDataError, jobs.error().message);
  if (g.json) {
    json out = json::array();
    for (const auto& j : *jobs)
      out.push_back({{"id", j.id},
                     {"kind", j.kind},
                     {"state", app::to_string(j.state)},
                     {"lock", j.lock_serial},
                     {"site", j.site},
                     {"customer", j.customer},
                     {"technician", j.technician},
                     {"created_at", j.created_at},
                     {"updated_at", j.updated_at},
                     {"site_zone", j.site_zone}});
    print_json({{"jobs", out}});
    return kExitOk;
  }
  if (jobs->empty()) std::cout << "No jobs yet.\n";
  for (const auto& j : *jobs)
    std::cout << j.id << "\t" << j.created_at << "\t"
              << reports::job_title(reports::parse_job_kind(j.kind).value_or(reports::JobKind::diagnose)) << "\t"
              << app::identifier_words(app::to_string(j.state)) << "\t" << j.lock_serial << "\t" << j.site << "\n";
  return kExitOk;
}

// The job's times read in its site's zone (UTC for jobs from before it was recorded).
app::LocalTime site_time(const app::JobRecord& job) {
  if (job.site_zone.empty()) return {};
  auto z = app::LocalTime::of_zone(job.site_zone);
  return z ? *z : app::LocalTime();
}

int run_job_show(const GlobalOptions& g, const std::string& store_path, int64_t id) {
  const fs::path path = store_path.empty() ? app::JobStore::default_path() : fs::path(store_path);
  if (!fs::exists(path)) return report_error(g, kExitUsage, "no job database at " + path.string());
  auto store = app::JobStore::open(path);
  if (!store) return report_error(g, kExitDataError, store.error().message);
  auto job = store->job(id);
  if (!job) return report_error(g, kExitUsage, job.error().message);
  auto steps = store->steps(id);
  auto findings = store->findings(id);
  if (!steps || !findings) return report_error(g, kExitDataError, "the job record cannot be read");
  if (g.json) {
    json st = json::array(), fi = json::array();
    for (const auto& s : *steps)
      st.push_back({{"seq", s.seq},
                    {"name", s.name},
                    {"state", app::to_string(s.state)},
                    {"outcome", s.outcome},
                    {"confirmed_at_lock", s.confirmed_at_lock},
                    {"started_at", s.started_at},
                    {"finished_at", s.finished_at}});
    for (const auto& f : *findings)
      fi.push_back({{"code", f.code}, {"severity", f.severity}, {"title", f.title}, {"next_step", f.next_step}});
    print_json({{"id", job->id},
                {"kind", job->kind},
                {"state", app::to_string(job->state)},
                {"lock", job->lock_serial},
                {"site", job->site},
                {"customer", job->customer},
                {"technician", job->technician},
                {"created_at", job->created_at},
                {"site_zone", job->site_zone},
                {"steps", st},
                {"findings", fi}});
    return kExitOk;
  }
  std::cout << "Job " << job->id << " ("
            << reports::job_title(reports::parse_job_kind(job->kind).value_or(reports::JobKind::diagnose)) << "), "
            << app::identifier_words(app::to_string(job->state)) << "\n"
            << "Lock: " << job->lock_serial << "   Site: " << job->site << "   Customer: " << job->customer << "\n"
            << "Technician: " << job->technician
            << "   Started: " << app::format_rfc3339_local(site_time(*job), job->created_at)
            << "   Site zone: " << (job->site_zone.empty() ? std::string("not recorded") : job->site_zone)
            << "\n\nSteps:\n";
  for (const auto& s : *steps)
    std::cout << "  " << s.seq << ". " << reports::step_title(s.name) << " [" << step_state_words(s.state) << "]"
              << (s.confirmed_at_lock ? " (confirmed at the lock)" : "") << " " << s.outcome << "\n";
  std::cout << "\nFindings:\n";
  for (const auto& f : *findings) std::cout << "  [" << f.severity << "] " << f.title << "\n";
  return kExitOk;
}

// The full integrity check that opening no longer runs (docs/workflows.md, "Job store").
int run_job_check(const GlobalOptions& g, const std::string& store_path) {
  auto store = app::JobStore::open(store_path.empty() ? app::JobStore::default_path() : fs::path(store_path));
  if (!store) return report_error(g, kExitDataError, store.error().message);
  auto verdict = store->check();
  if (!verdict) return report_error(g, kExitDataError, verdict.error().message);
  const bool ok = *verdict == "ok";
  if (g.json) print_json({{"store", store->path().string()}, {"ok", ok}, {"verdict", *verdict}});
  else if (ok) std::cout << "The job database " << store->path().string() << " is sound.\n";
  else std::cout << store->warning() << "\n";
  return ok ? kExitOk : kExitDataError;
}

}  // namespace

void add_workflow_commands(CLI::App& root, GlobalOptions& g) {
  auto o = std::make_shared<WorkflowOptions>();
  struct Spec {
    const char* name;
    const char* help;
    app::JobKind kind;
  };
  const Spec specs[] = {
      {"diagnose", "read everything the lock knows and say what is wrong and what to do", app::JobKind::kDiagnose},
      {"audit", "property handoff: verify the admin code, remove codes the new owner does not keep, sync the clock",
       app::JobKind::kHandoffAudit},
      {"reset", "factory reset with keypad confirmation, then enroll the admin and the owner's users",
       app::JobKind::kResetOnboarding},
      {"rotate", "replace codes (typed anew at the keypad) and remove expired ones", app::JobKind::kRotation},
      {"clock-sync", "set the lock's clock from this laptop and record the drift", app::JobKind::kClockSync},
  };
  for (const auto& spec : specs) {
    auto* cmd = root.add_subcommand(spec.name, spec.help);
    add_common(cmd, *o);
    if (spec.kind == app::JobKind::kDiagnose)
      cmd->add_option("--complaint-slot", o->complaint_slot, "the slot whose code 'does not work': find out why");
    if (spec.kind == app::JobKind::kHandoffAudit)
      cmd->add_option("--keep", o->keep, "slots the new owner keeps (besides the admin); 'none' for none")
          ->delimiter(',');
    if (spec.kind == app::JobKind::kResetOnboarding) {
      cmd->add_option("--ownership", o->ownership, "what proved ownership (e.g. 'deed seen, numbers not recorded')");
      cmd->add_option("--enroll", o->enroll, "a user to enroll: LABEL:ROLE[:SCHEDULE] (repeatable)");
    }
    if (spec.kind == app::JobKind::kClockSync)
      cmd->add_option("--zone", o->zone,
                      "IANA time zone the lock follows, e.g. Europe/Berlin (default: this laptop's)");
    if (spec.kind == app::JobKind::kRotation)
      cmd->add_option("--rotate", o->rotate, "a code to replace: SLOT:LABEL (repeatable)")->required();
    const auto kind = spec.kind;
    cmd->callback([&g, o, kind] { command_exit_code() = run_workflow(g, *o, kind); });
  }

  auto* job = root.add_subcommand("job", "the job store: list, show, check and resume jobs");
  job->require_subcommand(1);
  auto store = std::make_shared<std::string>();
  auto serial = std::make_shared<std::string>();
  auto id = std::make_shared<int64_t>(0);
  auto* list = job->add_subcommand("list", "jobs, oldest first");
  list->add_option("--store", *store, "job database");
  list->add_option("--lock", *serial, "only jobs on this lock (serial)");
  list->callback([&g, store, serial] { command_exit_code() = run_job_list(g, *store, *serial); });
  auto* show = job->add_subcommand("show", "one job: steps, findings, state");
  show->add_option("ID", *id, "job id")->required();
  show->add_option("--store", *store, "job database");
  show->callback([&g, store, id] { command_exit_code() = run_job_show(g, *store, *id); });
  auto* check = job->add_subcommand("check", "read every page of the job database and say whether it is sound");
  check->add_option("--store", *store, "job database");
  check->callback([&g, store] { command_exit_code() = run_job_check(g, *store); });
  auto* resume = job->add_subcommand("resume", "carry on an interrupted job where it stopped");
  resume->add_option("ID", *id, "job id")->required();
  add_common(resume, *o);
  resume->callback([&g, o, id] { command_exit_code() = run_resume(g, *o, *id); });
}

}  // namespace lockdiag::cli
