// Event log: all of it (10,000 events) with list clipping, filters, a timeline, and "why?".
#include <algorithm>
#include <cstdio>

#include "imgui.h"
#include "lock_text.h"
#include "ui.h"
#include "views.h"

namespace lockdiag::gui {

namespace {

void label(const char* text) {
  ImGui::AlignTextToFramePadding();
  ui::TextUnformatted(text);
  ImGui::SameLine();
}

void filters(GuiModel& m) {
  bool changed = false;
  static std::vector<std::string> types;
  if (types.empty()) {
    types.push_back("every type");
    for (int t = 1; t < kEventTypeCount; ++t) types.push_back(event_type_label(static_cast<uint8_t>(t)));
  }
  const float em = ImGui::GetFontSize();
  label("Show");
  static const std::vector<std::string> classes{"everything", "unlocks", "wrong codes", "lockouts", "refused",
                                                "changes",    "service", "power",       "other"};
  int cls = m.events.cls + 1;
  ImGui::SetNextItemWidth(em * 9);
  if (ui::Combo("##ev_class", &cls, classes)) {
    m.events.cls = cls - 1;
    changed = true;
  }
  ImGui::SameLine();
  label("Type");
  ImGui::SetNextItemWidth(em * 13);
  changed |= ui::Combo("##ev_type", &m.events.type, types);
  ImGui::SameLine();
  label("Slot");
  ImGui::SetNextItemWidth(em * 7);
  int slot = m.events.slot;
  if (ui::InputInt("##ev_slot", &slot)) {
    m.events.slot = std::max(-1, slot);
    changed = true;
  }
  ui::Tooltip("-1: every slot");
  ImGui::SameLine();
  label("From");
  ImGui::SetNextItemWidth(em * 9);
  changed |= ui::InputText("##ev_from", &m.events.from);
  ui::Tooltip("UTC, YYYY-MM-DD or YYYY-MM-DD HH:MM");
  ImGui::SameLine();
  label("To");
  ImGui::SetNextItemWidth(em * 9);
  changed |= ui::InputText("##ev_to", &m.events.to);
  ui::Tooltip("UTC, YYYY-MM-DD or YYYY-MM-DD HH:MM");
  ImGui::SameLine();
  if (ui::SmallButton("Clear filters")) {
    m.events = EventTable{};
    changed = true;
  }
  if (changed) {
    m.events.selected = -1;
    m.apply_event_filter();
  }
}

// Three series over the filtered time range: unlocks (green), wrong or refused codes (amber),
// lockouts (red).
void timeline(GuiModel& m) {
  const auto& e = m.events;
  const float h = ImGui::GetFrameHeight() * 3.2f;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::InvisibleButton("##timeline", ImVec2(w, h));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg), 4.f);
  float peak = 1.f;
  for (int i = 0; i < EventTable::kBuckets; ++i)
    peak = std::max({peak, e.unlocks[static_cast<size_t>(i)] + e.wrong[static_cast<size_t>(i)] + e.lockouts[static_cast<size_t>(i)]});
  const float bw = w / static_cast<float>(EventTable::kBuckets);
  for (int i = 0; i < EventTable::kBuckets; ++i) {
    const size_t k = static_cast<size_t>(i);
    float y = p0.y + h - 2;
    const float fi = static_cast<float>(i);
    const float x0 = p0.x + fi * bw + 1, x1 = p0.x + (fi + 1) * bw - 1;
    auto bar = [&](float v, const ImVec4& col) {
      if (v <= 0) return;
      const float bh = (h - 6) * v / peak;
      dl->AddRectFilled(ImVec2(x0, y - bh), ImVec2(x1, y), ImGui::GetColorU32(col));
      y -= bh;
    };
    bar(e.unlocks[k], ui::kOk);
    bar(e.wrong[k], ui::kWarn);
    bar(e.lockouts[k], ui::kBad);
  }
  if (ImGui::IsItemHovered() && e.t1 > e.t0) {
    const float fx = (ImGui::GetIO().MousePos.x - p0.x) / w;
    const int b = std::clamp(static_cast<int>(fx * EventTable::kBuckets), 0, EventTable::kBuckets - 1);
    const double span = static_cast<double>(e.t1 - e.t0) + 1.0;
    const uint32_t a = e.t0 + static_cast<uint32_t>(span * b / EventTable::kBuckets);
    char tip[200];
    const size_t k = static_cast<size_t>(b);
    std::snprintf(tip, sizeof tip, "from %s: %d unlocks, %d wrong or refused codes, %d lockouts", format_time(a).c_str(),
                  static_cast<int>(e.unlocks[k]), static_cast<int>(e.wrong[k]), static_cast<int>(e.lockouts[k]));
    ui::Tooltip(tip);
  }
  if (e.t1 > e.t0) {
    ui::TextDisabled("%s", format_time(e.t0).c_str());
    ImGui::SameLine();
    ui::TextColored(ui::kOk, " unlocks ");
    ImGui::SameLine();
    ui::TextColored(ui::kWarn, " wrong or refused codes ");
    ImGui::SameLine();
    ui::TextColored(ui::kBad, " lockouts ");
    ImGui::SameLine();
    const std::string end = format_time(e.t1);
    ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(end.c_str()).x));
    ui::TextDisabled("%s", end.c_str());
  }
}

void table(GuiModel& m, float height) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Resizable;
  if (!ImGui::BeginTable("events", 5, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 4);
  ui::TableSetupColumn("Time (UTC)", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 10);
  ui::TableSetupColumn("Event", ImGuiTableColumnFlags_WidthStretch);
  ui::TableSetupColumn("Slot", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 3);
  ui::TableSetupColumn("Detail", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  ImGuiListClipper clip;
  clip.Begin(static_cast<int>(m.events.rows.size()));
  const bool scroll = m.events.scroll_to_selected && m.events.selected >= 0;
  if (scroll) clip.ForceDisplayRangeByIndices(m.events.selected, m.events.selected + 1);
  m.events.scroll_to_selected = false;
  while (clip.Step()) {
    for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
      const app::EventView* e = m.event_row(static_cast<size_t>(i));
      if (!e) continue;
      ImGui::TableNextRow();
      if (scroll && i == m.events.selected) ImGui::SetScrollHereY(0.5f);
      ImGui::TableNextColumn();
      char label[32];
      std::snprintf(label, sizeof label, "%u##ev", e->seq);
      if (ui::Selectable(label, m.events.selected == i, ImGuiSelectableFlags_SpanAllColumns)) m.events.selected = i;
      ImGui::TableNextColumn();
      ui::TextUnformatted(format_time(e->time, e->clock_not_set));
      ImGui::TableNextColumn();
      const EventClass c = classify(e->type);
      const ImVec4 col = c == EventClass::kUnlock ? ui::kOk
                         : (c == EventClass::kWrongCode || c == EventClass::kRejected) ? ui::kWarn
                         : c == EventClass::kLockout ? ui::kBad
                                                     : ImGui::GetStyle().Colors[ImGuiCol_Text];
      ui::TextColored(col, "%s", event_type_label(e->type));
      ImGui::TableNextColumn();
      if (e->slot >= 0) ui::Text("%d", e->slot);
      ImGui::TableNextColumn();
      if (e->reason) ui::TextUnformatted(reason_label(e->reason));
    }
  }
  // Keyboard: up/down move the selection when the table has focus.
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows) && !m.events.rows.empty()) {
    const int n = static_cast<int>(m.events.rows.size());
    const int page = 20;
    const int before = m.events.selected;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) m.events.selected = std::min(n - 1, m.events.selected + 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) m.events.selected = std::max(0, m.events.selected - 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageDown))) m.events.selected = std::min(n - 1, m.events.selected + page);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageUp))) m.events.selected = std::max(0, m.events.selected - page);
    if (m.events.selected != before) m.events.scroll_to_selected = true;
  }
  ImGui::EndTable();
}

void details(GuiModel& m) {
  const app::EventView* e = m.events.selected >= 0 ? m.event_row(static_cast<size_t>(m.events.selected)) : nullptr;
  if (!e) {
    ui::TextDisabled("Select a row to see why it happened.");
    return;
  }
  ui::Text("#%u  %s  %s", e->seq, format_time(e->time, e->clock_not_set).c_str(), event_type_label(e->type));
  ui::TextColored(is_refusal(*e) ? ui::kWarn : ui::kMuted, "%s", is_refusal(*e) ? "Why was this rejected?" : "What happened");
  ui::TextWrapped("%s", explain(*e).c_str());
  if (e->slot >= 0) {
    if (ui::SmallButton("Only this slot")) {
      m.events.slot = e->slot;
      m.events.selected = -1;
      m.apply_event_filter();
    }
  }
}

}  // namespace

void draw_events_view(GuiModel& m) {
  ui::Heading("Event log");
  const auto& d = m.device();
  ImGui::BeginDisabled(!d.busy.empty() || !m.connected());
  if (ui::Button(d.events ? "Read again##events" : "Read event log##events")) m.read_events();
  ImGui::EndDisabled();
  if (!d.events) {
    ImGui::SameLine();
    ui::TextDisabled(m.session_open() ? "Not read yet." : "Needs a service session (see the Dashboard).");
    return;
  }
  ImGui::SameLine();
  ui::Text("%zu of %zu events", m.events.rows.size(), d.events->size());
  if (d.events_truncated) {
    ImGui::SameLine();
    ui::TextColored(ui::kWarn, "(the log wrapped: older events are gone)");
  }
  filters(m);
  timeline(m);
  const float details_h = ImGui::GetTextLineHeightWithSpacing() * 5.5f;
  table(m, std::max(ImGui::GetFrameHeight() * 4, ImGui::GetContentRegionAvail().y - details_h));
  details(m);
}

}  // namespace lockdiag::gui
