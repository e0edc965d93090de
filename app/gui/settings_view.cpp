// Settings: who signs the reports.
#include "imgui.h"
#include "ui.h"
#include "views.h"

namespace lockdiag::gui {

void draw_settings_view(GuiModel& m) {
  ui::Heading("Settings");
  auto& s = m.settings;
  const float w = ImGui::GetFontSize() * 22;
  ui::SeparatorText("Technician");
  ImGui::SetNextItemWidth(w);
  ui::InputText("Name##set", &s.technician);
  ImGui::SetNextItemWidth(w);
  ui::InputText("Company##set", &s.company);
  ImGui::SetNextItemWidth(w);
  ui::InputText("Licence number##set", &s.licence);
  ui::SeparatorText("Signing key");
  if (s.key_fingerprint.empty())
    ui::TextDisabled("No signing key yet. Create one with `lockdiag keys create`.");
  else
    ui::Text("Key fingerprint %s", s.key_fingerprint.c_str());
  ui::TextDisabled("The private key never leaves its file; reports carry the public key and this fingerprint.");
  ui::SeparatorText("Reports and display");
  ImGui::SetNextItemWidth(w);
  ui::InputText("Report folder##set", &s.report_dir);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ui::InputInt("Lock's UTC offset (minutes)##set", &s.utc_offset_min);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ImGui::SliderFloat("UI scale (0: from the display)##set", &s.ui_scale, 0.0f, 3.0f, "%.2f");
  ui::recorder().widget("UI scale (0: from the display)##set");
  ImGui::Spacing();
  if (ui::Button("Save##settings")) m.save_settings_now();
  if (!m.settings_status.empty()) {
    ImGui::SameLine();
    ui::TextDisabled("%s", m.settings_status.c_str());
  }
}

}  // namespace lockdiag::gui
