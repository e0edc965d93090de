// Jobs: every visit in the job store, per-lock history, resume, reports.
#include <cstdio>

#include "imgui.h"
#include "plain_words.h"
#include "ui.h"
#include "views.h"

namespace lockdiag::gui {

namespace {

void job_list(GuiModel& m) {
  if (ui::Button("Refresh##jobs")) m.refresh_jobs();
  ImGui::SameLine();
  if (ui::Checkbox("This lock only", &m.jobs_this_lock_only)) m.refresh_jobs();

  const float list_h = ImGui::GetContentRegionAvail().y * 0.45f;
  if (ImGui::BeginTable("jobs", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV,
                        ImVec2(0, list_h))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ui::TableSetupColumn("Job", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 4);
    ui::TableSetupColumn("Workflow");
    ui::TableSetupColumn("State");
    ui::TableSetupColumn("Lock");
    ui::TableSetupColumn("Site");
    ui::TableSetupColumn("Started (UTC)");
    ImGui::TableHeadersRow();
    ImGuiListClipper clip;
    clip.Begin(static_cast<int>(m.jobs().size()));
    while (clip.Step()) {
      for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
        const auto& j = m.jobs()[static_cast<size_t>(i)];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        char label[32];
        std::snprintf(label, sizeof label, "%lld##job", static_cast<long long>(j.id));
        if (ui::Selectable(label, m.selected_job == j.id, ImGuiSelectableFlags_SpanAllColumns)) m.select_job(j.id);
        ImGui::TableNextColumn();
        ui::TextUnformatted(plain_words(j.kind));
        ImGui::TableNextColumn();
        const ImVec4 col = j.state == app::JobState::kDone          ? ui::kOk
                           : j.state == app::JobState::kInterrupted ? ui::kWarn
                           : j.state == app::JobState::kFailed      ? ui::kBad
                                                                    : ui::kMuted;
        ui::TextColored(col, "%s", app::to_string(j.state));
        ImGui::TableNextColumn();
        ui::TextUnformatted(j.lock_serial);
        ImGui::TableNextColumn();
        ui::TextUnformatted(j.site);
        ImGui::TableNextColumn();
        ui::TextUnformatted(j.created_at);
      }
    }
    ImGui::EndTable();
  }
  if (m.jobs().empty()) ui::TextDisabled("No jobs yet. Run a wizard to make one.");

  if (m.selected_job) {
    ui::SeparatorText("Selected job");
    const app::JobRecord* job = nullptr;
    for (const auto& j : m.jobs())
      if (j.id == m.selected_job) job = &j;
    if (job) {
      ui::Text("Job %lld: %s on %s, %s", static_cast<long long>(job->id), plain_words(job->kind).c_str(),
               job->lock_serial.c_str(), app::to_string(job->state));
      if (job->state == app::JobState::kInterrupted || job->state == app::JobState::kRunning) {
        ImGui::BeginDisabled(!m.connected() || m.wizard.running());
        if (ui::Button("Resume job")) m.resume_job(job->id);
        ImGui::EndDisabled();
        if (!m.connected()) {
          ImGui::SameLine();
          ui::TextDisabled("Connect to lock %s to resume.", job->lock_serial.c_str());
        }
      }
    }
    for (const auto& s : m.job_steps()) {
      ui::Text("%d. %s: %s%s %s", s.seq, s.name.c_str(), app::to_string(s.state),
               s.confirmed_at_lock ? " (confirmed at the lock)" : "", s.outcome.c_str());
    }
    for (const auto& f : m.job_findings()) {
      ui::TextColored(ui::severity_color(f.severity), "%s", f.severity.c_str());
      ImGui::SameLine();
      ui::TextWrapped("%s. Next: %s", f.title.c_str(), f.next_step.c_str());
    }
  }
}

// Thin: every figure comes from app::JobStore (the same the CLI's `lockdiag sync` prints).
void fleet_panel(GuiModel& m) {
  ui::SeparatorText("Company server");
  const auto& st = m.sync_state();
  ui::Text("%lld waiting to send, %lld awaiting the server's check, %lld rejected", static_cast<long long>(st.waiting),
           static_cast<long long>(st.pushed), static_cast<long long>(st.rejected));
  ui::TextDisabled("Last sync: %s (run: lockdiag sync)", st.last_sync.empty() ? "never" : st.last_sync.c_str());
  if (!st.last_error.empty()) ui::TextColored(ui::kWarn, "Last sync failed: %s", st.last_error.c_str());
  if (!m.last_visit().empty()) ui::TextUnformatted(m.last_visit());
  for (const auto& v : m.fleet_history())
    ui::BulletText("%s  %s  %s  %lld mV", v.finished_at.c_str(), v.technician.c_str(), plain_words(v.kind).c_str(),
                   static_cast<long long>(v.battery_mv));
}

void report_file(GuiModel& m) {
  ui::SeparatorText("Report file");
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 26);
  ui::InputText("##report_path", &m.report_path);
  ImGui::SameLine();
  ImGui::BeginDisabled(m.background_busy());
  if (ui::Button("Verify and preview")) m.open_report();
  ImGui::SameLine();
  if (ui::Button("Export PDF")) m.export_report_pdf();
  ImGui::EndDisabled();
  if (!m.report_status.empty()) ui::TextDisabled("%s", m.report_status.c_str());
  const auto& p = m.report_preview();
  if (!p.verdict.empty()) {
    ui::TextColored(p.valid ? ui::kOk : ui::kBad, "%s", p.verdict.c_str());
    for (const auto& l : p.lines) ui::BulletText("%s", l.c_str());
  }
}

}  // namespace

void draw_jobs_view(GuiModel& m) {
  ui::Heading("Jobs");
  if (!m.store_problem.empty()) ui::TextColored(ui::kWarn, "%s", m.store_problem.c_str());
  if (m.store()) {
    job_list(m);
    fleet_panel(m);
  }
  report_file(m);
}

}  // namespace lockdiag::gui
