// Each file adds its commands to the root; main.cpp only assembles them.
#pragma once

#include <CLI/CLI.hpp>

#include "cli_context.h"

namespace lockdiag::cli {

void add_read_commands(CLI::App& root, GlobalOptions& g);
void add_demo_command(CLI::App& root, GlobalOptions& g);
void add_workflow_commands(CLI::App& root, GlobalOptions& g);
void add_settings_command(CLI::App& root, GlobalOptions& g);
void add_devices_command(CLI::App& root, GlobalOptions& g);
void add_fleet_commands(CLI::App& root, GlobalOptions& g);

int run_info(const GlobalOptions& g);

// A command's result travels from its callback to main through this exception-free slot.
int& command_exit_code();

}  // namespace lockdiag::cli
