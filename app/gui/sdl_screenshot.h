// Screenshots of the SDL window: a settled frame written as a PNG (cairo).
#pragma once

#include <string>

struct SDL_Renderer;

namespace lockdiag::gui {

// Writes what the renderer drew as a PNG; false with `err` set when it cannot.
bool write_png(SDL_Renderer* r, const std::string& file, std::string& err);

// The screenshot the frame loop owes. A screenshot is written from a settled frame (Dear ImGui
// needs two or three after a change) and the script waits for it (ScriptHost::capture_pending),
// so the file shows the frame the script names.
struct PendingScreenshot {
  std::string file;  // empty: none pending
  int frames_left = 0;
  bool final_taken = false;  // the --screenshot after the script was asked for

  bool pending() const { return !file.empty(); }
  void request(const std::string& f, int frames) {
    file = f;
    frames_left = frames;
  }
  // After a frame was rendered: once the shot has settled, writes it (a failure goes to stderr
  // and clears `ok`) and returns true.
  bool take_if_settled(SDL_Renderer* r, bool& ok);
};

}  // namespace lockdiag::gui
