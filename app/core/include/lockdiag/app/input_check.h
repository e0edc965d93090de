// Everything a job's report needs, checked before the first step that changes the lock
// (DESIGN invariant 5). One validator for the CLI and the GUI's forms: a field the signed
// report would refuse (a control character, a bidi control such as U+202E that can make a
// report read differently from what it says, bad UTF-8, too long) is refused here, naming
// the field and how to fix it.
#pragma once

#include <optional>
#include <string>

#include "lockdiag/app/workflow.h"

namespace lockdiag::app {

inline constexpr size_t kMaxShortField = 200;   // names, site, customer (the report's short text)
inline constexpr size_t kMaxLongField = 2000;   // ownership evidence, notes

// nullopt when `value` is fine for a report field shown as `label` ("the site (--site)").
std::optional<std::string> check_text_field(const std::string& value, const std::string& label, size_t max,
                                            bool multiline = false);

// Who reads a message about the inputs: the command line names its options ("the site
// (--site)"), the GUI's forms name their fields or Settings ("your name (Settings)"). The rules
// and their order are the same for both; only the words that say where to fix it differ.
enum class InputFace { kCommandLine, kForm };

// The first field a job of `kind` cannot start without, or nullopt. A reset + onboarding needs
// no person besides the admin: the admin code is always enrolled first, at the keypad.
std::optional<std::string> missing_input(JobKind kind, const JobInputs& in, InputFace face = InputFace::kCommandLine);

// Every text the report of a job will carry: the first problem, or nullopt.
// Missing fields are missing_input's business; this checks what is there.
std::optional<std::string> check_job_inputs(const JobInputs& in, InputFace face = InputFace::kCommandLine);

// The lock's serial number becomes the report id (SERIAL-jobN): letters, digits, . _ - only.
std::optional<std::string> check_lock_serial(const std::string& serial);

}  // namespace lockdiag::app
