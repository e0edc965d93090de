// Every screen of lockdiag-gui at 1366x768 under Xvfb, at scale 1 and 1.5, on lockfw-sim's
// occupied-rental: a PNG of each (kept in the build directory, gui-screens/, for a person to
// look at; docs/images are refreshed from the same run, docs/gui.md), and a layout probe of each
// (the laid-out rectangles, layout_probe.h) checked here:
//  - the window opens within the display (asked for 1600x1000 on a 1366x768 screen);
//  - each form's Start and a finished wizard's verdict are inside the window;
//  - no string on any screen is a snake_case identifier;
//  - `screenshot` writes the frame it names (a PNG per screen, each different).
#include <doctest/doctest.h>

#include <cairo.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "snake_case_scan.h"
#include "lockdiag/app/sim_process.h"
#include "run_process.h"

using namespace lockdiag;
namespace fs = std::filesystem;

namespace {

struct Box {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
struct Probe {
  float w = 0, h = 0, font = 0;
  std::map<std::string, Box> rects;  // widgets and regions by name
  std::vector<std::string> text;
};

Probe read_probe(const fs::path& f) {
  Probe p;
  std::ifstream in(f);
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    std::string kind;
    l >> kind;
    if (kind == "window") l >> p.w >> p.h;
    else if (kind == "font") l >> p.font;
    else if (kind == "widget" || kind == "region") {
      Box b;
      l >> b.x0 >> b.y0 >> b.x1 >> b.y1;
      std::string name;
      std::getline(l >> std::ws, name);
      p.rects[name] = b;
    } else if (kind == "text" && line.size() > 5) p.text.push_back(line.substr(5));
  }
  return p;
}

std::string screens_script(const fs::path& out, bool all) {
  std::ostringstream s;
  auto shot = [&](const std::string& name) {
    s << "screenshot \"" << (out / (name + ".png")).string() << "\"\nprobe \"" << (out / (name + ".probe")).string()
      << "\"\n";
  };
  s << "wait_connected 15\nwait_idle 30\nset technician \"Pat Example\"\nset company \"Example Locks\"\n";
  if (all) {
    s << "view connect\n";
    shot("connect");
    s << "view dashboard\n";
    shot("dashboard");
    s << "view slots\nclick \"Read slots\"\nwait_idle 30\n";
    shot("slots");
    s << "view events\nclick \"Read event log\"\nwait_idle 60\nwait_text \"events\" 5\nset event_type 2\nset "
         "event_selected 0\n"
         "wait_text \"Why was this rejected?\" 5\n";
    shot("events");
    s << "view settings\n";
    shot("settings");
    s << "view wizard\n";
    shot("wizards");
  }
  const char* forms[][2] = {{"Diagnose", "form-diagnose"},
                            {"Handoff audit", "form-handoff"},
                            {"Reset + onboarding", "form-reset"},
                            {"Code rotation", "form-rotation"},
                            {"Clock sync", "form-clock"}};
  for (const auto& f : forms) {
    s << "view wizard\nclick \"" << f[0] << "\"\n";
    if (std::string(f[1]) == "form-reset")
      s << "set site \"Flat 9\"\nset customer \"C. Newowner\"\nset ownership_evidence \"deed shown\"\n"
           "set enroll.2.start 09:00\nset enroll.2.end 12:30\nset enroll.1.label \"Alice\"\nset enroll.1.role "
           "user\nset enroll.2.label \"Cleaner\"\nset enroll.2.role guest\n"
           "set enroll.2.schedule days\nset enroll.2.days mon,wed,fri\n"
           "set enroll.3.label \"Visitor\"\nset enroll.3.role guest\nset enroll.3.schedule first-use\nset "
           "enroll.3.minutes 5000\n";
    shot(f[1]);
    s << "click \"Back##wz\"\n";
  }
  s << "view wizard\nclick \"Diagnose\"\nassist yes\n"
       "set site \"Test bench\"\nset customer \"Training\"\nset complaint_slot 1\nclick \"Start\"\nwait_done 120\n"
       "wait_text \"Finished: done\" 5\n";
  shot("diagnose-done");
  if (all) {
    s << "view jobs\nwait_idle 10\n";
    shot("jobs");
    // The UI scale applies live: Settings' value, no restart.
    s << "view settings\nset ui_scale 1.5\nprobe \"" << (out / "live-scale.txt").string() << "\"\n";
  }
  s << "quit\n";
  return s.str();
}

}  // namespace

TEST_CASE("every screen at 1366x768 under Xvfb, scale 1 and 1.5: screenshots kept, Start and results inside") {
  const fs::path root = fs::path(LOCKDIAG_SCREENS_DIR);
  for (const char* scale : {"1", "1.5"}) {
    CAPTURE(scale);
    const bool all = std::string(scale) == "1";
    const fs::path out = root / (std::string("scale-") + scale);
    fs::create_directories(out);
    for (const auto& e : fs::directory_iterator(out)) fs::remove(e.path());  // our own files only
    test::TempDir dir;
    // --lock-wide-sessions (the 1.3 lock): the owner opens the session before the GUI starts, so
    // every screen is drawn with it; channel binding is tested elsewhere (e2e_session_channel).
    auto sim = app::SimProcess::start({dir.path() / "sim",
                                       {"--scenario", "occupied-rental", "--lock-wide-sessions"},
                                       test::bin_dir() / "lockfw-sim"});
    REQUIRE_MESSAGE(sim.has_value(), (sim ? "" : sim.error()));
    // The session opened at the lock (as the owner would), so the slots and the log can be read.
    if (all)
      REQUIRE(test::run_process({(test::bin_dir() / "lockfw-sim").string(), "ctl", "--socket", sim->socket().string(),
                                 "open-session"})
                  .exit_code == 0);
    const auto script = dir.path() / "screens.script";
    std::ofstream(script) << screens_script(out, all);
    auto r = test::run_process(
        {LOCKDIAG_XVFB_RUN, "-a", "-s", "-screen 0 1366x768x24", (test::bin_dir() / "lockdiag-gui").string(),
         "--device", sim->uri(), "--script", script.string(), "--width", "1600", "--height", "1000", "--job-store",
         (dir.path() / "jobs.sqlite").string(), "--settings", (dir.path() / "settings.json").string()},
        "", {"XDG_RUNTIME_DIR=" + dir.path().string(), std::string("LOCKDIAG_GUI_SCALE=") + scale});
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);

    std::set<std::string> pngs_seen;
    size_t screens = 0;
    for (const auto& e : fs::directory_iterator(out)) {
      if (e.path().extension() != ".probe") continue;
      ++screens;
      const std::string name = e.path().stem().string();
      CAPTURE(name);
      const Probe p = read_probe(e.path());
      CHECK(p.font == (all ? 16 : 24));  // the scale asked for (LOCKDIAG_GUI_SCALE)
      // Within the display, and the window the screenshot shows.
      CHECK(p.w <= 1366);
      CHECK(p.h <= 768);
      CHECK(p.w >= 1000);
      const auto png = fs::path(e.path()).replace_extension(".png");
      cairo_surface_t* s = cairo_image_surface_create_from_png(png.c_str());
      REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
      CHECK(cairo_image_surface_get_width(s) == static_cast<int>(p.w));
      CHECK(cairo_image_surface_get_height(s) == static_cast<int>(p.h));
      // The frame the script named: each screen's picture differs from every other's.
      std::string bytes(reinterpret_cast<const char*>(cairo_image_surface_get_data(s)),
                        static_cast<size_t>(cairo_image_surface_get_stride(s) * cairo_image_surface_get_height(s)));
      cairo_surface_destroy(s);
      CHECK(pngs_seen.insert(bytes).second);
      // The page's primary action and a finished wizard's verdict are inside the window.
      std::vector<std::string> must;
      if (name.rfind("form-", 0) == 0) must = {"Start", "Back##wz"};
      if (name == "diagnose-done") must = {"wizard.result", "New wizard"};
      for (const auto& n : must) {
        CAPTURE(n);
        auto it = p.rects.find(n);
        REQUIRE_MESSAGE(it != p.rects.end(), n << " is not visible");
        const Box& b = it->second;
        CHECK(b.x0 >= 0);
        CHECK(b.y0 >= 0);
        CHECK(b.x1 <= p.w);
        CHECK(b.y1 <= p.h);
      }
      for (const auto& t : p.text) {
        for (const auto& w : test::snake_case_words(t)) FAIL_CHECK("snake_case on screen: '" << w << "' in: " << t);
      }
    }
    CHECK(screens == (all ? 13u : 6u));
    if (all) {  // 16 px at scale 1 (every probe above), 24 px once Settings says 1.5
      std::ifstream live(out / "live-scale.txt");
      std::string window, font;
      std::getline(live, window);
      std::getline(live, font);
      CHECK(font == "font 24");
      CHECK(read_probe(out / "dashboard.probe").rects.size() > 0);
    }
    // docs/images, from this run (docs/gui.md says how to refresh them).
    if (all) {
      const fs::path docs = root / "docs-images";
      fs::create_directories(docs);
      const char* images[][2] = {{"dashboard", "gui-dashboard"},
                                 {"events", "gui-events"},
                                 {"diagnose-done", "gui-diagnose"},
                                 {"form-reset", "gui-reset-schedule"}};
      for (const auto& im : images) {
        std::error_code ec;
        fs::copy_file(out / (std::string(im[0]) + ".png"), docs / (std::string(im[1]) + ".png"),
                      fs::copy_options::overwrite_existing, ec);
        CHECK_MESSAGE(!ec, im[1] << ": " << ec.message());
      }
    }
  }
}
