// --stats: frames drawn and CPU time spent while the app sat idle (the idle-cost benchmark).
#pragma once

#include <chrono>

namespace lockdiag::gui {

double cpu_seconds();  // user + system CPU time of this process

struct FrameStats {
  long frames = 0, mark_frames = 0;
  double mark_cpu = -1;  // < 0: the idle stretch has not started
  std::chrono::steady_clock::time_point mark_wall = std::chrono::steady_clock::now();

  bool idle_marked() const { return mark_cpu >= 0; }
  void mark_idle();    // the idle stretch starts now (a script's `sleep` with no I/O in flight)
  void print() const;  // the stats line on stdout
};

}  // namespace lockdiag::gui
