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

// Every text the report of a job of `kind` will carry: the first problem, or nullopt.
// Missing fields are missing_input's business; this checks what is there.
std::optional<std::string> check_job_inputs(const JobInputs& in);

// The lock's serial number becomes the report id (SERIAL-jobN): letters, digits, . _ - only.
std::optional<std::string> check_lock_serial(const std::string& serial);

}  // namespace lockdiag::app
