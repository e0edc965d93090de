#include "sdl_app.h"

#include <sys/resource.h>

#include <SDL.h>
#include <cairo.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "gui_host.h"
#include "gui_model.h"
#include "imgui.h"
#include "imgui_impl_sdl.h"
#include "imgui_impl_sdlrenderer.h"
#include "script.h"
#include "ui.h"
#include "views.h"
#include "workflow_runner.h"

namespace lockdiag::gui {

namespace {

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

bool write_png(SDL_Renderer* r, const std::string& file, std::string& err) {
  int w = 0, h = 0;
  SDL_GetRendererOutputSize(r, &w, &h);
  cairo_surface_t* surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  cairo_surface_flush(surf);
  // Cairo's ARGB32 is native-endian 32-bit ARGB, which is SDL's ARGB8888; opaque, so no
  // premultiplication issue.
  const int ok = SDL_RenderReadPixels(r, nullptr, SDL_PIXELFORMAT_ARGB8888, cairo_image_surface_get_data(surf),
                                      cairo_image_surface_get_stride(surf));
  if (ok != 0) {
    err = SDL_GetError();
    cairo_surface_destroy(surf);
    return false;
  }
  // Force opaque alpha (some drivers leave it 0).
  unsigned char* px = cairo_image_surface_get_data(surf);
  const int stride = cairo_image_surface_get_stride(surf);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) px[y * stride + x * 4 + 3] = 0xFF;
  cairo_surface_mark_dirty(surf);
  const cairo_status_t st = cairo_surface_write_to_png(surf, file.c_str());
  cairo_surface_destroy(surf);
  if (st != CAIRO_STATUS_SUCCESS) {
    err = cairo_status_to_string(st);
    return false;
  }
  return true;
}

float display_scale(SDL_Window* win) {
  if (const char* s = std::getenv("LOCKDIAG_GUI_SCALE"); s && *s) return std::clamp(std::strtof(s, nullptr), 0.5f, 4.f);
  float ddpi = 0;
  if (SDL_GetDisplayDPI(SDL_GetWindowDisplayIndex(win), &ddpi, nullptr, nullptr) != 0 || ddpi <= 0) return 1.f;
  return std::clamp(ddpi / 96.f, 1.f, 3.f);
}

}  // namespace

int run_app(const AppOptions& o) {
  ParsedScript script;
  if (!o.script.empty()) {
    std::ifstream in(o.script);
    if (!in) {
      std::fprintf(stderr, "lockdiag-gui: cannot read script %s\n", o.script.c_str());
      return 2;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    script = parse_script(ss.str());
    if (!script.error.empty()) {
      std::fprintf(stderr, "lockdiag-gui: %s: %s\n", o.script.c_str(), script.error.c_str());
      return 2;
    }
  }

  // --screenshot without a script: let the lock connect and the reads settle, then shoot.
  if (o.script.empty() && !o.screenshot.empty())
    script = parse_script(o.devices.empty() ? "sleep 300\n" : "wait_connected 15\nwait_idle 30\nsleep 300\n");

  SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0) {
    std::fprintf(stderr, "lockdiag-gui: cannot start SDL: %s\n", SDL_GetError());
    return 1;
  }
  const Uint32 wake_event = SDL_RegisterEvents(1);
  SDL_Window* win = SDL_CreateWindow("lockdiag", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o.width, o.height,
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

    float scale = model.settings.ui_scale > 0 ? model.settings.ui_scale : display_scale(win);
    setup_style(scale);
    setup_fonts(scale);

    ImGui_ImplSDL2_InitForSDLRenderer(win);
    ImGui_ImplSDLRenderer_Init(ren);

    if (!o.devices.empty()) model.connect(o.devices.front());

    GuiHost host(model);
    std::string pending_shot, shot_error;
    host.screenshot_fn = [&](const std::string& file) {
      pending_shot = file;
      return true;
    };
    ScriptRunner runner(std::move(script.actions));
    const bool scripted = !runner.finished();
    // Scripts click with synthetic input; park the real pointer where it hovers nothing.
    if (scripted) SDL_WarpMouseInWindow(win, o.width - 1, o.height - 1);
    bool final_shot_taken = false;

    long frames = 0, mark_frames = 0;
    double mark_cpu = -1;
    auto mark_wall = std::chrono::steady_clock::now();
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
        if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_CLOSE &&
            ev.window.windowID == SDL_GetWindowID(win))
          done = true;
        got = SDL_PollEvent(&ev);
      }
      // New state from the worker needs one frame; input needs a few for Dear ImGui to settle.
      if (model.update()) redraw = std::max(redraw, 1);
      if (scripted && !runner.finished()) {
        runner.tick(host);
        if (runner.failed()) {
          std::fprintf(stderr, "lockdiag-gui: %s\n", runner.error().c_str());
          exit_code = 1;
          done = true;  // a failed script ends the run (tests and docs must not hang)
        }
        if (runner.quit_requested()) done = true;
        if (!runner.finished() || !pending_shot.empty()) redraw = std::max(redraw, 1);
        const ScriptAction* cur = runner.current();
        if (cur && cur->verb == "sleep" && mark_cpu < 0 && model.worker().idle()) {
          mark_cpu = cpu_seconds();
          mark_frames = frames;
          mark_wall = std::chrono::steady_clock::now();
        }
      }
      if (scripted && runner.finished() && !runner.failed() && !o.screenshot.empty() && !final_shot_taken &&
          pending_shot.empty()) {
        pending_shot = o.screenshot;
        final_shot_taken = true;
        redraw = std::max(redraw, 2);
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
      ++frames;
      if (!pending_shot.empty() && redraw == 0) {
        if (!write_png(ren, pending_shot, shot_error)) {
          std::fprintf(stderr, "lockdiag-gui: screenshot %s: %s\n", pending_shot.c_str(), shot_error.c_str());
          exit_code = 1;
        }
        pending_shot.clear();
        if (final_shot_taken && runner.finished()) done = true;
      }
      SDL_RenderPresent(ren);
      // A script that ends without `quit` and no --screenshot leaves the app running.
    }
    if (o.stats) {
      const double cpu = cpu_seconds();
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - mark_wall).count();
      std::printf("stats frames=%ld idle_frames=%ld idle_cpu_s=%.4f idle_wall_s=%.3f\n", frames,
                  mark_cpu < 0 ? 0 : frames - mark_frames, mark_cpu < 0 ? 0.0 : cpu - mark_cpu, wall);
    }
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
