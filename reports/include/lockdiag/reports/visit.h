#pragma once
// The visit in plain words: what a job changed on the lock, what is still to do, and
// each step's title and purpose. One source for the CLI summary, the GUI's done screen and the
// customer's PDF; it lives here because the PDF renderer uses it and app/core builds on reports.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockdiag/reports/model.h"

namespace lockdiag::reports {

// One line of "what changed": "Codes on the lock", "8", "4".
struct Change {
  std::string what;
  std::string before;
  std::string after;
};

// Only what differs between the lock as found and as left, in plain words.
std::vector<Change> changes_between(const Snapshot& before, const Snapshot& after);

// "delete_slot_4" -> "Remove the code in slot 4"; a name it does not know becomes words
// ("some_step" -> "Some step"), never an identifier.
std::string step_title(std::string_view action);
// One line: why the step is there ("the owner tests the admin code at the keypad").
std::string step_purpose(std::string_view action);

// The one paragraph a customer reads first: what kind of visit, what changed, what remains.
std::string what_was_done(const Report& r);

// A job's kind in words ("Clock synchronisation").
std::string job_title(JobKind k);

}  // namespace lockdiag::reports
