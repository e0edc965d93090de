// Runs a program and captures its exit code, stdout and stderr (no shell involved).
#pragma once

#include <string>
#include <vector>

namespace lockdiag::app {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out;
  std::string err;
};

// An error starting the program is reported as exit_code 127 with the reason in err.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_text = {},
                          const std::vector<std::string>& extra_env = {});

}  // namespace lockdiag::app
