// lockdiag-gui: the desktop application a locksmith uses on site. See docs/gui.md.
#include <CLI/CLI.hpp>

#include "lockdiag/drivers/protocol_version.h"
#include "lockdiag_version.h"
#include "sdl_app.h"

int main(int argc, char** argv) {
  lockdiag::gui::AppOptions o;
  CLI::App app{"lockdiag-gui: keypad lock service tool (desktop)"};
  app.set_version_flag("--version", "lockdiag-gui " LOCKDIAG_VERSION " (service protocol " +
                                        lockdiag::drivers::protocol_versions() + ")");
  app.add_option("--device", o.devices, "lock to connect to at start (sim:PATH, hid:..., usb:...); repeatable");
  app.add_option("--screenshot", o.screenshot, "write the window to this PNG (after --script), then quit");
  app.add_option("--script", o.script, "run a file of UI actions (docs/gui.md, 'Scripts')");
  app.add_option("--job-store", o.job_store, "job store file (default: $XDG_DATA_HOME/lockdiag/jobs.sqlite)");
  app.add_option("--settings", o.settings,
                 "settings file, shared with lockdiag (default: $XDG_CONFIG_HOME/lockdiag/settings.json)");
  app.add_option("--width", o.width, "window width")->check(CLI::Range(640, 8192));
  app.add_option("--height", o.height, "window height")->check(CLI::Range(480, 8192));
  app.add_flag("--stats", o.stats, "print frames drawn and CPU time while idle on exit (benchmarks)");
  CLI11_PARSE(app, argc, argv);
  return lockdiag::gui::run_app(o);
}
