#include "workflow_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "lockdiag/app/sim_process.h"

extern char** environ;

namespace lockdiag::gui {

namespace fs = std::filesystem;

#if LOCKDIAG_GUI_HAVE_WORKFLOWS
WorkflowRunner core_workflow_runner();  // workflow_runner_core.cpp
WorkflowRunner default_workflow_runner() { return core_workflow_runner(); }
#else
// The core's workflows (app/core workflow.h: run_job / resume_job) are not in this build yet;
// the wizard says so instead of pretending.
WorkflowRunner default_workflow_runner() { return {}; }
#endif

fs::path sim_binary() {
  if (const char* bin = std::getenv("LOCKDIAG_BIN_DIR"); bin && *bin && fs::exists(fs::path(bin) / "lockfw-sim"))
    return fs::path(bin) / "lockfw-sim";
  return app::executable_dir() / "lockfw-sim";
}

int run_capture(const std::vector<std::string>& argv, std::string& out) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (auto& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return -1;
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::string> list_scenarios(const fs::path& binary) {
  std::vector<std::string> names;
  if (!fs::exists(binary)) return names;
  std::string out;
  if (run_capture({binary.string(), "--list-scenarios"}, out) != 0) return names;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string name;
    if (l >> name && name != "fresh") names.push_back(name);
  }
  return names;
}

std::function<bool(const app::LockPrompt&, const std::string&, std::string&)> default_simulator() {
  return [](const app::LockPrompt& p, const std::string& uri, std::string& message) {
    if (uri.rfind("sim:", 0) != 0) {
      message = "only a virtual lock can be simulated";
      return false;
    }
    std::vector<std::string> argv{sim_binary().string(), "ctl", "--socket", uri.substr(4)};
    switch (p.action) {
      case app::LockPrompt::Action::kOpenSession: argv.push_back("open-session"); break;
      case app::LockPrompt::Action::kConfirmAtLock: argv.push_back("confirm"); break;
      case app::LockPrompt::Action::kTypeCode:
        argv.push_back("type-code");
        argv.push_back(std::to_string(p.slot));
        break;
      case app::LockPrompt::Action::kEnrollCode:
        argv.push_back("enroll-person");
        argv.push_back(p.person.empty() ? "new-user" : p.person);
        break;
      case app::LockPrompt::Action::kNone:
        message = "nothing to do at the lock";
        return false;
    }
    std::string out;
    const int rc = run_capture(argv, out);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    message = rc < 0 ? "cannot run lockfw-sim ctl" : out;
    return rc == 0;
  };
}

}  // namespace lockdiag::gui
