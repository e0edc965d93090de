// The core's words for an internal name the GUI holds: a job kind ("handoff_audit") becomes its
// title, a step name ("delete_slot_4") its step title; no snake_case reaches the screen
// (gui_layout and gui_screens_xvfb scan for it).
#pragma once

#include <string>

#include "lockdiag/reports/model.h"
#include "lockdiag/reports/visit.h"

namespace lockdiag::gui {

inline std::string plain_words(const std::string& name) {
  if (const auto kind = reports::parse_job_kind(name)) return reports::job_title(*kind);
  return reports::step_title(name);
}

}  // namespace lockdiag::gui
