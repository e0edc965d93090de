#include "gui_host.h"

#include <string>

#include "imgui.h"
#include "layout_probe.h"
#include "ui.h"

namespace lockdiag::gui {

bool GuiHost::click(const std::string& label) { return ui::recorder().click(label); }
bool GuiHost::click_in_progress() const { return ui::recorder().click_in_progress(); }
bool GuiHost::text_drawn(const std::string& text) const { return ui::recorder().drawn(text); }

bool GuiHost::set_view(const std::string& name) {
  auto v = view_from(name);
  if (!v) return false;
  m_.view = *v;
  return true;
}

bool GuiHost::set_field(const std::string& field, const std::string& value) {
  if (field == "ui_scale") {  // Settings' slider; the app applies it on the next frame
    try {
      const float v = std::stof(value);
      if (v < 0 || v > 3) return false;
      m_.settings.ui_scale = v;
      return true;
    } catch (...) {
      return false;
    }
  }
  return m_.set_field(field, value);
}

bool GuiHost::connected() const {
  return m_.device().link == app::LinkState::kConnected && m_.device().identity.has_value();
}

bool GuiHost::device_idle() const { return m_.device().busy.empty() && const_cast<GuiModel&>(m_).worker().idle(); }

bool GuiHost::wizard_has_step(const std::string& name) const {
  for (const auto& s : m_.wizard.view().steps)
    if (s.name == name) return true;
  return false;
}

bool GuiHost::wizard_prompting() const { return m_.wizard.running() && m_.wizard.view().prompt.has_value(); }

bool GuiHost::wizard_done() const { return m_.wizard.phase == WizardModel::Phase::kDone; }

bool GuiHost::answer(bool yes) {
  if (!m_.wizard.view().question) return false;
  m_.wizard.answer(yes);
  return true;
}

bool GuiHost::simulate_prompt() {
  const auto& v = m_.wizard.view();
  if (!v.prompt || !m_.can_simulate_at_lock() || m_.simulating()) return false;
  // A new prompt, or the same one again after the last attempt failed (the lock was busy).
  const std::string key = v.prompt->text + "#" + std::to_string(v.steps.size());
  if (key == last_prompt_ && m_.simulate_status.rfind("Could not", 0) != 0) return false;
  last_prompt_ = key;
  m_.simulate_at_lock();
  return true;
}

bool GuiHost::screenshot(const std::string& file) { return screenshot_fn ? screenshot_fn(file) : false; }

// A probe describes a settled frame: three frames after it was asked for (Dear ImGui settles
// a view change in two or three), like the app's screenshots.
bool GuiHost::probe(const std::string& file) {
  probe_file_ = file;
  probe_after_frame_ = ui::recorder().frame_count() + 3;
  capture_error_.clear();
  return true;
}

bool GuiHost::capture_pending() {
  if (!probe_file_.empty()) {
    if (ui::recorder().frame_count() < probe_after_frame_) return true;
    std::string err;
    if (!write_layout_probe(probe_file_, err)) capture_error_ = err;
    probe_file_.clear();
  }
  return screenshot_pending_fn && screenshot_pending_fn();
}

bool GuiHost::key(const std::string& name) {
  static const std::pair<const char*, ImGuiKey_> kKeys[] = {
      {"tab", ImGuiKey_Tab},          {"enter", ImGuiKey_Enter},      {"escape", ImGuiKey_Escape},
      {"space", ImGuiKey_Space},      {"up", ImGuiKey_UpArrow},       {"down", ImGuiKey_DownArrow},
      {"left", ImGuiKey_LeftArrow},   {"right", ImGuiKey_RightArrow}, {"pageup", ImGuiKey_PageUp},
      {"pagedown", ImGuiKey_PageDown}};
  const bool shift = name.rfind("shift+", 0) == 0;
  const std::string k = shift ? name.substr(6) : name;
  for (const auto& [n, key] : kKeys)
    if (k == n) {
      const int idx = ImGui::GetIO().KeyMap[key];
      if (idx < 0) return false;
      ui::recorder().press_key(idx, shift);
      return true;
    }
  return false;
}

bool GuiHost::key_in_progress() const { return ui::recorder().key_in_progress(); }

int64_t GuiHost::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0_).count();
}

}  // namespace lockdiag::gui
