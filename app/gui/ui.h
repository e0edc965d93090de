// The one way the views draw text and widgets. Every label and string goes through here, so
//  - a script or a test can click a widget by its label (synthetic mouse input, real ImGui
//    hit-testing: the widget's rectangle from the last frame);
//  - a test can see every string the GUI drew (the code-value leak test; `wait_text`);
//  - views stay short.
// Labels follow ImGui's rules: "Text##id" shows "Text"; scripts name widgets by what they show.
#pragma once

#include <cstdarg>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "imgui.h"

namespace lockdiag::gui::ui {

class Recorder {
 public:
  // Frame bracketing: call begin_frame() after the platform backend's NewFrame and before
  // ImGui::NewFrame() (it applies synthetic input), end_frame() after ImGui::Render().
  void begin_frame();
  void end_frame();

  // Scripted clicks on a widget drawn in the last frame.
  bool click(const std::string& label);
  bool click_in_progress() const { return click_phase_ > 0; }

  // A scripted key press: held for one frame (`io.KeysDown[key_index]`), with Shift if asked.
  void press_key(int key_index, bool shift);
  bool key_in_progress() const { return key_phase_ > 0; }
  // The widget keyboard navigation is on in the last frame (its full label), "" when none:
  // tests check that Tab and the arrows reach every field and button.
  const std::string& last_focused() const { return last_focused_; }

  // Frames completed (end_frame calls), so a capture can wait for a settled frame.
  long frame_count() const { return frames_; }

  // Text drawn in the last completed frame.
  bool drawn(const std::string& needle) const;
  const std::string& last_frame_text() const { return last_text_; }
  // Every string ever drawn goes here too when set (tests).
  std::function<void(const std::string&)> sink;

  // Used by the widgets below.
  void text(const char* s, size_t n);
  void widget(const char* label);  // after the item: records label -> rect

  // Where each widget was laid out in the last completed frame (screen pixels), for the
  // layout probe (layout_probe.h) and the tests that check what fits the window.
  struct Rect {
    float x0, y0, x1, y1;
  };
  const std::unordered_map<std::string, Rect>& last_widgets() const { return last_widgets_; }
  // Records a laid-out region that is not a widget (a result panel): drawn text, not clickable.
  void region(const std::string& name, const ImVec2& min, const ImVec2& max) {
    regions_[name] = Rect{min.x, min.y, max.x, max.y};
  }
  const std::unordered_map<std::string, Rect>& last_regions() const { return last_regions_; }

 private:
  std::unordered_map<std::string, Rect> regions_, last_regions_;
  std::unordered_map<std::string, Rect> widgets_, last_widgets_;
  std::string text_, last_text_;
  std::string click_label_;
  int click_phase_ = 0;  // 0 none, 1 move, 2 press, 3 release
  int key_index_ = -1, key_phase_ = 0;  // 0 none, 1 down, 2 up
  bool key_shift_ = false;
  long frames_ = 0;
  std::string focused_, last_focused_;
};

Recorder& recorder();  // one per process (the GUI has one ImGui context at a time)

std::string visible(const char* label);  // "Save##settings" -> "Save"

// ---- text ----
void Text(const char* fmt, ...) IM_FMTARGS(1);
void TextColored(const ImVec4& col, const char* fmt, ...) IM_FMTARGS(2);
void TextWrapped(const char* fmt, ...) IM_FMTARGS(1);
void TextDisabled(const char* fmt, ...) IM_FMTARGS(1);
void TextUnformatted(const std::string& s);
void Heading(const char* s);  // bigger, for a view's title
void BulletText(const char* fmt, ...) IM_FMTARGS(1);
void SeparatorText(const char* s);

// ---- widgets ----
bool Button(const char* label, const ImVec2& size = ImVec2(0, 0));
bool BigButton(const char* label);  // the primary action of a page: tall, wide
bool SmallButton(const char* label);
bool Selectable(const char* label, bool selected, ImGuiSelectableFlags flags = 0, const ImVec2& size = ImVec2(0, 0));
bool Checkbox(const char* label, bool* v);
bool RadioButton(const char* label, bool active);
bool InputText(const char* label, std::string* s, ImGuiInputTextFlags flags = 0);
bool InputInt(const char* label, int* v);
bool Combo(const char* label, int* current, const std::vector<std::string>& items);
bool CollapsingHeader(const char* label, ImGuiTreeNodeFlags flags = 0);
void TableSetupColumn(const char* label, ImGuiTableColumnFlags flags = 0, float width = 0, ImGuiID id = 0);
void ProgressBar(float fraction, const char* overlay);
void Tooltip(const char* s);  // on the last item, when hovered

// Colours by meaning.
ImVec4 severity_color(const std::string& severity);
inline const ImVec4 kOk{0.35f, 0.80f, 0.45f, 1.f};
inline const ImVec4 kWarn{0.95f, 0.75f, 0.25f, 1.f};
inline const ImVec4 kBad{0.95f, 0.35f, 0.30f, 1.f};
inline const ImVec4 kMuted{0.60f, 0.62f, 0.66f, 1.f};

}  // namespace lockdiag::gui::ui
