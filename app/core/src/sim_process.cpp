#include "lockdiag/app/sim_process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "lockdiag/app/connection.h"

extern char** environ;

namespace lockdiag::app {

namespace fs = std::filesystem;

fs::path executable_dir() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : self.parent_path();
}

std::expected<SimProcess, std::string> SimProcess::start(const Options& o) {
  SimProcess p;
  p.binary_ = o.binary.empty() ? executable_dir() / "lockfw-sim" : o.binary;
  if (!fs::exists(p.binary_)) return std::unexpected("lockfw-sim not found at " + p.binary_.string());
  std::error_code ec;
  fs::create_directories(o.directory, ec);
  if (ec) return std::unexpected("cannot create " + o.directory.string() + ": " + ec.message());
  p.socket_ = o.directory / "lock.sock";
  p.state_ = o.directory / "lock.state";

  std::vector<std::string> args{p.binary_.string(), "--socket", p.socket_.string(), "--state", p.state_.string()};
  args.insert(args.end(), o.extra_args.begin(), o.extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (int rc = posix_spawn(&p.pid_, p.binary_.c_str(), nullptr, nullptr, argv.data(), environ); rc != 0)
    return std::unexpected("cannot start lockfw-sim: " + std::string(std::strerror(rc)));

  // Ready when the socket accepts a connection; give up after 5 s.
  for (int i = 0; i < 500; ++i) {
    int status = 0;
    if (waitpid(p.pid_, &status, WNOHANG) == p.pid_) {
      p.pid_ = -1;
      return std::unexpected("lockfw-sim exited at start (status " + std::to_string(status) + ")");
    }
    if (fs::exists(p.socket_) && drivers::open_transport(p.uri())) return p;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  p.stop();
  return std::unexpected("lockfw-sim did not open its socket within 5 s");
}

SimProcess::SimProcess(SimProcess&& o) noexcept
    : pid_(o.pid_), socket_(std::move(o.socket_)), state_(std::move(o.state_)), binary_(std::move(o.binary_)) {
  o.pid_ = -1;
}

SimProcess::~SimProcess() { stop(); }

void SimProcess::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 200; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace lockdiag::app
