// The app's --script: reading it (or the default a lone --screenshot runs) and giving it its
// turn once per frame.
#pragma once

#include "script.h"
#include "sdl_app.h"

namespace lockdiag::gui {

// Reads --script FILE or, for --screenshot without one, the default that lets the lock connect
// and the reads settle. False (the message on stderr) when the file cannot be read or parsed.
bool load_app_script(const AppOptions& o, ParsedScript& script);

struct ScriptTick {
  bool failed = false;    // an action failed (its message is on stderr)
  bool quit = false;      // the script said quit
  bool sleeping = false;  // the current action is a `sleep`
};

// One frame's turn of a script that has not finished.
ScriptTick tick_script(ScriptRunner& runner, ScriptHost& host);

}  // namespace lockdiag::gui
