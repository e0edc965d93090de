// Dear ImGui with no window: a context with a display size and a built font atlas, frames run
// with NewFrame/Render and no renderer. The GUI's own frame function and scripting layer do
// the rest, exactly as in the windowed app.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "gui_host.h"
#include "gui_model.h"
#include "imgui.h"
#include "script.h"
#include "ui.h"
#include "views.h"

namespace lockdiag::test {

class HeadlessGui {
 public:
  explicit HeadlessGui(gui::GuiModel& m, float w = 1280, float h = 800) : m_(m), host_(m) {
    ctx_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(w, h);
    io.DeltaTime = 1.0f / 60.0f;
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    // The key map Dear ImGui 1.86's SDL2 backend installs (SDL scancodes).
    const std::pair<ImGuiKey_, int> keys[] = {
        {ImGuiKey_Tab, 43},       {ImGuiKey_LeftArrow, 80}, {ImGuiKey_RightArrow, 79}, {ImGuiKey_UpArrow, 82},
        {ImGuiKey_DownArrow, 81}, {ImGuiKey_PageUp, 75},    {ImGuiKey_PageDown, 78},   {ImGuiKey_Home, 74},
        {ImGuiKey_End, 77},       {ImGuiKey_Insert, 73},    {ImGuiKey_Delete, 76},     {ImGuiKey_Backspace, 42},
        {ImGuiKey_Space, 44},     {ImGuiKey_Enter, 40},     {ImGuiKey_Escape, 41},     {ImGuiKey_KeyPadEnter, 88},
        {ImGuiKey_A, 4},          {ImGuiKey_C, 6},          {ImGuiKey_V, 25},          {ImGuiKey_X, 27},
        {ImGuiKey_Y, 28},         {ImGuiKey_Z, 29}};
    for (auto [k, sc] : keys) io.KeyMap[k] = sc;
    gui::setup_style(1.0f);
    gui::setup_fonts(1.0f);
    unsigned char* px = nullptr;
    int tw = 0, th = 0;
    io.Fonts->GetTexDataAsRGBA32(&px, &tw, &th);  // builds the atlas; no texture to upload
    host_.screenshot_fn = [](const std::string&) { return true; };
  }
  ~HeadlessGui() { ImGui::DestroyContext(ctx_); }
  HeadlessGui(const HeadlessGui&) = delete;
  HeadlessGui& operator=(const HeadlessGui&) = delete;

  // One frame as the app draws it.
  void frame() {
    m_.update();
    gui::ui::recorder().begin_frame();
    ImGui::NewFrame();
    gui::draw_frame(m_);
    ImGui::Render();
    gui::ui::recorder().end_frame();
    ++frames_;
  }

  // Frames until pred() holds or timeout; sleeps a little between frames (the worker works).
  bool run_until(const std::function<bool()>& pred, int timeout_ms = 10000) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < end) {
      frame();
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

  // Runs a UI script to its end; returns its error ("" when it passed).
  std::string run_script(const std::string& text, int timeout_ms = 60000) {
    auto parsed = gui::parse_script(text);
    if (!parsed.error.empty()) return parsed.error;
    gui::ScriptRunner runner(std::move(parsed.actions));
    frame();
    const bool ok = run_until(
        [&] {
          runner.tick(host_);
          return runner.finished();
        },
        timeout_ms);
    if (!ok) return "script timed out";
    frame();
    return runner.error();
  }

  // Synthetic keyboard input, as the SDL2 backend delivers it: a key held for one frame
  // (ImGuiKey_Tab, ImGuiKey_Space, arrows...), and characters typed into the focused field.
  void press(ImGuiKey_ key) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeysDown[io.KeyMap[key]] = true;
    frame();
    io.KeysDown[io.KeyMap[key]] = false;
    frame();
  }
  void type(const std::string& text) {
    for (char c : text) {
      ImGui::GetIO().AddInputCharacter(static_cast<unsigned char>(c));
      frame();
    }
  }
  // A real click (move, press, release) on the widget labelled `label`, once it is drawn
  // (a popup opens a frame after the click that opens it).
  bool click(const std::string& label) {
    if (!run_until([&] { return gui::ui::recorder().click(label); }, 2000)) return false;
    return run_until([] { return !gui::ui::recorder().click_in_progress(); }, 2000);
  }

  bool drawn(const std::string& s) const { return gui::ui::recorder().drawn(s); }
  gui::GuiHost& host() { return host_; }
  long frames() const { return frames_; }

 private:
  gui::GuiModel& m_;
  gui::GuiHost host_;
  ImGuiContext* ctx_ = nullptr;
  long frames_ = 0;
};

}  // namespace lockdiag::test
