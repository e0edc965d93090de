// "unknown command 'stauts'; did you mean 'status'?": the command word is checked before
// CLI11 parses, so a typo gets a suggestion instead of "arguments were not expected".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace lockdiag::cli {

// The closest of `names` to `word` (edit distance at most 2, or a unique prefix), if any.
std::optional<std::string> closest_name(const std::string& word, const std::vector<std::string>& names);

// The first word of argv that is not an option (or an option's value) when it names no
// subcommand of `app`: the message to print. nullopt when the command word is known or absent.
std::optional<std::string> unknown_command_message(const CLI::App& app, int argc, const char* const* argv);

}  // namespace lockdiag::cli
