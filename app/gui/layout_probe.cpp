#include "layout_probe.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "imgui.h"
#include "ui.h"

namespace lockdiag::gui {

namespace {
void rect_line(std::ostringstream& o, const char* kind, const ui::Recorder::Rect& r, const std::string& name) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s %.0f %.0f %.0f %.0f ", kind, r.x0, r.y0, r.x1, r.y1);
  o << buf << name << '\n';
}
}  // namespace

std::string layout_probe_text() {
  const auto& rec = ui::recorder();
  std::ostringstream o;
  const ImVec2 d = ImGui::GetIO().DisplaySize;
  o << "window " << d.x << ' ' << d.y << '\n';
  o << "font " << ImGui::GetFontSize() << '\n';
  // Sorted, so two probes of the same frame compare equal.
  for (const auto& [k, r] : std::map(rec.last_widgets().begin(), rec.last_widgets().end()))
    rect_line(o, "widget", r, k);
  for (const auto& [k, r] : std::map(rec.last_regions().begin(), rec.last_regions().end()))
    rect_line(o, "region", r, k);
  std::istringstream t(rec.last_frame_text());
  for (std::string line; std::getline(t, line);) o << "text " << line << '\n';
  return o.str();
}

bool write_layout_probe(const std::string& file, std::string& err) {
  std::ofstream f(file, std::ios::trunc);
  if (!f) {
    err = "cannot write " + file;
    return false;
  }
  f << layout_probe_text();
  return static_cast<bool>(f);
}

std::vector<std::string> outside_window(const std::vector<std::string>& names, float w, float h) {
  std::vector<std::string> out;
  const auto& rec = ui::recorder();
  for (const auto& n : names) {
    const ui::Recorder::Rect* r = nullptr;
    if (auto it = rec.last_widgets().find(n); it != rec.last_widgets().end()) r = &it->second;
    else if (auto jt = rec.last_regions().find(n); jt != rec.last_regions().end()) r = &jt->second;
    if (!r) {
      out.push_back(n + " was not drawn");
      continue;
    }
    if (r->x0 < 0 || r->y0 < 0 || r->x1 > w || r->y1 > h) {
      char buf[96];
      std::snprintf(buf, sizeof buf, " %.0f %.0f %.0f %.0f", r->x0, r->y0, r->x1, r->y1);
      out.push_back(n + buf);
    }
  }
  return out;
}

}  // namespace lockdiag::gui
