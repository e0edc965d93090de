// A private virtual lock (lockfw-sim as a child process) for demos, training and tests.
#pragma once

#include <sys/types.h>

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace lockdiag::app {

class SimProcess {
 public:
  struct Options {
    std::filesystem::path directory;        // holds the socket and the state file
    std::vector<std::string> extra_args;    // e.g. {"--scenario", "occupied-rental"}
    std::filesystem::path binary;           // empty: lockfw-sim next to this executable
  };

  static std::expected<SimProcess, std::string> start(const Options& options);
  SimProcess(SimProcess&& other) noexcept;
  SimProcess& operator=(SimProcess&&) = delete;
  ~SimProcess();

  std::string uri() const { return "sim:" + socket_.string(); }
  const std::filesystem::path& socket() const { return socket_; }
  const std::filesystem::path& state_file() const { return state_; }
  const std::filesystem::path& binary() const { return binary_; }
  void stop();

 private:
  SimProcess() = default;
  pid_t pid_ = -1;
  std::filesystem::path socket_, state_, binary_;
};

// The directory of the running executable (to find sibling binaries).
std::filesystem::path executable_dir();

}  // namespace lockdiag::app
