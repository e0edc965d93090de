// Runs a program with arguments and captures its exit code, stdout and stderr (tests only).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lockdiag::test {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_text = {},
                          const std::vector<std::string>& extra_env = {});

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
