// lockdiag's `report` and `keys` commands (docs/report-format.md).
//
//   lockdiag report verify FILE [--key PUBFILE] [--json]
//   lockdiag report render FILE -o OUT.pdf [--paper a4|letter]
//   lockdiag report sign FILE.json -o OUT
//   lockdiag keys show [--json]
//   lockdiag keys export [-o FILE]
//
// Each command's exit code (exit_codes.h) is stored in command_exit_code(), which the
// program's main defines and returns (app/cli/main.cpp). Errors go to stderr as
// "lockdiag: ...". Build with app/cli/reports.cmake (target lockdiag_cli_reports).
#pragma once

#include <CLI/CLI.hpp>

namespace lockdiag::cli {

void add_report_commands(CLI::App& root);
void add_key_commands(CLI::App& root);
void add_company_commands(CLI::App& root);

// Defined by the program's main (app/cli/main.cpp): where a command leaves its exit code.
int& command_exit_code();

}  // namespace lockdiag::cli
