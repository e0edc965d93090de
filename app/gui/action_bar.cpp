#include "action_bar.h"

#include "imgui.h"
#include "ui.h"

namespace lockdiag::gui::ui {

float ActionBarHeight() {
  const ImGuiStyle& s = ImGui::GetStyle();
  // BigButton is 1.8 frame heights tall (ui.cpp); a separator and item spacing above it.
  return ImGui::GetFrameHeight() * 1.8f + s.ItemSpacing.y * 2 + s.WindowPadding.y + 2;
}

// NavFlattened: the arrows cross from the fields to the bar (and back) as on one page.
void BeginAboveActionBar(const char* id) {
  ImGui::BeginChild(id, ImVec2(0, -ActionBarHeight()), false, ImGuiWindowFlags_NavFlattened);
}

void BeginActionBar() {
  ImGui::EndChild();
  ImGui::Separator();
}

void ActionBarMessage(const char* region, const ImVec4& col, const char* text) {
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, col);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::BeginGroup();
  ui::TextUnformatted(text);
  ImGui::EndGroup();
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  recorder().region(region, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

}  // namespace lockdiag::gui::ui
