// Test helpers: processes, the build's bin directory, temporary directories.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lockdiag/app/process.h"

namespace lockdiag::test {

using app::ProcessResult;
using app::run_process;

// build/<preset>/bin, from LOCKDIAG_BIN_DIR set by CTest.
std::filesystem::path bin_dir();

// A fresh empty directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace lockdiag::test
