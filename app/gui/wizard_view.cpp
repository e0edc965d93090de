// Wizards: choose a workflow, fill in who and where, then follow it step by step. Each step
// says what to do at the lock in plain words and waits for the lock to confirm.
#include <cstdio>

#include "imgui.h"
#include "lock_text.h"
#include "ui.h"
#include "views.h"

namespace lockdiag::gui {

namespace {

const char* action_title(app::LockPrompt::Action a) {
  switch (a) {
    case app::LockPrompt::Action::kOpenSession: return "At the lock: open a service session";
    case app::LockPrompt::Action::kConfirmAtLock: return "At the lock: confirm the change";
    case app::LockPrompt::Action::kTypeCode: return "At the lock: type the code";
    case app::LockPrompt::Action::kEnrollCode: return "At the lock: enter the new code, twice";
    case app::LockPrompt::Action::kNone: return "Information";
  }
  return "";
}

void choose(GuiModel& m) {
  ui::TextWrapped("What are you here to do?");
  ImGui::Spacing();
  for (int k = 0; k < kWizardKindCount; ++k) {
    const auto kind = static_cast<WizardKind>(k);
    ImGui::PushID(k);
    if (ui::BigButton(wizard_title(kind))) m.wizard.choose(kind);
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::Dummy(ImVec2(0, ImGui::GetFrameHeight() * 0.2f));
    ImGui::PushTextWrapPos(0.0f);
    ui::TextDisabled("%s", wizard_blurb(kind));
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    ImGui::PopID();
  }
}

// When a person's code works: the kind, then what that kind needs. What it produces is the
// core's enroll spec (the same text `lockdiag reset --enroll` takes), checked as the lock
// checks it; while it is wrong the message says why and Start stays disabled.
void schedule_editor(const GuiModel& m, EnrollLine& e, const std::string& n) {
  auto& s = e.schedule;
  const float f = ImGui::GetFontSize();
  ImGui::Indent(f * 1.5f);
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> k;
    for (int i = 0; i < ScheduleForm::kKindCount; ++i) k.push_back(schedule_kind_label(i));
    return k;
  }();
  ImGui::SetNextItemWidth(f * 14);
  ui::Combo(("Works##sched" + n).c_str(), &s.kind, kinds);
  const ImGuiInputTextFlags select = ImGuiInputTextFlags_AutoSelectAll;
  switch (s.kind) {
    case ScheduleForm::kUntil:
      ImGui::SameLine();
      ImGui::SetNextItemWidth(f * 10);
      ui::InputText(("Until##sched" + n).c_str(), &s.until, select);
      ImGui::SameLine();
      ui::TextDisabled("YYYY-MM-DDTHH:MM, lock time");
      break;
    case ScheduleForm::kFirstUse:
      ImGui::SameLine();
      ImGui::SetNextItemWidth(f * 7);
      ui::InputInt(("Minutes after first use##sched" + n).c_str(), &s.first_use_minutes);
      ImGui::SameLine();
      ui::TextDisabled("1 to 2880 (two days)");
      break;
    case ScheduleForm::kWeekdays:
      for (int d = 0; d < 7; ++d) {
        if (d > 0) ImGui::SameLine();
        ui::Checkbox((std::string(weekday_label(d)) + "##sched" + n).c_str(), &s.days[static_cast<size_t>(d)]);
      }
      ImGui::SameLine();
      ImGui::SetNextItemWidth(f * 4);
      ui::InputText(("From##sched" + n).c_str(), &s.start, select);
      ImGui::SameLine();
      ImGui::SetNextItemWidth(f * 4);
      ui::InputText(("To##sched" + n).c_str(), &s.end, select);
      break;
    case ScheduleForm::kDateRange:
      ImGui::SameLine();
      ImGui::SetNextItemWidth(f * 10);
      ui::InputText(("From date##sched" + n).c_str(), &s.from, select);
      ImGui::SameLine();
      ImGui::SetNextItemWidth(f * 10);
      ui::InputText(("To date##sched" + n).c_str(), &s.to, select);
      ImGui::SameLine();
      ui::TextDisabled("YYYY-MM-DDTHH:MM, lock time");
      break;
    default: break;
  }
  if (!e.label.empty() || s.kind != ScheduleForm::kPersistent) {
    if (auto plan = enroll_plan(e, m.now_local()); !plan)
      ui::TextColored(ui::kBad, "Person %s: %s.", n.c_str(), plan.error().c_str());
    else
      ui::TextDisabled("As on the command line: --enroll \"%s\"", enroll_spec(e).c_str());
  }
  ImGui::Unindent(f * 1.5f);
}

void form(GuiModel& m) {
  auto& in = m.wizard.inputs;
  ui::TextWrapped("%s", wizard_blurb(in.kind));
  ui::SeparatorText("The visit");
  const float w = ImGui::GetFontSize() * 22;
  ImGui::SetNextItemWidth(w);
  ui::InputText("Site##wz", &in.site);
  ImGui::SetNextItemWidth(w);
  ui::InputText("Customer##wz", &in.customer);
  ImGui::SetNextItemWidth(w);
  ui::InputText("Present at the lock##wz", &in.present);
  switch (in.kind) {
    case WizardKind::kDiagnose:
      ui::SeparatorText("The complaint");
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
      ui::InputInt("Slot that does not work (-1: none)##wz", &in.complaint_slot);
      if (in.complaint_slot < -1) in.complaint_slot = -1;
      break;
    case WizardKind::kHandoffAudit:
      ui::SeparatorText("What the new owner keeps");
      ImGui::SetNextItemWidth(w);
      ui::InputText("Slots to keep (admin is kept)##wz", &in.keep_slots);
      ui::TextDisabled("Understood: %zu slot(s)", parse_slot_list(in.keep_slots).size());
      break;
    case WizardKind::kResetOnboarding:
      ui::SeparatorText("Proof of ownership");
      ImGui::SetNextItemWidth(w);
      ui::InputText("What proved ownership##wz", &in.ownership_evidence);
      [[fallthrough]];
    case WizardKind::kRotation: {
      const bool reset = in.kind == WizardKind::kResetOnboarding;
      ui::SeparatorText(reset ? "People to enroll" : "Codes to replace");
      static const std::vector<std::string> roles{"Admin", "User", "Guest", "Service"};
      int remove = -1;
      for (size_t i = 0; i < in.enroll.size(); ++i) {
        auto& e = in.enroll[i];
        // Labels carry the person's number ("Who##enroll2"): scripts and tests address each
        // person's widgets by name.
        const std::string n = std::to_string(i + 1);
        ImGui::PushID(static_cast<int>(i));
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
        ui::InputText(("Who##enroll" + n).c_str(), &e.label);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
        ui::Combo(("Role##enroll" + n).c_str(), &e.role, roles);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
        ui::InputInt(("Slot##enroll" + n).c_str(), &e.slot);
        if (e.slot < -1) e.slot = -1;
        ImGui::SameLine();
        if (ui::SmallButton(("Remove##enroll" + n).c_str())) remove = static_cast<int>(i);
        if (reset) schedule_editor(m, e, n);
        ImGui::PopID();
      }
      if (remove >= 0) in.enroll.erase(in.enroll.begin() + remove);
      if (ui::SmallButton("Add a person")) {
        EnrollLine line;
        line.role = in.enroll.empty() && !reset ? 0 : 1;
        in.enroll.push_back(line);
      }
      ui::TextDisabled("Each person types their own new code at the lock. lockdiag never sees it.");
      break;
    }
    case WizardKind::kClockSync:
      ui::TextDisabled("The lock's clock is set to this laptop's clock (UTC). Check the laptop's time first.");
      break;
  }
  ImGui::SetNextItemWidth(w);
  ui::InputText("Notes##wz", &in.notes);
  ui::Checkbox("Sign the report", &in.sign_report);
  ImGui::Spacing();
  in.technician = m.settings.technician;  // the form's check sees the current Settings
  in.company = m.settings.company;
  const std::string missing = missing_input(in);
  const std::string invalid = invalid_input(in, m.now_local());
  const bool can = m.connected() && m.device().busy.empty() && missing.empty() && invalid.empty();
  ImGui::BeginDisabled(!can);
  if (ui::BigButton("Start")) m.start_wizard();
  ImGui::EndDisabled();
  if (!m.connected()) {
    ImGui::SameLine();
    ui::TextColored(ui::kWarn, "Connect to a lock first.");
  } else if (!missing.empty()) {
    ImGui::SameLine();
    ui::TextColored(ui::kWarn, "Fill in %s.", missing.c_str());
  } else if (!invalid.empty()) {
    ImGui::SameLine();
    ui::TextColored(ui::kWarn, "Fix %s.", invalid.c_str());
  }
  ImGui::SameLine();
  if (ui::Button("Back##wz")) m.wizard.reset();
}

void steps_list(const WizardProgress& p) {
  for (const auto& s : p.steps) {
    const ImVec4 col = s.state == "done" ? ui::kOk : s.state == "failed" ? ui::kBad : s.state == "skipped" ? ui::kMuted : ui::kWarn;
    ui::TextColored(col, "%d. %s", s.seq, s.name.c_str());
    ImGui::SameLine();
    ui::TextDisabled("%s", s.state.c_str());
  }
}

void running(GuiModel& m) {
  const WizardProgress& p = m.wizard.view();
  ImGui::BeginChild("steps", ImVec2(ImGui::GetFontSize() * 16, 0), true);
  ui::SeparatorText("Steps");
  steps_list(p);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("now", ImVec2(0, 0), false);
  if (p.paused) {
    ui::TextColored(ui::kWarn, "Paused: the lock is not answering.");
    ui::TextWrapped("Plug the service cable back in. The wizard finds the same lock by its serial number and "
                    "carries on where it stopped.");
  }
  if (p.prompt) {
    ImGui::SetWindowFontScale(1.3f);
    ui::TextColored(ui::kWarn, "%s", action_title(p.prompt->action));
    ImGui::SetWindowFontScale(1.0f);
    ui::TextWrapped("%s", p.prompt->text.c_str());
    ui::TextDisabled("Waiting for the lock to confirm...");
    if (m.can_simulate_at_lock()) {
      ImGui::BeginDisabled(m.simulating());
      if (ui::Button("Simulate at the lock")) m.simulate_at_lock();
      ImGui::EndDisabled();
      ui::Tooltip("Virtual locks only: performs this keypad action on the virtual lock, for training and demos.");
    }
    if (!m.simulate_status.empty()) ui::TextDisabled("%s", m.simulate_status.c_str());
  }
  if (!p.progress_what.empty()) {
    char overlay[160];
    if (p.total)
      std::snprintf(overlay, sizeof overlay, "%s %zu/%zu", p.progress_what.c_str(), p.done, p.total);
    else
      std::snprintf(overlay, sizeof overlay, "%s", p.progress_what.c_str());
    ui::ProgressBar(p.total ? static_cast<float>(p.done) / static_cast<float>(p.total) : -1.0f * static_cast<float>(ImGui::GetTime()), overlay);
  }
  if (p.question) {
    ui::SeparatorText("Question");
    ui::TextWrapped("%s", p.question->text.c_str());
    if (ui::BigButton("Yes")) m.wizard.answer(true);
    ImGui::SameLine();
    if (ui::BigButton("No")) m.wizard.answer(false);
  }
  ImGui::Spacing();
  if (ui::Button("Cancel##wizard")) m.cancel_wizard();
  ui::Tooltip("Stops after the current step. The job stays in the store and can be resumed from Jobs.");
  ui::SeparatorText("Log");
  for (auto it = p.notes.rbegin(); it != p.notes.rend(); ++it) ui::TextWrapped("%s", it->c_str());
  ImGui::EndChild();
}

void done(GuiModel& m) {
  const WizardProgress& p = m.wizard.view();
  const WizardResult& r = p.result;
  if (r.ok) ui::TextColored(ui::kOk, "Finished: %s", r.state.c_str());
  else ui::TextColored(ui::kBad, "Stopped: %s", r.error.empty() ? r.state.c_str() : r.error.c_str());
  if (r.job_id) ui::Text("Job %lld", static_cast<long long>(r.job_id));
  if (!r.summary.empty()) ui::TextWrapped("%s", r.summary.c_str());
  if (!r.findings.empty()) {
    ui::SeparatorText("Findings");
    for (const auto& f : r.findings) {
      ui::TextColored(ui::severity_color(f.severity), "%s", f.severity.c_str());
      ImGui::SameLine();
      ui::Text("%s", f.title.c_str());
      ImGui::Indent();
      ui::TextWrapped("Next: %s", f.next_step.c_str());
      ImGui::Unindent();
    }
  }
  if (!r.report_json.empty()) ui::Text("Report: %s", r.report_json.c_str());
  if (!r.report_pdf.empty()) ui::Text("PDF: %s", r.report_pdf.c_str());
  ui::SeparatorText("Steps");
  steps_list(p);
  ImGui::Spacing();
  if (!r.ok && r.resumable && r.job_id) {
    if (ui::Button("Resume")) m.resume_job(r.job_id);
    ImGui::SameLine();
  }
  if (r.job_id && ui::Button("Open in Jobs")) {
    m.refresh_jobs();
    m.select_job(r.job_id);
    if (!r.report_json.empty()) m.report_path = r.report_json;
    m.view = View::kJobs;
  }
  ImGui::SameLine();
  if (ui::Button("New wizard")) m.wizard.reset();
}

}  // namespace

void draw_wizard_view(GuiModel& m) {
  char title[96];
  std::snprintf(title, sizeof title, "%s%s", m.wizard.phase == WizardModel::Phase::kChoose ? "Guided workflows" : "Wizard: ",
                m.wizard.phase == WizardModel::Phase::kChoose ? "" : wizard_title(m.wizard.inputs.kind));
  ui::Heading(title);
  switch (m.wizard.phase) {
    case WizardModel::Phase::kChoose: choose(m); break;
    case WizardModel::Phase::kForm: form(m); break;
    case WizardModel::Phase::kRunning: running(m); break;
    case WizardModel::Phase::kDone: done(m); break;
  }
}

}  // namespace lockdiag::gui
