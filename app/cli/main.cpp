// lockdiag: the technician's service tool, headless. Every workflow is a subcommand.
#include <iostream>

#include "commands.h"
#include "report_commands.h"
#include "lockdiag/app/connection.h"
#include "lockdiag/drivers/protocol_version.h"
#include "lockdiag_version.h"

namespace lockdiag::cli {
int& command_exit_code() {
  static int code = kExitOk;
  return code;
}
}  // namespace lockdiag::cli

int main(int argc, char** argv) {
  using namespace lockdiag::cli;
  CLI::App app{"lockdiag: service tool for keypad smart locks. It never shows, stores or sends a code value."};
  app.set_version_flag("--version", "lockdiag " LOCKDIAG_VERSION " (service protocol " +
                                        lockdiag::drivers::protocol_versions() + ")");
  app.require_subcommand(1);
  app.fallthrough();  // global options (--json, --device) also after the command name
  GlobalOptions g;
  g.device = lockdiag::app::default_device_uri();
  app.add_option("-d,--device", g.device, "lock to talk to: sim:PATH, hid:VID:PID[:SERIAL], usb:VID:PID[:SERIAL]")
      ->envname("LOCKDIAG_DEVICE")
      ->capture_default_str();
  app.add_flag("--json", g.json, "machine-readable output on stdout");
  app.add_option_function<std::string>("--link", lockdiag::app::set_link_model,
                                      "model a real link on sim: (usb-fs: full-speed HID, one report each way per ms) and print its cost");
  app.add_option("--timeout-ms", g.timeout_ms, "per-request timeout")->check(CLI::Range(50, 600000))->capture_default_str();

  add_read_commands(app, g);
  add_workflow_commands(app, g);
  add_settings_command(app, g);
  add_demo_command(app, g);
  add_report_commands(app);
  add_key_commands(app);
  add_devices_command(app, g);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return command_exit_code();
}
