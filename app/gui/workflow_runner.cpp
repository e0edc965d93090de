#include "workflow_runner.h"

#include <cstdlib>
#include <sstream>

#include "lockdiag/app/process.h"
#include "lockdiag/app/sim_keypad.h"
#include "lockdiag/app/sim_process.h"

namespace lockdiag::gui {

namespace fs = std::filesystem;

WorkflowRunner core_workflow_runner();  // workflow_runner_core.cpp
WorkflowRunner default_workflow_runner() { return core_workflow_runner(); }

fs::path sim_binary() {
  if (const char* bin = std::getenv("LOCKDIAG_BIN_DIR"); bin && *bin && fs::exists(fs::path(bin) / "lockfw-sim"))
    return fs::path(bin) / "lockfw-sim";
  return app::executable_dir() / "lockfw-sim";
}

std::vector<std::string> list_scenarios(const fs::path& binary) {
  std::vector<std::string> names;
  if (!fs::exists(binary)) return names;
  const auto listed = app::run_process({binary.string(), "--list-scenarios"});
  if (listed.exit_code != 0) return names;
  std::istringstream in(listed.out);
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
    const auto actions = app::sim_actions_for(p, {{"admin", "new-admin"}, {"", "new-user"}});
    if (actions.empty()) {
      message = "nothing to do at the lock";
      return false;
    }
    std::vector<std::string> argv{sim_binary().string(), "ctl", "--socket", uri.substr(4)};
    argv.insert(argv.end(), actions.begin(), actions.end());
    const auto r = app::run_process(argv);
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    message = r.exit_code == 127 ? "cannot run lockfw-sim ctl" : out;
    return r.exit_code == 0;
  };
}

}  // namespace lockdiag::gui
