// GuiModel, jobs and reports: wizards, the jobs list, background work and the signed report.
#include "gui_model.h"

#include "lockdiag/app/last_visit.h"
#include "lockdiag/app/visit_summary.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "lock_text.h"
#include "lockdiag/app/lock_presence.h"
#include "lockdiag/app/report_trust.h"
#include "lockdiag/app/settings.h"
#include "lockdiag/reports/io.h"
#include "lockdiag/reports/reports.h"
#include "lockdiag/reports/visit.h"
#include "workflow_runner.h"

namespace lockdiag::gui {

namespace fs = std::filesystem;

// ---- Wizards ---------------------------------------------------------------------------------

void GuiModel::start_wizard() {
  if (wizard.running()) return;
  // What the lock would refuse does not start (the Start button is disabled and says why).
  if (wizard.resume_job_id == 0 && !invalid_input(wizard.inputs, now_local()).empty()) return;
  simulate_status.clear();
  auto& in = wizard.inputs;
  in.technician = settings.technician;
  in.company = settings.company;
  in.licence = settings.licence;
  in.company_phone = settings.company_phone, in.company_email = settings.company_email,
  in.company_address = settings.company_address;
  in.report_dir = settings.report_dir;
  in.job_store = store_ ? store_->path().string() : "";
  wizard.start(*worker_, options_.runner, [this] { wake(); });
}

void GuiModel::resume_job(int64_t job_id) {
  if (wizard.running() || !store_) return;
  auto j = store_->job(job_id);
  if (!j) return;
  for (int k = 0; k < kWizardKindCount; ++k)
    if (j->kind == wizard_job_kind(static_cast<WizardKind>(k))) wizard.choose(static_cast<WizardKind>(k));
  wizard.resume_job_id = job_id;
  view = View::kWizard;
  start_wizard();
}

void GuiModel::cancel_wizard() {
  wizard.cancel();
  worker_->cancel();
}

bool GuiModel::can_simulate_at_lock() const {
  return wizard.running() && wizard.view().prompt && wizard.view().prompt->action != app::LockPrompt::Action::kNone &&
         is_virtual(snap_.uri) && simulator != nullptr;
}

void GuiModel::simulate_at_lock() {
  if (!can_simulate_at_lock() || sim_busy_) return;
  if (sim_thread_.joinable()) sim_thread_.join();
  sim_busy_ = true;
  simulate_status = "Typing at the virtual lock...";
  sim_thread_ = std::thread([this, prompt = *wizard.view().prompt, uri = snap_.uri, fn = simulator] {
    std::string msg;
    const bool ok = fn(prompt, uri, msg);
    {
      std::lock_guard lk(sim_mu_);
      sim_result_ = ok ? (msg.empty() ? "Done at the virtual lock." : msg) : "Could not: " + msg;
    }
    sim_busy_ = false;
    wake();
  });
}

// ---- Jobs ------------------------------------------------------------------------------------

void GuiModel::refresh_jobs() {
  jobs_.clear();
  if (!store_) return;
  const std::string serial = jobs_this_lock_only && snap_.identity ? snap_.identity->serial : "";
  if (auto js = store_->jobs(serial)) jobs_ = std::move(*js);
  if (selected_job) select_job(selected_job);
  if (auto st = store_->sync_state()) sync_state_ = *st;
  fleet_history_.clear();
  last_visit_.clear();
  if (snap_.identity) {
    if (auto h = store_->fleet_history(snap_.identity->serial)) fleet_history_ = std::move(*h);
    last_visit_ = app::last_visit_line(*store_, snap_.identity->serial, {});
  }
  last_job_findings_.clear();
  if (!history_serial_.empty()) {
    if (auto js = store_->jobs(history_serial_); js && !js->empty()) {
      const auto latest = std::max_element(js->begin(), js->end(),
                                           [](const app::JobRecord& a, const app::JobRecord& b) {
                                             return a.id < b.id;
                                           });
      // Only what the last job left to do, not what it found and fixed.
      auto fs_ = store_->findings(latest->id);
      if (auto v = app::visit_summary(*store_, latest->id); v.still_to_do) fs_ = std::move(*v.still_to_do);
      if (fs_)
        for (const auto& f : *fs_)
          last_job_findings_.push_back(
              {f.severity, f.title + " (job " + std::to_string(latest->id) + ")", f.next_step});
    }
  }
  annotate_unfinished_jobs();
}

void GuiModel::select_job(int64_t id) {
  selected_job = id;
  job_steps_.clear();
  job_findings_.clear();
  if (!store_ || id == 0) return;
  if (auto s = store_->steps(id)) job_steps_ = std::move(*s);
  if (auto f = store_->findings(id)) job_findings_ = std::move(*f);
}

void GuiModel::background(std::function<std::function<void(GuiModel&)>()> work) {
  if (bg_busy_) return;
  if (bg_thread_.joinable()) bg_thread_.join();
  bg_busy_ = true;
  bg_thread_ = std::thread([this, work = std::move(work)] {
    auto apply = work();
    {
      std::lock_guard lk(sim_mu_);
      bg_apply_ = std::move(apply);
    }
    bg_busy_ = false;
    wake();
  });
}

namespace {

std::vector<std::string> describe(const reports::Report& r) {
  std::vector<std::string> out;
  out.push_back(reports::job_title(r.kind) + " of lock " + r.lock.serial + " (" + r.lock.model + ", firmware " +
                r.lock.firmware + ")");
  out.push_back("Technician " + r.technician.name + (r.technician.company.empty() ? "" : ", " + r.technician.company));
  out.push_back("Site " + r.site.name + (r.site.customer.empty() ? "" : ", customer " + r.site.customer));
  out.push_back("From " + r.started_at + " to " + r.finished_at);
  auto snap = [&](const char* what, const reports::Snapshot& s) {
    out.push_back(std::string(what) + ": " + std::to_string(s.occupied()) + " codes of " +
                  std::to_string(s.slot_capacity) + ", battery " + std::to_string(s.battery.millivolts) +
                  " mV, clock " +
                  (s.clock.set ? "drift " + std::to_string(s.clock.drift_s) + " s" : std::string("not set")) + ", " +
                  std::to_string(s.events.entries_read) + " events read");
  };
  snap("Before", r.before);
  if (r.after) snap("After", *r.after);
  // Plain words: "Step 5 of 14: Remove the code in slot 4: done", never delete_slot_4.
  const auto outcome_words = [](reports::StepOutcome o) -> std::string {
    switch (o) {
      case reports::StepOutcome::ok: return "done";
      case reports::StepOutcome::failed: return "failed";
      case reports::StepOutcome::refused: return "refused at the lock";
      case reports::StepOutcome::skipped: return "skipped";
      case reports::StepOutcome::interrupted: return "interrupted";
    }
    return "unknown";
  };
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const auto& st = r.steps[i];
    out.push_back("Step " + std::to_string(i + 1) + " of " + std::to_string(r.steps.size()) + ": " +
                  reports::step_title(st.action) + ": " + outcome_words(st.outcome) +
                  (st.confirmed_at_lock ? " (confirmed at the lock)" : "") +
                  (st.detail.empty() ? "" : ", " + st.detail));
  }
  for (const auto& f : r.findings)
    out.push_back("Finding (" + std::string(reports::to_string(f.severity)) + "): " + f.summary +
                  " Next: " + f.next_step);
  return out;
}

}  // namespace

void GuiModel::open_report() {
  if (report_path.empty()) {
    report_status = "Choose a report file first.";
    return;
  }
  report_status = "Verifying...";
  background([path = report_path]() -> std::function<void(GuiModel&)> {
    ReportPreview p;
    auto bytes = reports::read_report_file(path);
    if (!bytes) {
      p.verdict = "Cannot read " + path + ": " + bytes.error().message;
    } else if (auto t = app::verify_with_configured_trust(*bytes); !t.config_error.empty()) {
      p.verdict = "Cannot check: " + t.config_error;  // the same trust as `lockdiag report verify`, one function
    } else if (const auto& v = t.summary; !v) {
      p.verdict = "NOT VALID: " + std::string(reports::reason_words(v.error().reason)) + ". " + v.error().message;
    } else {
      p.valid = true;
      p.verdict = v->one_line();
      p.lines = describe(v->report);
      if (t.attestation) p.lines.insert(p.lines.begin(), t.attestation->line);  // as the CLI's second line
    }
    return [p = std::move(p)](GuiModel& m) {
      m.report_preview_ = p;
      m.report_status.clear();
    };
  });
}

void GuiModel::export_report_pdf() {
  if (report_path.empty()) {
    report_status = "Choose a report file first.";
    return;
  }
  report_status = "Rendering the PDF...";
  background([path = report_path]() -> std::function<void(GuiModel&)> {
    std::string status;
    auto bytes = reports::read_report_file(path);
    if (!bytes) {
      status = "Cannot read " + path + ": " + bytes.error().message;
    } else if (auto v = reports::verify(*bytes, std::nullopt); !v) {
      status = "Not exported: the report does not verify (" + v.error().message + ")";
    } else {
      auto pdf = reports::render_pdf(v->report, reports::SignatureBlock{v->key_id, v->public_key.hex()},
                                     reports::Paper::a4);
      fs::path out = path;
      out.replace_extension(".pdf");
      if (!pdf) status = "Cannot render: " + pdf.error().message;
      else if (auto w = reports::write_file_atomic(out, *pdf, 0644); !w)
        status = "Cannot write " + out.string() + ": " + w.error().message;
      else status = "PDF written to " + out.string();
    }
    return [status](GuiModel& m) { m.report_status = status; };
  });
}

}  // namespace lockdiag::gui
