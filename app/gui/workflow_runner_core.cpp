// The wizard over the core's workflows: run_job / resume_job on the worker thread, with the
// GUI's Operator, the worker's protocol client and a job store connection of its own.
#include <expected>
#include <filesystem>

#include "lockdiag/app/job_store.h"
#include "lockdiag/app/tzif.h"
#include "lockdiag/app/workflow.h"
#include "workflow_runner.h"

namespace lockdiag::gui {

namespace {

std::expected<app::JobInputs, std::string> job_inputs(const WizardInputs& in) {
  app::JobInputs j = form_texts(in);
  j.enroll.clear();  // parsed below, schedules and all
  j.keep_slots = parse_slot_list(in.keep_slots);
  j.keep_decided = in.kind == WizardKind::kHandoffAudit;
  for (const auto& e : in.enroll) {
    if (in.kind == WizardKind::kResetOnboarding) {
      // The same parser as `lockdiag reset --enroll`, over the text the form produced.
      auto p = enroll_plan(e, 0);
      if (!p) return std::unexpected("Cannot enroll " + e.label + ": " + p.error());
      j.enroll.push_back(std::move(*p));
      continue;
    }
    app::EnrollPlan p;  // rotation: the slot keeps its role and schedule
    p.label = e.label;
    p.role = static_cast<drivers::Role>(e.role);
    p.slot = e.slot;
    j.enroll.push_back(std::move(p));
  }
  if (in.complaint_slot >= 0) j.complaint_slot = in.complaint_slot;
  j.sign_report = in.sign_report;
  if (!in.report_dir.empty()) j.report_dir = in.report_dir;
  if (in.kind == WizardKind::kClockSync) {  // the named zone or the laptop's, checked before the lock is touched
    auto zone = app::resolve_zone(in.zone);
    if (!zone) return std::unexpected("Time zone: " + zone.error());
    j.zone = *zone;
  }
  return j;
}

}  // namespace

WorkflowRunner core_workflow_runner() {
  return [](const WizardInputs& in, int64_t resume, app::TaskContext& ctx, GuiOperator& op) {
    WizardResult r;
    drivers::Client* client = ctx.client();
    if (!client) {
      r.error = "No lock connected.";
      return r;
    }
    auto store = app::JobStore::open(in.job_store.empty() ? app::JobStore::default_path()
                                                          : std::filesystem::path(in.job_store));
    if (!store) {
      r.error = "Job store: " + store.error().message;
      return r;
    }
    auto inputs = resume ? app::JobInputs{} : job_inputs(in);  // a resumed job has its own
    if (!inputs) {
      r.error = inputs.error();
      return r;
    }
    app::WorkflowEnv env{*client, *store, op};
    // A lost lock ends the run at once: the wizard shows it, waits for the lock by serial on
    // the worker (which the Cancel button reaches) and resumes the job (WizardModel::start).
    env.reconnect_in_waits = false;
    auto out = resume ? app::resume_job(resume, env) : app::run_job(job_kind(in.kind), *inputs, env);
    if (!out) {
      r.error = out.error().message;
      r.job_id = out.error().job_id;
      r.resumable = out.error().resumable;
      r.link_lost = out.error().cause == drivers::ErrorKind::kDisconnected ||
                    out.error().cause == drivers::ErrorKind::kUnreachable;
      r.state = r.resumable ? "interrupted" : "failed";
      // A refresh now would wait for the lost lock before the wizard could say it is paused.
      if (!r.link_lost) ctx.refresh();
      return r;
    }
    ctx.refresh();  // the dashboard shows the lock as the workflow left it
    r.ok = out->state == app::JobState::kDone;
    r.job_id = out->job_id;
    r.state = app::to_string(out->state);
    r.summary = out->summary;
    r.findings = out->findings;
    r.visit = out->visit;
    if (out->report_json) r.report_json = out->report_json->string();
    if (out->report_pdf) r.report_pdf = out->report_pdf->string();
    if (!r.ok && r.error.empty()) r.error = out->summary;
    if (auto steps = store->steps(out->job_id))
      for (const auto& st : *steps)
        if (st.name == "sync_clock") r.clock_outcome = st.outcome;
    return r;
  };
}

}  // namespace lockdiag::gui
