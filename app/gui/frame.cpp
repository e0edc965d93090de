// The window's frame: navigation on the left, the lock's state on top, the current view.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "imgui.h"
#include "keyboard_nav.h"
#include "ui.h"
#include "views.h"

namespace lockdiag::gui {

namespace {

// SDL scancodes, the key indices the SDL2 backend of Dear ImGui 1.86 reports in io.KeysDown.
constexpr int kScancode1 = 30;  // SDL_SCANCODE_1 .. SDL_SCANCODE_7 = 30 .. 36
constexpr int kScancodeF5 = 62;

void shortcuts(GuiModel& m) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.KeyCtrl) {
    for (int i = 0; i < kViewCount; ++i)
      if (ImGui::IsKeyPressed(kScancode1 + i, false)) m.view = static_cast<View>(i);
  }
  if (ImGui::IsKeyPressed(kScancodeF5, false) && m.connected()) m.refresh();
  // Esc: keyboard_nav.cpp (asks before cancelling a running wizard).
}

void status_bar(GuiModel& m) {
  const auto& d = m.device();
  if (d.identity) {
    ui::Text("%s  %s", d.identity->model.c_str(), d.identity->serial.c_str());
  } else {
    ui::TextDisabled("No lock");
  }
  ImGui::SameLine();
  const ImVec4 col = d.link == app::LinkState::kConnected      ? ui::kOk
                     : d.link == app::LinkState::kReconnecting ? ui::kWarn
                     : d.link == app::LinkState::kFailed       ? ui::kBad
                                                               : ui::kMuted;
  ui::TextColored(col, "[%s]", app::to_string(d.link));
  if (d.link == app::LinkState::kReconnecting) {
    ImGui::SameLine();
    ui::TextColored(ui::kWarn, "Plug the lock back in: lockdiag finds it again by its serial number.");
  }
  if (!d.busy.empty()) {
    ImGui::SameLine();
    const float w = ImGui::GetFontSize() * 14;
    ImGui::SetNextItemWidth(w);
    char overlay[160];
    std::snprintf(overlay, sizeof overlay, "%s%s", d.busy.c_str(),
                  d.progress_total
                      ? (" " + std::to_string(d.progress_done) + "/" + std::to_string(d.progress_total)).c_str()
                      : "");
    const float frac = d.progress_total ? static_cast<float>(d.progress_done) / static_cast<float>(d.progress_total)
                                        : static_cast<float>(std::fmod(ImGui::GetTime() * 0.5, 1.0));
    ImGui::PushItemWidth(w);
    ImGui::ProgressBar(frac, ImVec2(w, 0), overlay);
    ImGui::PopItemWidth();
    ui::recorder().text(overlay, std::strlen(overlay));
    ImGui::SameLine();
    if (ui::SmallButton("Cancel##io")) m.cancel_io();
  }
  if (!d.error.empty()) ui::TextColored(ui::kBad, "%s", d.error.c_str());
}

void nav(GuiModel& m) {
  for (int i = 0; i < kViewCount; ++i) {
    const View v = static_cast<View>(i);
    const bool needs_lock = v == View::kDashboard || v == View::kSlots || v == View::kEvents;
    char label[64];
    std::snprintf(label, sizeof label, "%s##nav", view_label(v));
    ImGui::BeginDisabled(needs_lock && !m.connected());
    if (ui::Selectable(label, m.view == v, 0, ImVec2(0, ImGui::GetFrameHeight() * 1.3f))) m.view = v;
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered()) {
      char tip[32];
      std::snprintf(tip, sizeof tip, "Ctrl+%d", i + 1);
      ui::Tooltip(tip);
    }
  }
  ImGui::Spacing();
  if (m.wizard.running()) {
    ui::TextColored(ui::kWarn, "Wizard running");
    if (m.view != View::kWizard && ui::SmallButton("Back to it")) m.view = View::kWizard;
  }
}

}  // namespace

void draw_frame(GuiModel& m) {
  shortcuts(m);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::Begin("lockdiag", nullptr, flags);

  status_bar(m);
  ImGui::Separator();

  const float nav_w = ImGui::GetFontSize() * 9;
  ImGui::BeginChild("nav", ImVec2(nav_w, 0), false);
  nav(m);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("view", ImVec2(0, 0), false);
  switch (m.view) {
    case View::kConnect: draw_connect_view(m); break;
    case View::kDashboard: draw_dashboard_view(m); break;
    case View::kSlots: draw_slots_view(m); break;
    case View::kEvents: draw_events_view(m); break;
    case View::kWizard: draw_wizard_view(m); break;
    case View::kJobs: draw_jobs_view(m); break;
    case View::kSettings: draw_settings_view(m); break;
  }
  ImGui::EndChild();
  escape_and_cancel_confirm(m);
  ImGui::End();
}

void setup_style(float scale) {
  ImGui::StyleColorsDark();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;
  s.FrameRounding = 4;
  s.GrabRounding = 4;
  s.FramePadding = ImVec2(8, 6);
  s.ItemSpacing = ImVec2(10, 8);
  s.ScrollbarSize = 16;
  s.ScaleAllSizes(scale);
}

void setup_fonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const float px = std::round(16.0f * scale);
  // DejaVu Sans if the system has it (fonts-dejavu-core), else Dear ImGui's built-in font.
  const char* dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (std::filesystem::exists(dejavu) && io.Fonts->AddFontFromFileTTF(dejavu, px)) return;
  ImFontConfig cfg;
  cfg.SizePixels = std::round(13.0f * scale);
  io.Fonts->AddFontDefault(&cfg);
}

}  // namespace lockdiag::gui
