// With no --device (and no $LOCKDIAG_DEVICE): the one lock that is plugged in (or one virtual
// lock running) is used; more than one gives a list and how to choose; none says what to check.
#pragma once

#include <expected>
#include <string>

namespace lockdiag::cli {

// The URI to use, or the one-line message saying why there is none.
std::expected<std::string, std::string> choose_device();

// Commands that talk to a lock (and so need a device) among `lockdiag COMMAND [SUB]`.
bool command_needs_device(const std::string& command, const std::string& sub);

}  // namespace lockdiag::cli
