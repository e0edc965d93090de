// Dashboard: who the lock is, how it is doing, what is wrong, and what to do next.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "imgui.h"
#include "lock_text.h"
#include "ui.h"
#include "views.h"

namespace lockdiag::gui {

namespace {

void identity_block(GuiModel& m) {
  const auto& id = *m.device().identity;
  ui::SeparatorText("Lock");
  ui::Text("%s", id.model.c_str());
  ui::Text("Serial %s   firmware %s   hw rev %d", id.serial.c_str(), id.firmware.c_str(), id.hw_revision);
  ui::Text("%d slots, event log of %u", id.slot_count, id.event_capacity);
}

void battery_block(GuiModel& m) {
  const auto& s = *m.device().status;
  ui::SeparatorText("Battery");
  const ImVec4 col = s.battery_state == drivers::BatteryState::kOk    ? ui::kOk
                     : s.battery_state == drivers::BatteryState::kLow ? ui::kWarn
                                                                      : ui::kBad;
  // The level at a glance: a gauge from 4.4 V (empty for a 4xAA lock) to 6.4 V (fresh cells)
  // in the state's colour, never drawn emptier than a sliver (a low battery is an amber or red
  // bar, not an empty grey one), the level and the state in words on it, the volts beside it.
  const float frac = std::clamp((static_cast<float>(s.battery_mv) - 4400.f) / 2000.f, 0.f, 1.f);
  const char* state = s.battery_state == drivers::BatteryState::kOk    ? "good"
                      : s.battery_state == drivers::BatteryState::kLow ? "low: replace the batteries soon"
                                                                       : "critical: replace the batteries now";
  char overlay[96];
  std::snprintf(overlay, sizeof overlay, "%d%%  %s", static_cast<int>(frac * 100.f + 0.5f), state);
  ImGui::PushStyleColor(ImGuiCol_PlotHistogram, col);
  ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(col.x * 0.3f, col.y * 0.3f, col.z * 0.3f, 1.f));
  const float bar_w = ImGui::GetFontSize() * 18;
  ImGui::ProgressBar(std::max(frac, 0.04f), ImVec2(bar_w, 0), overlay);
  ImGui::PopStyleColor(2);
  ui::recorder().text(overlay, std::strlen(overlay));
  ImGui::SameLine();
  ui::TextColored(col, "%.2f V", static_cast<double>(s.battery_mv) / 1000.0);
  const auto& h = m.battery_history();
  if (h.size() >= 2) {
    ui::TextDisabled("At %zu earlier visit(s) on this laptop, then now:", h.size() - 1);
    battery_chart(h, std::min(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 26));
  }
}

void clock_block(GuiModel& m) {
  const auto& s = *m.device().status;
  ui::SeparatorText("Clock");
  if (s.withheld) {
    ui::TextDisabled("Hidden until a service session is open.");
    return;
  }
  if (!s.clock_set) {
    ui::TextColored(ui::kBad, "Not set (after a power loss). Codes with schedules are refused.");
  } else {
    const auto drift = m.clock_drift_s();
    ui::Text("Lock time %s", format_time(m.device().local_time, s.clock_utc).c_str());
    static const app::LocalTime laptop = app::laptop_local_time();  // the laptop's zone, read once
    ui::Tooltip(("The lock's zone: " + m.device().local_time.describe() +
                 ". This laptop: " + laptop.format(app::system_utc(), true) + " (" + laptop.describe() + ").")
                    .c_str());
    ImGui::SameLine();
    const bool off = drift && std::llabs(*drift) > app::kMaxClockDriftS;
    ui::TextColored(off ? ui::kWarn : ui::kOk, "drift %s", drift ? format_drift(*drift).c_str() : "?");
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(!m.session_open() || !m.device().busy.empty());
  if (ui::Button("Sync clock")) m.sync_clock();
  ImGui::EndDisabled();
  ui::Tooltip("Sets the lock's clock from this laptop (UTC); the drift is recorded in the job.");
}

void lockout_block(GuiModel& m) {
  const auto& s = *m.device().status;
  ui::SeparatorText("Keypad");
  if (s.withheld) {
    ui::TextDisabled("Lockout state hidden until a service session is open.");
    return;
  }
  if (s.locked_out)
    ui::TextColored(ui::kBad, "Locked out: %d s left (level %d) after %d wrong codes", s.lockout_remaining_s,
                    s.lockout_level, s.wrong_attempts);
  else ui::TextColored(ui::kOk, "Not locked out (%d wrong codes in a row)", s.wrong_attempts);
  if (s.tamper) ui::TextColored(ui::kWarn, "Tamper alarm raised");
}

void session_block(GuiModel& m) {
  ui::SeparatorText("Service session");
  const bool open = m.session_open();
  if (!open) ImGui::SetWindowFontScale(1.15f);
  ImGui::PushStyleColor(ImGuiCol_Text, open ? ui::kOk : ui::kWarn);
  ui::TextWrapped("%s", m.session_guidance().c_str());
  ImGui::PopStyleColor();
  if (!open) ImGui::SetWindowFontScale(1.0f);
}

void findings_block(GuiModel& m) {
  ui::SeparatorText("Findings");
  if (m.findings().empty()) {
    ui::TextColored(ui::kOk, "Nothing wrong seen so far. Run a Diagnose for the full check.");
    return;
  }
  for (const auto& f : m.findings()) {
    ui::TextColored(ui::severity_color(f.severity), "%-8s", f.severity.c_str());
    ImGui::SameLine();
    ui::TextWrapped("%s", f.title.c_str());
    ImGui::Indent(ImGui::GetFontSize() * 5);
    ui::TextWrapped("Next: %s", f.next_step.c_str());
    ImGui::Unindent(ImGui::GetFontSize() * 5);
  }
}

}  // namespace

void draw_dashboard_view(GuiModel& m) {
  ui::Heading("Dashboard");
  const auto& d = m.device();
  if (!d.identity) {
    ui::TextDisabled("Connect to a lock first.");
    return;
  }
  ImGui::BeginDisabled(!d.busy.empty());
  if (ui::Button("Refresh")) m.refresh();
  ImGui::SameLine();
  if (ui::Button("Read slots")) {
    m.read_slots();
    m.view = View::kSlots;
  }
  ImGui::SameLine();
  if (ui::Button("Read event log")) {
    m.read_events();
    m.view = View::kEvents;
  }
  ImGui::SameLine();
  if (ui::Button("Diagnose...")) {
    m.wizard.choose(WizardKind::kDiagnose);
    m.view = View::kWizard;
  }
  ImGui::EndDisabled();
  if (!d.status) {
    identity_block(m);
    return;
  }
  // Two columns on a laptop screen: what to do (session, findings) left, the lock's vitals
  // right; one column when the window is narrow.
  const bool wide = ImGui::GetContentRegionAvail().x > ImGui::GetFontSize() * 50;
  if (wide && ImGui::BeginTable("dashboard", 2, ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableNextColumn();
    session_block(m);
    findings_block(m);
    ImGui::TableNextColumn();
    identity_block(m);
    battery_block(m);
    clock_block(m);
    lockout_block(m);
    ImGui::EndTable();
  } else {
    session_block(m);
    findings_block(m);
    identity_block(m);
    battery_block(m);
    clock_block(m);
    lockout_block(m);
  }
}

}  // namespace lockdiag::gui
