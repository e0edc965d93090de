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
  ui::SeparatorText("Company contact (printed in every report)");
  ImGui::SetNextItemWidth(w);
  ui::InputText("Phone##set", &s.company_phone);
  ImGui::SetNextItemWidth(w);
  ui::InputText("E-mail##set", &s.company_email);
  ImGui::SetNextItemWidth(w);
  ui::InputText("Address##set", &s.company_address);
  ui::TextDisabled("Empty fields read \"not recorded\" in the report.");
  ui::SeparatorText("Signing key");
  if (s.key_fingerprint.empty()) ui::TextDisabled("No signing key yet. Create one with `lockdiag keys create`.");
  else ui::Text("Key fingerprint %s", s.key_fingerprint.c_str());
  ui::TextDisabled("The private key never leaves its file; reports carry the public key and this fingerprint.");
  ui::SeparatorText("Reports and display");
  ImGui::SetNextItemWidth(w);
  ui::InputText("Report folder##set", &s.report_dir);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ui::InputInt("Lock's UTC offset (minutes)##set", &s.utc_offset_min);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  // The scale applies live (the app rebuilds fonts and style), once the slider is let go: a
  // window that grew under the pointer while dragging would move the slider away from it.
  static float editing = 0;
  static bool dragging = false;
  if (!dragging) editing = s.ui_scale;
  ImGui::SliderFloat("UI scale (0: from the display)##set", &editing, 0.0f, 3.0f, "%.2f");
  ui::recorder().widget("UI scale (0: from the display)##set");
  dragging = ImGui::IsItemActive();
  if (ImGui::IsItemDeactivatedAfterEdit()) s.ui_scale = editing;
  ImGui::SameLine();
  ui::TextDisabled("now %.2f", ImGui::GetFontSize() / 16.0f);
  ImGui::Spacing();
  if (ui::Button("Save##settings")) m.save_settings_now();
  if (!m.settings_status.empty()) {
    ImGui::SameLine();
    ui::TextDisabled("%s", m.settings_status.c_str());
  }
}

}  // namespace lockdiag::gui
