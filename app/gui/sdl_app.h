// The windowed application: SDL2 window, SDL_Renderer, the frame loop that sleeps when idle.
#pragma once

#include <string>
#include <vector>

namespace lockdiag::gui {

struct AppOptions {
  std::vector<std::string> devices;  // --device: listed, and the first one connected at start
  std::string screenshot;            // --screenshot: write the window as PNG, then quit (after the script)
  std::string script;                // --script: a file of UI actions
  std::string job_store;             // --job-store (tests); empty: the default
  std::string settings;              // --settings (tests); empty: the default
  int width = 1280, height = 800;
  bool stats = false;                // --stats: print frames and CPU time on exit
};

int run_app(const AppOptions& options);

}  // namespace lockdiag::gui
