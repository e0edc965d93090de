// Slots: every occupied slot, sortable and filterable. Never a code value: there is none.
#include "imgui.h"
#include "lock_text.h"
#include "ui.h"
#include "views.h"

namespace lockdiag::gui {

void draw_slots_view(GuiModel& m) {
  ui::Heading("Slots");
  const auto& d = m.device();
  ImGui::BeginDisabled(!d.busy.empty() || !m.connected());
  if (ui::Button(d.slots ? "Read again##slots" : "Read slots##slots")) m.read_slots();
  ImGui::EndDisabled();
  if (!d.slots) {
    ImGui::SameLine();
    ui::TextDisabled(m.session_open() ? "Not read yet." : "Needs a service session (see the Dashboard).");
    return;
  }
  ImGui::SameLine();
  ui::Text("%zu occupied of %d", d.slots->size(), d.identity ? d.identity->slot_count : 0);

  bool changed = false;
  ImGui::AlignTextToFramePadding();
  ui::TextUnformatted("Filter");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  changed |= ui::InputText("##slots_filter", &m.slots.filter);
  ui::Tooltip("Matches slot number, role, the name known from earlier jobs, kind and schedule");
  ImGui::SameLine();
  static const std::vector<std::string> roles{"every role", "Admin", "User", "Guest", "Service"};
  int role = m.slots.role + 1;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  if (ui::Combo("##slots_role", &role, roles)) {
    m.slots.role = role - 1;
    changed = true;
  }
  ImGui::SameLine();
  changed |= ui::Checkbox("Enabled only", &m.slots.enabled_only);
  if (changed) m.apply_slot_filter();

  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable | ImGuiTableFlags_Hideable;
  if (!ImGui::BeginTable("slots", SlotTable::kColumnCount, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ui::TableSetupColumn("Slot", ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_WidthFixed, 0,
                       SlotTable::kIndex);
  ui::TableSetupColumn("Role", 0, 0, SlotTable::kRole);
  ui::TableSetupColumn("Kind", 0, 0, SlotTable::kKind);
  ui::TableSetupColumn("Schedule", ImGuiTableColumnFlags_WidthStretch, 0, SlotTable::kSchedule);
  ui::TableSetupColumn("Enabled", 0, 0, SlotTable::kEnabled);
  ui::TableSetupColumn("Last used", 0, 0, SlotTable::kLastUsed);
  ui::TableSetupColumn("Uses", 0, 0, SlotTable::kUseCount);
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
    if (specs->SpecsCount > 0) {
      m.slots.sort = static_cast<SlotTable::Column>(specs->Specs[0].ColumnUserID);
      m.slots.ascending = specs->Specs[0].SortDirection == ImGuiSortDirection_Ascending;
    }
    m.apply_slot_filter();
    specs->SpecsDirty = false;
  }
  ImGuiListClipper clip;
  clip.Begin(static_cast<int>(m.slots.rows.size()));
  while (clip.Step()) {
    for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
      const app::SlotView* s = m.slot_row(static_cast<size_t>(i));
      if (!s) continue;
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ui::Text("%d", s->index);
      ImGui::TableNextColumn();
      // "User · Alice": the person a job on this laptop enrolled there (Jobs), when known.
      if (const auto known = m.slots.known.find(s->index); known != m.slots.known.end())
        ui::Text("%s \xC2\xB7 %s", role_label(s->role), known->second.c_str());
      else ui::TextUnformatted(role_label(s->role));
      ImGui::TableNextColumn();
      ui::TextUnformatted(kind_label(s->kind));
      ImGui::TableNextColumn();
      if (s->expired) ui::TextColored(ui::kWarn, "%s (expired)", s->schedule.c_str());
      else ui::TextUnformatted(s->schedule);
      ImGui::TableNextColumn();
      if (s->enabled) ui::TextColored(ui::kOk, "yes");
      else ui::TextColored(ui::kWarn, "no");
      ImGui::TableNextColumn();
      ui::TextUnformatted(format_time(m.device().local_time, s->last_used, false, true));
      ImGui::TableNextColumn();
      ui::Text("%d", s->use_count);
    }
  }
  ImGui::EndTable();
}

}  // namespace lockdiag::gui
