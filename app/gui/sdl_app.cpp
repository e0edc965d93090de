// The windowed application, shaped like Dear ImGui's SDL example: set up SDL and the renderer,
// run the frame loop (sleeping when idle), shut down. Script, screenshot and --stats handling are
// in app_script.cpp, sdl_screenshot.cpp and frame_stats.cpp.
#include "sdl_app.h"

#include <SDL.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "app_script.h"
#include "frame_stats.h"
#include "gui_host.h"
#include "gui_model.h"
#include "imgui.h"
#include "imgui_impl_sdl.h"
#include "imgui_impl_sdlrenderer.h"
#include "sdl_screenshot.h"
#include "ui.h"
#include "views.h"
#include "workflow_runner.h"

namespace lockdiag::gui {

namespace {

float display_scale(SDL_Window* win) {
  if (const char* s = std::getenv("LOCKDIAG_GUI_SCALE"); s && *s) return std::clamp(std::strtof(s, nullptr), 0.5f, 4.f);
  // The display's DPI (SDL_GetDisplayDPI: X11 reports the screen's physical size, Xvfb 96 dpi
  // unless told otherwise); 96 dpi is scale 1.
  float ddpi = 0;
  if (SDL_GetDisplayDPI(SDL_GetWindowDisplayIndex(win), &ddpi, nullptr, nullptr) != 0 || ddpi <= 0) return 1.f;
  return std::clamp(ddpi / 96.f, 1.f, 3.f);
}

}  // namespace

int run_app(const AppOptions& o) {
  ParsedScript script;
  if (!load_app_script(o, script)) return 2;

  SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0) {
    std::fprintf(stderr, "lockdiag-gui: cannot start SDL: %s\n", SDL_GetError());
    return 1;
  }
  const Uint32 wake_event = SDL_RegisterEvents(1);
  // The window opens within the display: a 1280x800 default on a 1366x768 laptop would put
  // the bottom of every page (Start) under the panel. Usable bounds leave out panels and docks.
  int win_w = o.width, win_h = o.height;
  if (SDL_Rect usable{}; SDL_GetDisplayUsableBounds(0, &usable) == 0 && usable.w > 0 && usable.h > 0) {
    win_w = std::min(win_w, usable.w);
    win_h = std::min(win_h, usable.h);
  }
  SDL_Window* win = SDL_CreateWindow("lockdiag", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, win_w, win_h,
                                     SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (!win) {
    std::fprintf(stderr, "lockdiag-gui: cannot open a window: %s\n", SDL_GetError());
    SDL_Quit();
    return 1;
  }
  SDL_Renderer* ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_PRESENTVSYNC | SDL_RENDERER_ACCELERATED);
  if (!ren) ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
  if (!ren) {
    std::fprintf(stderr, "lockdiag-gui: cannot create a renderer: %s\n", SDL_GetError());
    SDL_DestroyWindow(win);
    SDL_Quit();
    return 1;
  }

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is fixed; nothing to remember
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;

  int exit_code = 0;
  {
    GuiModel::Options mo;
    mo.device_uris = o.devices;
    if (!o.job_store.empty()) mo.job_store = o.job_store;
    if (!o.settings.empty()) mo.settings = o.settings;
    mo.runner = default_workflow_runner();
    GuiModel model(std::move(mo));
    model.simulator = default_simulator();
    model.set_wake([wake_event] {
      SDL_Event e{};
      e.type = wake_event;
      SDL_PushEvent(&e);
    });

    // The scale: Settings, else LOCKDIAG_GUI_SCALE, else the display's DPI. It applies live:
    // when Settings changes it (or the window moves to another display), style and fonts are
    // rebuilt before the next frame and the renderer's font texture uploaded again.
    float dpi_scale = display_scale(win);
    auto wanted_scale = [&] { return model.settings.ui_scale > 0 ? model.settings.ui_scale : dpi_scale; };
    float scale = wanted_scale();
    setup_style(scale);
    setup_fonts(scale);

    ImGui_ImplSDL2_InitForSDLRenderer(win);
    ImGui_ImplSDLRenderer_Init(ren);

    if (!o.devices.empty()) model.connect(o.devices.front());

    GuiHost host(model);
    PendingScreenshot shot;
    host.screenshot_fn = [&](const std::string& file) {
      shot.request(file, 3);
      return true;
    };
    host.screenshot_pending_fn = [&] { return shot.pending(); };
    ScriptRunner runner(std::move(script.actions));
    const bool scripted = !runner.finished();
    // Scripts click with synthetic input; park the real pointer where it hovers nothing.
    if (scripted) SDL_WarpMouseInWindow(win, win_w - 1, win_h - 1);

    FrameStats stats;
    int redraw = 3;  // frames still to draw after something changed (ImGui settles in 2-3)
    bool done = false;
    while (!done) {
      // Decide how long we may sleep.
      int timeout_ms;
      if (redraw > 0) timeout_ms = 0;
      else if (scripted && !runner.finished()) {
        const int hint = runner.sleep_hint_ms(host);
        timeout_ms = hint < 0 ? 0 : hint;
      } else if (model.busy()) timeout_ms = 33;  // progress animates while something is in flight
      else timeout_ms = 10000;

      SDL_Event ev;
      bool got = timeout_ms == 0 ? SDL_PollEvent(&ev) : SDL_WaitEventTimeout(&ev, timeout_ms);
      while (got) {
        if (ev.type != wake_event) {
          ImGui_ImplSDL2_ProcessEvent(&ev);
          redraw = std::max(redraw, 3);
        } else {
          redraw = std::max(redraw, 1);
        }
        if (ev.type == SDL_QUIT) done = true;
        if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_MOVED) dpi_scale = display_scale(win);
        if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_CLOSE &&
            ev.window.windowID == SDL_GetWindowID(win))
          done = true;
        got = SDL_PollEvent(&ev);
      }
      // New state from the worker needs one frame; input needs a few for Dear ImGui to settle.
      if (model.update()) redraw = std::max(redraw, 1);
      if (scripted && !runner.finished()) {
        const ScriptTick t = tick_script(runner, host);
        if (t.failed) {
          exit_code = 1;
          done = true;  // a failed script ends the run (tests and docs must not hang)
        }
        if (t.quit) done = true;
        if (!runner.finished() || shot.pending()) redraw = std::max(redraw, 1);
        if (t.sleeping && !stats.idle_marked() && model.worker().idle()) stats.mark_idle();
      }
      if (scripted && runner.finished() && !runner.failed() && !o.screenshot.empty() && !shot.final_taken &&
          !shot.pending()) {
        shot.request(o.screenshot, 2);
        shot.final_taken = true;
        redraw = std::max(redraw, 2);
      }
      if (shot.pending()) redraw = std::max(redraw, 1);
      if (const float want = wanted_scale(); std::abs(want - scale) > 0.005f) {
        scale = want;
        setup_style(scale);
        setup_fonts(scale);
        ImGui_ImplSDLRenderer_DestroyFontsTexture();  // NewFrame uploads the new atlas
        redraw = std::max(redraw, 3);
      }
      if (model.busy()) redraw = std::max(redraw, 1);
      if (redraw <= 0 && !done) continue;
      if (redraw > 0) --redraw;

      ImGui_ImplSDLRenderer_NewFrame();
      ImGui_ImplSDL2_NewFrame();
      ui::recorder().begin_frame();
      ImGui::NewFrame();
      draw_frame(model);
      ImGui::Render();
      ui::recorder().end_frame();
      SDL_SetRenderDrawColor(ren, 24, 26, 30, 255);
      SDL_RenderClear(ren);
      ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
      ++stats.frames;
      if (bool ok = true; shot.take_if_settled(ren, ok)) {
        if (!ok) exit_code = 1;
        if (shot.final_taken && runner.finished()) done = true;
      }
      SDL_RenderPresent(ren);
      // A script that ends without `quit` and no --screenshot leaves the app running.
    }
    if (o.stats) stats.print();
    ImGui_ImplSDLRenderer_Shutdown();
    ImGui_ImplSDL2_Shutdown();
  }
  ImGui::DestroyContext();
  SDL_DestroyRenderer(ren);
  SDL_DestroyWindow(win);
  SDL_Quit();
  return exit_code;
}

}  // namespace lockdiag::gui
