// End to end under Xvfb: lockdiag-gui on a virtual lock runs a diagnose through --script and
// writes a PNG screenshot of the window, which must have the window's size and not be blank.
#include <doctest/doctest.h>

#include <cairo.h>

#include <cstring>
#include <fstream>
#include <set>

#include "lockdiag/app/sim_process.h"
#include "run_process.h"

using namespace lockdiag;

TEST_CASE("lockdiag-gui --device sim:... --script diagnose --screenshot under Xvfb") {
  test::TempDir dir;
  auto sim = app::SimProcess::start(
      {dir.path() / "sim", {"--scenario", "occupied-rental"}, test::bin_dir() / "lockfw-sim"});
  REQUIRE_MESSAGE(sim.has_value(), (sim ? "" : sim.error()));

  const auto script = dir.path() / "diagnose.script";
  std::ofstream(script) << R"S(# docs/gui.md: a diagnose from the Dashboard
wait_connected 15
wait_text "Dashboard" 10
click "Diagnose..."
wait_text "Wizard: Diagnose" 5
assist yes
set technician "Pat Example"
set company "Example Locks"
set site "Test bench"
set customer "Training"
set complaint_slot 1
click "Start"
wait_done 120
wait_text "Finished: done" 5
view dashboard
wait_idle 10
expect "LD-100"
)S";
  const auto png = dir.path() / "shot.png";
  auto r = test::run_process({LOCKDIAG_XVFB_RUN, "-a", "-s", "-screen 0 1600x1000x24",
                              (test::bin_dir() / "lockdiag-gui").string(), "--device", sim->uri(), "--script",
                              script.string(), "--screenshot", png.string(), "--job-store",
                              (dir.path() / "jobs.sqlite").string(), "--settings",
                              (dir.path() / "settings.json").string()},
                             "", {"XDG_RUNTIME_DIR=" + dir.path().string()});
  INFO("stdout: " << r.out);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);

  cairo_surface_t* s = cairo_image_surface_create_from_png(png.c_str());
  REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
  CHECK(cairo_image_surface_get_width(s) == 1280);
  CHECK(cairo_image_surface_get_height(s) == 800);
  // Not blank: many distinct colours, and not one colour covering nearly everything.
  const unsigned char* px = cairo_image_surface_get_data(s);
  const int stride = cairo_image_surface_get_stride(s);
  std::set<uint32_t> colours;
  size_t background = 0, total = 0;
  uint32_t first = 0;
  for (int y = 0; y < cairo_image_surface_get_height(s); y += 2)
    for (int x = 0; x < cairo_image_surface_get_width(s); x += 2) {
      uint32_t v;
      std::memcpy(&v, px + y * stride + x * 4, 4);
      if (total == 0) first = v;
      background += v == first;
      ++total;
      if (colours.size() < 4096) colours.insert(v);
    }
  cairo_surface_destroy(s);
  CHECK(colours.size() > 20);
  CHECK(background < total * 98 / 100);
}
