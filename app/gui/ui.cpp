#include "ui.h"

#include <cstdio>
#include <cstring>

#include "imgui_internal.h"

namespace lockdiag::gui::ui {

Recorder& recorder() {
  static Recorder r;
  return r;
}

std::string visible(const char* label) {
  const char* end = std::strstr(label, "##");
  return end ? std::string(label, static_cast<size_t>(end - label)) : std::string(label);
}

void Recorder::begin_frame() {
  text_.clear();
  widgets_.clear();
  regions_.clear();
  focused_.clear();
  ImGuiIO& io = ImGui::GetIO();
  if (key_phase_ > 0 && key_index_ >= 0 && key_index_ < IM_ARRAYSIZE(io.KeysDown)) {
    io.KeysDown[key_index_] = key_phase_ == 1;
    io.KeyShift = key_phase_ == 1 && key_shift_;
    if (++key_phase_ > 2) key_phase_ = 0;
  }
  if (click_phase_ == 0) return;
  auto it = last_widgets_.find(click_label_);
  if (it == last_widgets_.end()) {  // it went away (the view changed): give up this click
    click_phase_ = 0;
    io.MouseDown[0] = false;
    return;
  }
  const Rect& r = it->second;
  io.MousePos = ImVec2((r.x0 + r.x1) * 0.5f, (r.y0 + r.y1) * 0.5f);
  io.MouseDown[0] = click_phase_ == 2;
  if (++click_phase_ > 3) click_phase_ = 0;
}

void Recorder::end_frame() {
  last_text_.swap(text_);
  last_widgets_.swap(widgets_);
  last_regions_.swap(regions_);
  last_focused_.swap(focused_);
  ++frames_;
}

void Recorder::press_key(int key_index, bool shift) {
  key_index_ = key_index;
  key_shift_ = shift;
  key_phase_ = 1;
}

bool Recorder::click(const std::string& label) {
  if (last_widgets_.find(label) == last_widgets_.end()) return false;
  click_label_ = label;
  click_phase_ = 1;
  return true;
}

bool Recorder::drawn(const std::string& needle) const { return last_text_.find(needle) != std::string::npos; }

void Recorder::text(const char* s, size_t n) {
  text_.append(s, n);
  text_.push_back('\n');
  if (sink) sink(std::string(s, n));
}

void Recorder::widget(const char* label) {
  const std::string v = visible(label);
  text(v.data(), v.size());
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  if (ImGui::IsItemFocused()) focused_ = label;
  // Only widgets actually visible can be clicked.
  if (!ImGui::IsItemVisible()) return;
  // By what it shows ("Save") and by its full label ("Save##settings") when they differ.
  widgets_[v] = Rect{a.x, a.y, b.x, b.y};
  if (v.size() != std::strlen(label)) widgets_[label] = Rect{a.x, a.y, b.x, b.y};
}

namespace {
thread_local char g_buf[4096];

const char* vformat(const char* fmt, va_list ap, size_t& n) {
  const int r = std::vsnprintf(g_buf, sizeof g_buf, fmt, ap);
  n = r < 0 ? 0 : std::min(static_cast<size_t>(r), sizeof g_buf - 1);
  return g_buf;
}
}  // namespace

#define LOCKDIAG_FORMAT(fmt)           \
  size_t n = 0;                        \
  va_list ap;                          \
  va_start(ap, fmt);                   \
  const char* s = vformat(fmt, ap, n); \
  va_end(ap);                          \
  recorder().text(s, n)

void Text(const char* fmt, ...) {
  LOCKDIAG_FORMAT(fmt);
  ImGui::TextUnformatted(s, s + n);
}
void TextColored(const ImVec4& col, const char* fmt, ...) {
  LOCKDIAG_FORMAT(fmt);
  ImGui::PushStyleColor(ImGuiCol_Text, col);
  ImGui::TextUnformatted(s, s + n);
  ImGui::PopStyleColor();
}
void TextWrapped(const char* fmt, ...) {
  LOCKDIAG_FORMAT(fmt);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(s, s + n);
  ImGui::PopTextWrapPos();
}
void TextDisabled(const char* fmt, ...) {
  LOCKDIAG_FORMAT(fmt);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::TextUnformatted(s, s + n);
  ImGui::PopStyleColor();
}
void BulletText(const char* fmt, ...) {
  LOCKDIAG_FORMAT(fmt);
  ImGui::Bullet();
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(s, s + n);
  ImGui::PopTextWrapPos();
}
#undef LOCKDIAG_FORMAT

void TextUnformatted(const std::string& s) {
  recorder().text(s.data(), s.size());
  ImGui::TextUnformatted(s.data(), s.data() + s.size());
}

void Heading(const char* s) {
  recorder().text(s, std::strlen(s));
  ImGui::SetWindowFontScale(1.35f);
  ImGui::TextUnformatted(s);
  ImGui::SetWindowFontScale(1.0f);
  ImGui::Separator();
}

void SeparatorText(const char* s) {
  ImGui::Spacing();
  recorder().text(s, std::strlen(s));
  ImGui::PushStyleColor(ImGuiCol_Text, kMuted);
  ImGui::TextUnformatted(s);
  ImGui::PopStyleColor();
  ImGui::Separator();
}

bool Button(const char* label, const ImVec2& size) {
  const bool r = ImGui::Button(label, size);
  recorder().widget(label);
  return r;
}

bool BigButton(const char* label) {
  const float h = ImGui::GetFrameHeight() * 1.8f;
  const float w = std::max(ImGui::CalcTextSize(label, nullptr, true).x + h, h * 5);
  return Button(label, ImVec2(w, h));
}

bool SmallButton(const char* label) {
  const bool r = ImGui::SmallButton(label);
  recorder().widget(label);
  return r;
}

bool Selectable(const char* label, bool selected, ImGuiSelectableFlags flags, const ImVec2& size) {
  const bool r = ImGui::Selectable(label, selected, flags, size);
  recorder().widget(label);
  return r;
}

bool Checkbox(const char* label, bool* v) {
  const bool r = ImGui::Checkbox(label, v);
  recorder().widget(label);
  return r;
}

bool RadioButton(const char* label, bool active) {
  const bool r = ImGui::RadioButton(label, active);
  recorder().widget(label);
  return r;
}

namespace {
int resize_cb(ImGuiInputTextCallbackData* data) {
  if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
    auto* s = static_cast<std::string*>(data->UserData);
    s->resize(static_cast<size_t>(data->BufTextLen));
    data->Buf = s->data();
  }
  return 0;
}
}  // namespace

bool InputText(const char* label, std::string* s, ImGuiInputTextFlags flags) {
  const bool r = ImGui::InputText(label, s->data(), s->capacity() + 1, flags | ImGuiInputTextFlags_CallbackResize,
                                  resize_cb, s);
  recorder().widget(label);
  recorder().text(s->data(), s->size());
  return r;
}

bool InputInt(const char* label, int* v) {
  const bool r = ImGui::InputInt(label, v);
  recorder().widget(label);
  return r;
}

bool Combo(const char* label, int* current, const std::vector<std::string>& items) {
  const char* preview = (*current >= 0 && static_cast<size_t>(*current) < items.size())
                            ? items[static_cast<size_t>(*current)].c_str()
                            : "";
  bool changed = false;
  recorder().text(preview, std::strlen(preview));
  if (ImGui::BeginCombo(label, preview)) {
    for (size_t i = 0; i < items.size(); ++i) {
      const bool sel = static_cast<int>(i) == *current;
      ImGui::PushID(static_cast<int>(i));
      if (Selectable(items[i].c_str(), sel)) {
        *current = static_cast<int>(i);
        changed = true;
      }
      if (sel) ImGui::SetItemDefaultFocus();
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  recorder().widget(label);
  return changed;
}

bool CollapsingHeader(const char* label, ImGuiTreeNodeFlags flags) {
  const bool r = ImGui::CollapsingHeader(label, flags);
  recorder().widget(label);
  return r;
}

void TableSetupColumn(const char* label, ImGuiTableColumnFlags flags, float width, ImGuiID id) {
  recorder().text(label, std::strlen(label));
  ImGui::TableSetupColumn(label, flags, width, id);
}

void ProgressBar(float fraction, const char* overlay) {
  if (overlay) recorder().text(overlay, std::strlen(overlay));
  ImGui::ProgressBar(fraction, ImVec2(-1, 0), overlay);
}

void Tooltip(const char* s) {
  if (!ImGui::IsItemHovered()) return;
  recorder().text(s, std::strlen(s));
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
  ImGui::TextUnformatted(s);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

ImVec4 severity_color(const std::string& severity) {
  if (severity == "critical") return kBad;
  if (severity == "warning") return kWarn;
  return kMuted;
}

}  // namespace lockdiag::gui::ui
