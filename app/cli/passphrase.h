// Where the technician key's passphrase comes from: LOCKDIAG_KEY_PASSPHRASE, else a prompt
// on the terminal with echo off. Never prompts when stdin is not a terminal.
#pragma once

#include <optional>
#include <string>

namespace lockdiag::cli {

// nullopt: no passphrase available (not set and no terminal to ask on).
// When `choose` is true the prompt asks for a new passphrase twice (empty for none).
std::optional<std::string> obtain_passphrase(bool choose, std::string* error);

}  // namespace lockdiag::cli
