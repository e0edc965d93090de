#pragma once
// Small file helpers shared by keys and the CLI.
#include <sys/types.h>

#include <filesystem>
#include <string_view>

#include "lockdiag/reports/error.h"

namespace lockdiag::reports {

// Write via a temporary file in the same directory + rename: readers never see half a file.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view bytes, mode_t mode);

}  // namespace lockdiag::reports
