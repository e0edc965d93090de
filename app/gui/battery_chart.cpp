#include "battery_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "ui.h"

namespace lockdiag::gui {

namespace {

// The scale of a 4xAA lock: 4.0 V (dead) to 6.5 V (fresh cells), a line each half volt.
constexpr float kMinMv = 4000.f, kMaxMv = 6500.f, kStepMv = 500.f;

void label(ImDrawList* dl, ImVec2 at, ImU32 col, const char* s) {
  dl->AddText(at, col, s);
  ui::recorder().text(s, std::strlen(s));
}

}  // namespace

void battery_chart(const std::vector<BatteryPoint>& points, float width) {
  if (points.size() < 2) return;
  const float fs = ImGui::GetFontSize();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float axis_w = ImGui::CalcTextSize("6.5 V ").x, height = fs * 6;
  // The plot area: right of the volts, above the dates.
  const ImVec2 p0(origin.x + axis_w, origin.y + fs * 0.5f), p1(origin.x + width - fs, origin.y + height);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border), text = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const auto y_of = [&](float mv) {
    return p1.y - (std::clamp(mv, kMinMv, kMaxMv) - kMinMv) / (kMaxMv - kMinMv) * (p1.y - p0.y);
  };
  const auto x_of = [&](size_t i) {
    return p0.x + (p1.x - p0.x) * static_cast<float>(i) / static_cast<float>(points.size() - 1);
  };
  char buf[48];
  for (float mv = kMinMv; mv <= kMaxMv + 1; mv += kStepMv) {
    const float y = y_of(mv);
    dl->AddLine(ImVec2(p0.x, y), ImVec2(p1.x, y), grid);
    (void)std::snprintf(buf, sizeof buf, "%.1f V", static_cast<double>(mv) / 1000.0);
    label(dl, ImVec2(origin.x, y - fs * 0.5f), text, buf);
  }
  // Dates under the first and the last point, and under those between that leave room.
  const float date_w = ImGui::CalcTextSize("2026-10-01").x + fs;
  const auto left_of = [&](size_t i) {
    return std::clamp(x_of(i) - date_w * 0.5f, origin.x, origin.x + width - date_w);
  };
  const float last_left = left_of(points.size() - 1);
  float free_from = origin.x;
  for (size_t i = 0; i < points.size(); ++i) {
    const float x = left_of(i);
    const bool ends = i == 0 || i + 1 == points.size();
    if (!ends && (x < free_from || x + date_w > last_left)) continue;
    label(dl, ImVec2(x, p1.y + fs * 0.2f), text, points[i].date.c_str());
    free_from = x + date_w;
  }
  const ImU32 line = ImGui::GetColorU32(ImGuiCol_PlotLines);
  for (size_t i = 0; i < points.size(); ++i) {
    const ImVec2 at(x_of(i), y_of(points[i].mv));
    if (i > 0) dl->AddLine(ImVec2(x_of(i - 1), y_of(points[i - 1].mv)), at, line, 2.f);
    dl->AddCircleFilled(at, fs * 0.2f, line);
  }
  ImGui::Dummy(ImVec2(width, height + fs * 1.4f));
  // Hovering a point's column says its date and volts.
  if (ImGui::IsItemHovered()) {
    const float mx = ImGui::GetIO().MousePos.x;
    size_t best = 0;
    for (size_t i = 1; i < points.size(); ++i)
      if (std::fabs(x_of(i) - mx) < std::fabs(x_of(best) - mx)) best = i;
    ImGui::SetTooltip("%s: %.2f V", points[best].date.c_str(), static_cast<double>(points[best].mv) / 1000.0);
  }
}

}  // namespace lockdiag::gui
