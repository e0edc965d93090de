#include "keyboard_nav.h"

#include <cstring>

#include "imgui.h"
#include "ui.h"

namespace lockdiag::gui {

namespace {
constexpr const char* kConfirmTitle = "Cancel the job?";

bool pressed(ImGuiKey_ k) {
  const int idx = ImGui::GetKeyIndex(k);
  return idx >= 0 && ImGui::IsKeyPressed(idx, false);
}
}  // namespace

bool enter_pressed_outside_fields() {
  if (!pressed(ImGuiKey_Enter) && !pressed(ImGuiKey_KeyPadEnter)) return false;
  return !ImGui::IsAnyItemActive() && !ImGui::GetIO().WantTextInput &&
         !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
}

void escape_and_cancel_confirm(GuiModel& m) {
  const bool open = ImGui::IsPopupOpen(kConfirmTitle);
  // The wizard's Cancel button asks the same question, in this scope (the popup's id is the
  // main window's, not the wizard pane's).
  if (m.wizard.cancel_asked) {
    m.wizard.cancel_asked = false;
    if (!open && m.wizard.running()) ImGui::OpenPopup(kConfirmTitle);
  }
  if (pressed(ImGuiKey_Escape) && !ImGui::GetIO().WantTextInput) {
    if (open) {
      // answered below, in the popup's scope: Esc again keeps going
    } else if (m.wizard.running()) {
      ImGui::OpenPopup(kConfirmTitle);
    } else {
      m.cancel_io();
    }
  }
  const bool esc_again = open && pressed(ImGuiKey_Escape);
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal(kConfirmTitle, nullptr,
                             ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings)) {
    ui::recorder().text(kConfirmTitle, std::strlen(kConfirmTitle));  // the title, for scripts and scans
    ui::Text("The wizard stops after the current step.");
    ui::Text("The job stays in the store and can be resumed from Jobs.");
    ImGui::Spacing();
    if (ui::BigButton("Yes##cancel")) {
      m.cancel_wizard();
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    // No, Esc again, or the wizard ending on its own meanwhile: keep going / close the question.
    if (ui::BigButton("No##cancel") || esc_again || !m.wizard.running()) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
}

}  // namespace lockdiag::gui
