// GUI benchmarks (docs/benchmarks.md, "GUI"):
//  1. frame build time with the full 10,000-event log open (headless Dear ImGui: NewFrame,
//     the GUI's frame function, Render; no renderer), also filtered and on the dashboard;
//  2. idle CPU of the real lockdiag-gui under Xvfb, connected to lockfw-sim, over N seconds
//     (getrusage inside the app, from the moment it went idle).
// Usage: bench_gui [--frames N] [--idle-seconds S] [--no-idle]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fake_lock.h"
#include "headless.h"
#include "lockdiag/app/sim_process.h"
#include "run_process.h"

using namespace lockdiag;
using Clock = std::chrono::steady_clock;

namespace {

struct Stats {
  double median_us, p99_us, max_us;
};

bool g_ok = true;
constexpr double kFrameBudgetUs = 1000;  // docs/benchmarks.md, "GUI": a frame builds in under 1 ms
constexpr double kIdleCpuPercent = 1.0;  // and an idle window costs under 1% of a core

Stats measure(test::HeadlessGui& g, int frames, const std::function<void(int)>& before = {}) {
  std::vector<double> us;
  us.reserve(static_cast<size_t>(frames));
  for (int i = 0; i < 30; ++i) g.frame();  // warm up: fonts, tables, clipper sizes
  for (int i = 0; i < frames; ++i) {
    if (before) before(i);
    const auto t0 = Clock::now();
    g.frame();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[us.size() * 99 / 100], us.back()};
}

void print(const char* what, const Stats& s) {
  std::printf("| %-44s | %8.1f | %8.1f | %8.1f |\n", what, s.median_us, s.p99_us, s.max_us);
  if (s.median_us > kFrameBudgetUs) {
    std::printf("FAIL: %s: median frame %.0f us, target %.0f us\n", what, s.median_us, kFrameBudgetUs);
    g_ok = false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 2000;
  int idle_s = 10;
  bool idle = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--frames") && i + 1 < argc) frames = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--idle-seconds") && i + 1 < argc) idle_s = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--no-idle")) idle = false;
  }
  // The idle part starts lockfw-sim and lockdiag-gui from the build's bin directory: the one
  // this benchmark lives in, unless LOCKDIAG_BIN_DIR says otherwise.
  if (!std::getenv("LOCKDIAG_BIN_DIR"))
    setenv("LOCKDIAG_BIN_DIR", std::filesystem::canonical("/proc/self/exe").parent_path().c_str(), 1);

  // ---- 1. frame build time -------------------------------------------------------------------
  test::FakeLockState lock;
  test::fill_fake_lock(lock, 10000);
  lock.session_open = true;
  gui::GuiModel::Options o;
  o.backend = std::make_unique<test::FakeLockBackend>(lock);
  o.job_store = "-";
  o.settings = "-";
  o.discover = false;
  o.worker.poll_interval_ms = 0;
  gui::GuiModel m(std::move(o));
  test::HeadlessGui g(m);
  if (!g.run_script("connect sim:/bench\nwait_connected 5\nclick \"Read slots\"\nwait_idle 5\nview dashboard\n"
                    "click \"Read event log\"\nwait_idle 10\nwait_text \"10000 of 10000 events\" 5\n")
           .empty()) {
    std::fprintf(stderr, "bench_gui: could not load the event log\n");
    return 1;
  }
  std::printf("Frame build time, %d frames each, 1280x800, Dear ImGui %s (microseconds)\n\n", frames, IMGUI_VERSION);
  std::printf("| %-44s | %8s | %8s | %8s |\n", "view", "median", "p99", "max");
  std::printf("|%s|%s|%s|%s|\n", std::string(46, '-').c_str(), std::string(10, '-').c_str(),
              std::string(10, '-').c_str(), std::string(10, '-').c_str());
  m.view = gui::View::kEvents;
  print("Events, all 10,000, top of the list", measure(g, frames));
  m.events.selected = 4000;
  print("Events, all 10,000, a row selected (why?)", measure(g, frames));
  // Scroll through the whole list: the clipper draws only what is visible.
  print("Events, scrolling through all 10,000", measure(g, frames, [&](int i) {
          m.events.selected = (i * 10000 / std::max(1, frames)) % 10000;
          m.events.scroll_to_selected = true;  // as PageDown does
        }));
  m.events.type = 2;  // wrong codes only
  m.apply_event_filter();
  print("Events, filtered to wrong codes", measure(g, frames));
  const auto t0 = Clock::now();
  for (int i = 0; i < 100; ++i) {
    m.events.type = i % 2 ? 0 : 2;
    m.apply_event_filter();
  }
  const double refilter_us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / 100;
  m.view = gui::View::kSlots;
  print("Slots, 40 occupied", measure(g, frames));
  m.view = gui::View::kDashboard;
  print("Dashboard", measure(g, frames));
  std::printf("\nRe-filtering 10,000 events (on a filter change, not per frame): %.0f us\n", refilter_us);

  if (!idle) return g_ok ? 0 : 1;
  // ---- 2. idle CPU -----------------------------------------------------------------------------
  test::TempDir dir;
  auto sim = app::SimProcess::start({dir.path() / "sim", {}, test::bin_dir() / "lockfw-sim"});
  if (!sim) {
    std::fprintf(stderr, "bench_gui: %s\n", sim.error().c_str());
    return 1;
  }
  const auto script = dir.path() / "idle.script";
  std::ofstream(script) << "wait_connected 15\nwait_idle 10\nsleep " << idle_s * 1000 << "\nquit\n";
  auto r = test::run_process({"/usr/bin/xvfb-run", "-a", (test::bin_dir() / "lockdiag-gui").string(), "--device",
                              sim->uri(), "--script", script.string(), "--stats", "--job-store",
                              (dir.path() / "jobs.sqlite").string(), "--settings",
                              (dir.path() / "settings.json").string()},
                             "", {"XDG_RUNTIME_DIR=" + dir.path().string()});
  long frames_total = 0, idle_frames = 0;
  double cpu = 0, wall = 0;
  const auto at = r.out.find("stats ");
  if (r.exit_code != 0 || at == std::string::npos ||
      std::sscanf(r.out.c_str() + at, "stats frames=%ld idle_frames=%ld idle_cpu_s=%lf idle_wall_s=%lf", &frames_total,
                  &idle_frames, &cpu, &wall) != 4) {
    std::fprintf(stderr, "bench_gui: lockdiag-gui failed (%d): %s %s\n", r.exit_code, r.out.c_str(), r.err.c_str());
    return 1;
  }
  std::printf(
      "\nIdle, connected to lockfw-sim, Dashboard open, under Xvfb: %.2f%% of one core over %.1f s "
      "(%.3f s CPU, %ld frames drawn while idle)\n",
      100.0 * cpu / wall, wall, cpu, idle_frames);
  if (100.0 * cpu / wall > kIdleCpuPercent) {
    std::printf("FAIL: idle CPU %.2f%% of one core, target %.1f%%\n", 100.0 * cpu / wall, kIdleCpuPercent);
    g_ok = false;
  }
  std::printf("%s\n", g_ok ? "targets met: every frame median <= 1 ms, idle <= 1% of a core" : "targets missed");
  return g_ok ? 0 : 1;
}
