// The app's --script: reading it (or the default a lone --screenshot runs) and giving it its
// turn once per frame.
#include "app_script.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace lockdiag::gui {

bool load_app_script(const AppOptions& o, ParsedScript& script) {
  if (!o.script.empty()) {
    std::ifstream in(o.script);
    if (!in) {
      std::fprintf(stderr, "lockdiag-gui: cannot read script %s\n", o.script.c_str());
      return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    script = parse_script(ss.str());
    if (!script.error.empty()) {
      std::fprintf(stderr, "lockdiag-gui: %s: %s\n", o.script.c_str(), script.error.c_str());
      return false;
    }
  }

  // --screenshot without a script: let the lock connect and the reads settle, then shoot.
  if (o.script.empty() && !o.screenshot.empty())
    script = parse_script(o.devices.empty() ? "sleep 300\n" : "wait_connected 15\nwait_idle 30\nsleep 300\n");
  return true;
}

ScriptTick tick_script(ScriptRunner& runner, ScriptHost& host) {
  ScriptTick t;
  runner.tick(host);
  if (runner.failed()) {
    std::fprintf(stderr, "lockdiag-gui: %s\n", runner.error().c_str());
    t.failed = true;
  }
  t.quit = runner.quit_requested();
  const ScriptAction* cur = runner.current();
  t.sleeping = cur && cur->verb == "sleep";
  return t;
}

}  // namespace lockdiag::gui
