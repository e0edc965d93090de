// lockdiag_reports_cli: the report and keys commands behind the same parse and exit-code
// handling as lockdiag's main (app/cli/main.cpp).
#include <CLI/CLI.hpp>

#include "exit_codes.h"
#include "report_commands.h"

namespace lockdiag::cli {
int& command_exit_code() {
  static int code = kExitOk;
  return code;
}
}  // namespace lockdiag::cli

int main(int argc, char** argv) {
  using namespace lockdiag::cli;
  CLI::App app{"lockdiag report and keys commands (test driver)"};
  app.require_subcommand(1);
  add_report_commands(app);
  add_key_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return command_exit_code();
}
