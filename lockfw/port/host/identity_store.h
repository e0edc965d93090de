// The provisioning record of a virtual lock: its serial number, kept in the state file so a
// virtual lock is the same lock across runs.
#pragma once

#include <expected>
#include <string>

namespace lockfw::host {

std::expected<std::string, std::string> load_or_create_serial(const std::string& state_path);

}  // namespace lockfw::host
