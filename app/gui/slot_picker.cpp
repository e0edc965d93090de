#include "slot_picker.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "imgui.h"
#include "lock_text.h"
#include "ui.h"
#include "wizard_model.h"

namespace lockdiag::gui {

namespace {

std::string slot_line(const app::LocalTime& lt, const app::SlotView& s) {
  return "Slot " + std::to_string(s.index) + ": " + role_label(s.role) + ", last used " +
         format_time(lt, s.last_used, false, true);
}

bool slots_known(GuiModel& m) {
  if (m.device().slots) return true;
  ui::TextDisabled("The lock's slots are not read yet.");
  ImGui::SameLine();
  ImGui::BeginDisabled(!m.connected() || !m.device().busy.empty());
  if (ui::SmallButton("Read the slots##pick")) m.read_slots();
  ImGui::EndDisabled();
  return false;
}
}  // namespace

std::string rotation_refusal(const GuiModel& m, const WizardInputs& in) {
  if (in.kind != WizardKind::kRotation) return "";
  const auto& slots = m.device().slots;
  if (slots && std::none_of(slots->begin(), slots->end(),
                            [](const app::SlotView& s) { return std::string(role_label(s.role)) == "Admin"; }))
    return "this lock: it has no admin code, so there is nothing to rotate (run a reset + onboarding)";
  for (size_t i = 0; i < in.enroll.size(); ++i) {
    const int slot = in.enroll[i].slot;
    const std::string who = "person " + std::to_string(i + 1);
    if (slot < 0) return "the slot of " + who + " (choose it from the lock's slots)";
    if (slots && std::none_of(slots->begin(), slots->end(), [&](const app::SlotView& s) { return s.index == slot; }))
      return who + ": slot " + std::to_string(slot) + " holds no code to rotate";
  }
  return "";
}

std::string battery_warning(const GuiModel& m) {
  const auto& st = m.device().status;
  if (!st || st->battery_state == drivers::BatteryState::kOk) return "";
  char v[32];
  std::snprintf(v, sizeof v, "%.2f V", static_cast<double>(st->battery_mv) / 1000.0);
  return std::string("Battery ") + (st->battery_state == drivers::BatteryState::kLow ? "low" : "critical") + " (" + v +
         "): replace the batteries before changing codes; the lock refuses changes on a critical battery.";
}

std::string keep_none_warning(const std::string& keep) {
  return parse_slot_list(keep).empty()
             ? "Keep none: every code except the admin's is deleted at the lock. Tick the slots the new owner keeps."
             : "";
}

void keep_list_picker(GuiModel& m, std::string& keep) {
  if (slots_known(m)) {
    const auto& slots = *m.device().slots;
    const auto chosen = parse_slot_list(keep);
    std::set<int> kept(chosen.begin(), chosen.end());
    bool changed = false;
    const ImGuiTableFlags tf = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit |
                               ImGuiTableFlags_ScrollY;
    const float rows = static_cast<float>(std::min<size_t>(slots.size(), 8) + 1);
    if (ImGui::BeginTable("keep", 5, tf, ImVec2(0, ImGui::GetFrameHeightWithSpacing() * rows))) {
      ImGui::TableSetupScrollFreeze(0, 1);
      ui::TableSetupColumn("Keep");
      ui::TableSetupColumn("Slot");
      ui::TableSetupColumn("Role");
      ui::TableSetupColumn("Schedule", ImGuiTableColumnFlags_WidthStretch);
      ui::TableSetupColumn("Last used");
      ImGui::TableHeadersRow();
      for (const auto& s : slots) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const std::string label = "##slot" + std::to_string(s.index);  // "Keep##slot4" for scripts
        if (std::string(role_label(s.role)) == "Admin") {
          ui::TextDisabled("kept");
        } else {
          bool on = kept.count(s.index) > 0;
          if (ui::Checkbox(("Keep" + label).c_str(), &on)) {
            if (on) kept.insert(s.index);
            else kept.erase(s.index);
            changed = true;
          }
        }
        ImGui::TableNextColumn();
        ui::Text("%d", s.index);
        ImGui::TableNextColumn();
        ui::TextUnformatted(role_label(s.role));
        ImGui::TableNextColumn();
        ui::TextUnformatted(s.schedule.empty() ? std::string("always") : s.schedule);
        ImGui::TableNextColumn();
        ui::TextUnformatted(format_time(m.device().local_time, s.last_used, false, true));
      }
      ImGui::EndTable();
    }
    if (changed) {
      keep.clear();
      for (int i : kept) keep += (keep.empty() ? "" : ", ") + std::to_string(i);
    }
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 22);
  ui::InputText("Slots to keep (admin is kept)##wz", &keep);
  if (const std::string w = keep_none_warning(keep); !w.empty()) ui::TextColored(ui::kBad, "%s", w.c_str());
  else ui::TextDisabled("Understood: %zu slot(s) kept besides the admin", parse_slot_list(keep).size());
}

void rotation_slot_picker(GuiModel& m, int& slot, const std::string& n) {
  const std::string label = "Slot##enroll" + n;
  if (!m.device().slots) {  // until the slots are read, the number (the rotation checks it)
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    ui::InputInt(label.c_str(), &slot);
    if (slot < -1) slot = -1;
    ImGui::SameLine();
    slots_known(m);
    return;
  }
  const auto& slots = *m.device().slots;
  std::vector<std::string> items{"Choose a slot"};
  int current = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    items.push_back(slot_line(m.device().local_time, slots[i]));
    if (slots[i].index == slot) current = static_cast<int>(i + 1);
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 20);
  if (ui::Combo(label.c_str(), &current, items))
    slot = current == 0 ? -1 : slots[static_cast<size_t>(current - 1)].index;
}

}  // namespace lockdiag::gui
