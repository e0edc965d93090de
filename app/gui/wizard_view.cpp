// Wizards: choose a workflow, fill in who and where, then follow it step by step. Each step
// says what to do at the lock in plain words and waits for the lock to confirm.
#include <cstdio>
#include <string>

#include "action_bar.h"
#include "imgui.h"
#include "keyboard_nav.h"
#include "lockdiag/app/tzif.h"
#include "lockdiag/reports/visit.h"
#include "lock_text.h"
#include "plain_words.h"
#include "slot_picker.h"
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
    else ui::TextDisabled("As on the command line: --enroll \"%s\"", enroll_spec(e).c_str());
  }
  ImGui::Unindent(f * 1.5f);
}

void form(GuiModel& m) {
  auto& in = m.wizard.inputs;
  const bool enter = enter_pressed_outside_fields();  // before a field takes this frame's Enter
  ui::BeginAboveActionBar("form");
  ui::TextWrapped("%s", wizard_blurb(in.kind));
  if (const std::string b = battery_warning(m); !b.empty()) ui::TextColored(ui::kBad, "%s", b.c_str());
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
      keep_list_picker(m, in.keep_slots);
      break;
    case WizardKind::kResetOnboarding:
      ui::SeparatorText("Proof of ownership");
      ImGui::SetNextItemWidth(w);
      ui::InputText("What proved ownership##wz", &in.ownership_evidence);
      [[fallthrough]];
    case WizardKind::kRotation: {
      const bool reset = in.kind == WizardKind::kResetOnboarding;
      ui::SeparatorText(reset ? "People to enroll" : "Codes to replace");
      if (reset)  // the core's rule: the admin is always enrolled, so the form never asks for it
        ui::TextDisabled("The admin code comes first: the owner types it at the keypad after the reset.");
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
        if (reset) {
          ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
          ui::InputInt(("Slot##enroll" + n).c_str(), &e.slot);
          if (e.slot < -1) e.slot = -1;
        } else {
          rotation_slot_picker(m, e.slot, n);  // from the slot table, no -1 default
        }
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
      ImGui::SetNextItemWidth(w);
      ui::InputText("Time zone##wz", &in.zone);
      ui::TextDisabled("The IANA zone the lock follows, e.g. Europe/Berlin; empty: this laptop's (%s).",
                       app::system_zone_name().c_str());
      break;
  }
  ImGui::SetNextItemWidth(w);
  ui::InputText("Notes##wz", &in.notes);
  ui::Checkbox("Sign the report", &in.sign_report);
  ImGui::Spacing();
  in.technician = m.settings.technician;  // the form's check sees the current Settings
  in.company = m.settings.company;
  const std::string missing = missing_input(in);
  std::string invalid = invalid_input(in, m.now_local());
  if (invalid.empty()) invalid = rotation_refusal(m, in);
  const bool can = m.connected() && m.device().busy.empty() && missing.empty() && invalid.empty();
  // The bar: Start stays on screen however long the form is (action_bar.h); Enter starts.
  ui::BeginActionBar();
  ImGui::BeginDisabled(!can);
  if (ui::BigButton("Start") || (can && enter)) m.start_wizard();
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ui::Button("Back##wz")) m.wizard.reset();
  if (!m.connected()) ui::ActionBarMessage("form.message", ui::kWarn, "Connect to a lock first.");
  else if (!missing.empty()) ui::ActionBarMessage("form.message", ui::kWarn, ("Fill in " + missing + ".").c_str());
  else if (!invalid.empty()) ui::ActionBarMessage("form.message", ui::kWarn, ("Fix " + invalid + ".").c_str());
  else if (in.kind == WizardKind::kHandoffAudit && !keep_none_warning(in.keep_slots).empty())
    ui::ActionBarMessage("form.message", ui::kBad, keep_none_warning(in.keep_slots).c_str());
  else if (const std::string b = battery_warning(m); !b.empty())
    ui::ActionBarMessage("form.message", ui::kBad, b.c_str());
}

// "Step 5 of 14: Test the admin code" (no "of M" before the plan is said, or past it).
std::string step_heading(const WizardProgress& p, const WizardProgress::Step& s) {
  std::string h = "Step " + std::to_string(s.seq);
  if (p.total_steps >= s.seq) h += " of " + std::to_string(p.total_steps);
  return h + ": " + reports::step_title(s.name);
}

// The step the wizard is on: the last one not done (paused or running), else the last one.
const WizardProgress::Step* current_step(const WizardProgress& p) {
  for (auto it = p.steps.rbegin(); it != p.steps.rend(); ++it)
    if (it->state != "done" && it->state != "skipped") return &*it;
  return p.steps.empty() ? nullptr : &p.steps.back();
}

void steps_list(const WizardProgress& p) {
  for (const auto& s : p.steps) {
    const ImVec4 col = s.state == "done"      ? ui::kOk
                       : s.state == "failed"  ? ui::kBad
                       : s.state == "skipped" ? ui::kMuted
                                              : ui::kWarn;
    ui::TextColored(col, "%d. %s", s.seq, reports::step_title(s.name).c_str());  // words, not the internal name
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
  if (const auto* s = current_step(p)) {
    // Where the job is and why this step is there, in the core's words (reports/visit.h).
    ui::Text("%s", step_heading(p, *s).c_str());
    if (const std::string why = reports::step_purpose(s->name); !why.empty()) ui::TextDisabled("%s", why.c_str());
    ImGui::Spacing();
  }
  if (p.paused) {
    ui::TextColored(ui::kWarn, "Paused: cable out. The lock is not answering.");
    ui::TextWrapped(
        "Plug the service cable back in. The wizard finds the same lock by its serial number and "
        "carries on where it stopped.");
  }
  if (p.prompt) {
    ImGui::SetWindowFontScale(1.3f);
    ui::TextColored(ui::kWarn, "%s", action_title(p.prompt->action));
    ImGui::SetWindowFontScale(1.0f);
    ui::TextWrapped("%s", p.prompt->text.c_str());
    // A wait with a deadline is a countdown in words, not a bar.
    if (!p.countdown.empty()) ui::TextColored(ui::kWarn, "%s", p.countdown.c_str());
    else ui::TextDisabled("Waiting for the lock to confirm...");
    if (m.can_simulate_at_lock()) {
      ImGui::BeginDisabled(m.simulating());
      if (ui::Button("Simulate at the lock")) m.simulate_at_lock();
      ImGui::EndDisabled();
      ui::Tooltip("Virtual locks only: performs this keypad action on the virtual lock, for training and demos.");
    }
    if (!m.simulate_status.empty()) ui::TextDisabled("%s", m.simulate_status.c_str());
  }
  if (!p.progress_what.empty() && p.countdown.empty()) {
    char overlay[160];
    // Truncation is fine: it is a progress bar's overlay.
    if (p.total) (void)std::snprintf(overlay, sizeof overlay, "%s %zu/%zu", p.progress_what.c_str(), p.done, p.total);
    else (void)std::snprintf(overlay, sizeof overlay, "%s", p.progress_what.c_str());
    ui::ProgressBar(p.total ? static_cast<float>(p.done) / static_cast<float>(p.total)
                            : -1.0f * static_cast<float>(ImGui::GetTime()),
                    overlay);
  }
  if (p.question) {
    ui::SeparatorText("Question");
    ui::TextWrapped("%s", p.question->text.c_str());
    if (ui::BigButton("Yes")) m.wizard.answer(true);
    ImGui::SameLine();
    if (ui::BigButton("No")) m.wizard.answer(false);
  }
  ImGui::Spacing();
  // The one Cancel: it asks first, as Esc does (keyboard_nav.h).
  if (ui::Button("Cancel##wizard")) m.wizard.cancel_asked = true;
  ui::Tooltip("Asks first. Stops after the current step; the job stays in the store and can be resumed from Jobs.");
  ui::SeparatorText("Log");
  for (auto it = p.notes.rbegin(); it != p.notes.rend(); ++it) ui::TextWrapped("%s", it->c_str());
  ImGui::EndChild();
}

void done(GuiModel& m) {
  const WizardProgress& p = m.wizard.view();
  const WizardResult& r = p.result;
  // The verdict first, outside the scrolling part: always on screen (layout region
  // "wizard.result"); the findings and steps scroll above the bar of actions.
  ImGui::BeginGroup();
  if (r.ok) ui::TextColored(ui::kOk, "Finished: %s", r.state.c_str());
  else ui::TextColored(ui::kBad, "Stopped: %s", r.error.empty() ? r.state.c_str() : r.error.c_str());
  ImGui::EndGroup();
  ui::recorder().region("wizard.result", ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  ui::BeginAboveActionBar("result");
  if (r.job_id) ui::Text("Job %lld", static_cast<long long>(r.job_id));
  if (!r.summary.empty()) ui::TextWrapped("%s", r.summary.c_str());
  if (!r.clock_outcome.empty()) ui::TextWrapped("Clock: %s", r.clock_outcome.c_str());
  // As found and as left: what changed, then only what is still to do.
  if (r.visit.still_to_do) {
    ui::SeparatorText("What changed");
    if (r.visit.changed.empty()) ui::TextWrapped("Nothing on the lock was changed.");
    for (const auto& c : r.visit.changed)
      ui::TextWrapped("%s: %s -> %s", c.what.c_str(), c.before.c_str(), c.after.c_str());
  }
  const auto& shown = r.visit.still_to_do ? *r.visit.still_to_do : r.findings;
  if (r.visit.still_to_do && shown.empty()) {
    ui::SeparatorText("Still to do");
    ui::TextWrapped("Nothing is left to do.");
  }
  if (!shown.empty()) {
    ui::SeparatorText(r.visit.still_to_do ? "Still to do" : "Findings");
    for (const auto& f : shown) {
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
  ui::BeginActionBar();
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
  (void)std::snprintf(title, sizeof title, "%s%s",
                      m.wizard.phase == WizardModel::Phase::kChoose ? "Guided workflows" : "Wizard: ",
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
