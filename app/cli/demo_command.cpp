// lockdiag demo: a private virtual lock and the main job against it.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.h"
#include "lockdiag/app/sim_process.h"

namespace lockdiag::cli {

namespace {

int run_demo(GlobalOptions g, const std::string& dir_arg) {
  namespace fs = std::filesystem;
  const fs::path dir = dir_arg.empty() ? fs::temp_directory_path() / ("lockdiag-demo-" + std::to_string(getpid())) : fs::path(dir_arg);
  auto sim = app::SimProcess::start({.directory = dir, .extra_args = {}, .binary = {}});
  if (!sim) return report_error(g, kExitFailure, "cannot start the virtual lock: " + sim.error());
  if (!g.json) std::cout << "Virtual lock running at " << sim->uri() << "\n\n";
  g.device = sim->uri();
  // The main job so far: read the lock's identity the way a technician would first.
  const int rc = run_info(g);
  if (dir_arg.empty()) {
    sim->stop();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return rc;
}

}  // namespace

void add_demo_command(CLI::App& root, GlobalOptions& g) {
  auto* demo = root.add_subcommand("demo", "start a private virtual lock and run the main job against it");
  auto dir = std::make_shared<std::string>();
  demo->add_option("--dir", *dir, "keep the virtual lock's files here (default: a temp directory)");
  demo->callback([&g, dir] { command_exit_code() = run_demo(g, *dir); });
}

}  // namespace lockdiag::cli
