// --stats: frames drawn and CPU time spent while the app sat idle (the idle-cost benchmark).
#include "frame_stats.h"

#include <sys/resource.h>

#include <cstdio>

namespace lockdiag::gui {

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void FrameStats::mark_idle() {
  mark_cpu = cpu_seconds();
  mark_frames = frames;
  mark_wall = std::chrono::steady_clock::now();
}

void FrameStats::print() const {
  const double cpu = cpu_seconds();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - mark_wall).count();
  std::printf("stats frames=%ld idle_frames=%ld idle_cpu_s=%.4f idle_wall_s=%.3f\n", frames,
              mark_cpu < 0 ? 0 : frames - mark_frames, mark_cpu < 0 ? 0.0 : cpu - mark_cpu, wall);
}

}  // namespace lockdiag::gui
