// The --answers FILE of workflow commands (docs/workflows.md, "Running without a terminal"):
//   {"answers": {"keep.3": true, ...}, "inputs": {"technician": "...", "site": "...", ...}}
// Checked whole when it is read, so a mistyped file is refused with what is wrong before the
// workflow starts, and nothing later meets a value of the wrong type.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace lockdiag::cli {

// The `inputs` an answers file may give (the flags of the same names beat them).
inline constexpr const char* kAnswerInputs[] = {"technician", "company", "licence", "site",
                                                "customer",   "notes",   "present", "ownership_evidence",
                                                "site_zone"};

// The file's bytes -> its JSON object, or why not (without the path: the caller names the file).
std::expected<nlohmann::json, std::string> parse_answers(std::string_view text);

}  // namespace lockdiag::cli
