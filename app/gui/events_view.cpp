// Event log: all of it (10,000 events) with list clipping, filters, a timeline, and "why?".
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

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
    for (int t = 1; t < kEventTypeCount; ++t) types.push_back(event_label(static_cast<drivers::EventType>(t)));
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
    peak = std::max({peak, e.unlocks[static_cast<size_t>(i)] + e.wrong[static_cast<size_t>(i)] +
                               e.lockouts[static_cast<size_t>(i)]});
  const float bw = w / static_cast<float>(EventTable::kBuckets);
  for (int i = 0; i < EventTable::kBuckets; ++i) {
    const size_t k = static_cast<size_t>(i);
    float y = p0.y + h - 2;
    const float fi = static_cast<float>(i);
    const float x0 = p0.x + fi * bw + 1, x1 = p0.x + (fi + 1) * bw - 1;
    // Log scale: one burst (500 wrong codes in an hour) does not flatten the other buckets
    // to nothing; the stack's height is log(1 + total), shared by its parts.
    const float total = e.unlocks[k] + e.wrong[k] + e.lockouts[k];
    const float stack = total > 0 ? (h - 6) * std::log1p(total) / std::log1p(peak) : 0.f;
    auto bar = [&](float v, const ImVec4& col) {
      if (v <= 0) return;
      const float bh = stack * v / total;
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
    std::snprintf(tip, sizeof tip, "from %s: %d unlocks, %d wrong or refused codes, %d lockouts",
                  format_time(m.device().local_time, a).c_str(), static_cast<int>(e.unlocks[k]),
                  static_cast<int>(e.wrong[k]), static_cast<int>(e.lockouts[k]));
    ui::Tooltip(tip);
  }
  if (e.t1 > e.t0) {
    // The time axis: as many dated ticks as fit, the first at the left edge, the last at the right.
    const float label_w = ImGui::CalcTextSize("2026-11-21 08:30:00").x;
    const int ticks = std::clamp(static_cast<int>(w / (label_w * 1.4f)), 2, 6);
    const float x_left = ImGui::GetCursorPosX();
    const float y_axis = ImGui::GetCursorPosY();
    for (int t = 0; t < ticks; ++t) {
      const double f = static_cast<double>(t) / (ticks - 1);
      const uint32_t at = e.t0 + static_cast<uint32_t>(static_cast<double>(e.t1 - e.t0) * f);
      const std::string label = format_time(m.device().local_time, at);
      const float lw = ImGui::CalcTextSize(label.c_str()).x;
      const float x = x_left + static_cast<float>(f) * w - static_cast<float>(f) * lw;
      dl->AddLine(ImVec2(p0.x + static_cast<float>(f) * (w - 1), p0.y + h),
                  ImVec2(p0.x + static_cast<float>(f) * (w - 1), p0.y + h + 4),
                  ImGui::GetColorU32(ImGuiCol_TextDisabled));
      ImGui::SetCursorPos(ImVec2(x, y_axis + 4));
      ui::TextDisabled("%s", label.c_str());
    }
    ui::TextColored(ui::kOk, "unlocks ");
    ImGui::SameLine();
    ui::TextColored(ui::kWarn, " wrong or refused codes ");
    ImGui::SameLine();
    ui::TextColored(ui::kBad, " lockouts ");
    ImGui::SameLine();
    ui::TextDisabled("  (height: log scale; hover a bar for its counts)");
  }
}

// The order rows are shown in: newest first by default, or by the column the technician
// clicked (#, time, event, slot; again to reverse). A permutation of the model's filtered rows
// (m.events.rows), so the selection, "why" and scripts keep naming rows as the model does.
struct DisplayOrder {
  const void* events = nullptr;  // the snapshot's log the permutation was built for
  const void* rows = nullptr;
  size_t n = 0;
  uint32_t first = 0, last = 0;
  int column = 0;
  bool ascending = false;
  std::vector<int> perm, pos;  // display position -> row, row -> display position
};

DisplayOrder& display_order() {
  static DisplayOrder o;
  return o;
}

void update_order(GuiModel& m, ImGuiTableSortSpecs* specs) {
  DisplayOrder& o = display_order();
  const auto& rows = m.events.rows;
  int column = o.column;
  bool ascending = o.ascending;
  if (specs && specs->SpecsCount > 0) {
    column = specs->Specs[0].ColumnIndex;
    ascending = specs->Specs[0].SortDirection == ImGuiSortDirection_Ascending;
  }
  const void* events = m.device().events.get();
  if (o.events == events && o.rows == rows.data() && o.n == rows.size() &&
      (rows.empty() || (o.first == rows.front() && o.last == rows.back())) && o.column == column &&
      o.ascending == ascending && o.perm.size() == rows.size())
    return;
  o.events = events;
  o.rows = rows.data();
  o.n = rows.size();
  o.first = rows.empty() ? 0 : rows.front();
  o.last = rows.empty() ? 0 : rows.back();
  o.column = column;
  o.ascending = ascending;
  o.perm.resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) o.perm[i] = static_cast<int>(i);
  auto key_less = [&](int a, int b) {
    const app::EventView* x = m.event_row(static_cast<size_t>(a));
    const app::EventView* y = m.event_row(static_cast<size_t>(b));
    if (!x || !y) return a < b;
    switch (column) {
      case 1:
        if (x->time != y->time) return x->time < y->time;
        break;
      case 2:
        if (int c = std::strcmp(event_label(x->type), event_label(y->type)); c != 0) return c < 0;
        break;
      case 3:
        if (x->slot != y->slot) return x->slot < y->slot;
        break;
      default: break;
    }
    return x->seq < y->seq;
  };
  std::stable_sort(o.perm.begin(), o.perm.end(),
                   [&](int a, int b) { return ascending ? key_less(a, b) : key_less(b, a); });
  o.pos.assign(rows.size(), 0);
  for (size_t p = 0; p < o.perm.size(); ++p) o.pos[static_cast<size_t>(o.perm[p])] = static_cast<int>(p);
}

void table(GuiModel& m, float height) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_Sortable;
  if (!ImGui::BeginTable("events", 5, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ui::TableSetupColumn("#",
                       ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_DefaultSort |
                           ImGuiTableColumnFlags_PreferSortDescending,
                       ImGui::GetFontSize() * 4);
  ui::TableSetupColumn("Time (UTC)", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_PreferSortDescending,
                       ImGui::GetFontSize() * 11);
  ui::TableSetupColumn("Event", ImGuiTableColumnFlags_WidthStretch);
  ui::TableSetupColumn("Slot", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 3.5f);
  ui::TableSetupColumn("Detail", ImGuiTableColumnFlags_WidthStretch | ImGuiTableColumnFlags_NoSort);
  ImGui::TableHeadersRow();
  update_order(m, ImGui::TableGetSortSpecs());
  const DisplayOrder& order = display_order();
  ImGuiListClipper clip;
  clip.Begin(static_cast<int>(order.perm.size()));
  const bool scroll = m.events.scroll_to_selected && m.events.selected >= 0 &&
                      static_cast<size_t>(m.events.selected) < order.pos.size();
  const int sel_pos = m.events.selected >= 0 && static_cast<size_t>(m.events.selected) < order.pos.size()
                          ? order.pos[static_cast<size_t>(m.events.selected)]
                          : -1;
  if (scroll) clip.ForceDisplayRangeByIndices(sel_pos, sel_pos + 1);
  m.events.scroll_to_selected = false;
  while (clip.Step()) {
    for (int p = clip.DisplayStart; p < clip.DisplayEnd; ++p) {
      const int i = order.perm[static_cast<size_t>(p)];
      const app::EventView* e = m.event_row(static_cast<size_t>(i));
      if (!e) continue;
      ImGui::TableNextRow();
      if (scroll && i == m.events.selected) ImGui::SetScrollHereY(0.5f);
      ImGui::TableNextColumn();
      char label[32];
      std::snprintf(label, sizeof label, "%u##ev", e->seq);
      if (ui::Selectable(label, m.events.selected == i, ImGuiSelectableFlags_SpanAllColumns)) m.events.selected = i;
      ImGui::TableNextColumn();
      ui::TextUnformatted(format_time(m.device().local_time, e->time, e->clock_not_set));
      ImGui::TableNextColumn();
      const EventClass c = classify(e->type);
      const ImVec4 col = c == EventClass::kUnlock                                      ? ui::kOk
                         : (c == EventClass::kWrongCode || c == EventClass::kRejected) ? ui::kWarn
                         : c == EventClass::kLockout                                   ? ui::kBad
                                                     : ImGui::GetStyle().Colors[ImGuiCol_Text];
      ui::TextColored(col, "%s", event_label(e->type));
      ImGui::TableNextColumn();
      if (e->slot >= 0) ui::Text("%d", e->slot);
      ImGui::TableNextColumn();
      if (e->reason != drivers::Reason::kNone) ui::TextUnformatted(reason_label(e->reason));
    }
  }
  // Keyboard: up/down move the selection, in the order shown, when the table has focus.
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows) && !order.perm.empty()) {
    const int n = static_cast<int>(order.perm.size());
    const int page = 20;
    int p = sel_pos;
    const int before = p;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) p = std::min(n - 1, p + 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) p = std::max(0, p - 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageDown))) p = std::min(n - 1, p + page);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageUp))) p = std::max(0, p - page);
    if (p != before && p >= 0) {
      m.events.selected = order.perm[static_cast<size_t>(p)];
      m.events.scroll_to_selected = true;
    }
  }
  ImGui::EndTable();
}

void details(GuiModel& m) {
  const app::EventView* e = m.events.selected >= 0 ? m.event_row(static_cast<size_t>(m.events.selected)) : nullptr;
  if (!e) {
    ui::TextDisabled("Select a row to see why it happened.");
    return;
  }
  ui::Text("#%u  %s  %s", e->seq, format_time(m.device().local_time, e->time, e->clock_not_set).c_str(),
           event_label(e->type));
  ui::TextColored(is_refusal(*e) ? ui::kWarn : ui::kMuted, "%s",
                  is_refusal(*e) ? "Why was this rejected?" : "What happened");
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
    uint32_t first = 0;
    for (const auto& e : *d.events) first = first == 0 ? e.seq : std::min(first, e.seq);
    ui::TextColored(ui::kWarn, "Log wrapped: events before #%u were overwritten.", first);
  }
  filters(m);
  timeline(m);
  const float details_h = ImGui::GetTextLineHeightWithSpacing() * 5.5f;
  table(m, std::max(ImGui::GetFrameHeight() * 4, ImGui::GetContentRegionAvail().y - details_h));
  details(m);
}

}  // namespace lockdiag::gui
