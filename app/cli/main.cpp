// lockdiag: the technician's service tool, headless. Every workflow is a subcommand.
#include <cstdlib>
#include <functional>
#include <iostream>

#include "commands.h"
#include "device_choice.h"
#include "report_commands.h"
#include "suggest.h"
#include "lockdiag/app/connection.h"
#include "lockdiag/drivers/protocol_version.h"
#include "lockdiag_version.h"

int main(int argc, char** argv) {
  using namespace lockdiag::cli;
  CLI::App app{"lockdiag: service tool for keypad smart locks. It never shows, stores or sends a code value."};
  app.set_version_flag("--version", "lockdiag " LOCKDIAG_VERSION " (service protocol " +
                                        lockdiag::drivers::protocol_versions() + ")");
  app.require_subcommand(1);
  app.fallthrough();  // global options (--json, --device) also after the command name
  GlobalOptions g;
  // No --device and no $LOCKDIAG_DEVICE: the one lock present is chosen once the command is
  // known (below), for the commands that talk to a lock.
  if (const char* env = std::getenv("LOCKDIAG_DEVICE"); env && *env) g.device = env;
  app.add_option("-d,--device", g.device, "lock to talk to: sim:PATH, hid:VID:PID[:SERIAL], usb:VID:PID[:SERIAL]")
      ->envname("LOCKDIAG_DEVICE");
  app.add_flag("--json", g.json, "machine-readable output on stdout");
  app.add_option_function<std::string>(
      "--link", lockdiag::app::set_link_model,
      "model a real link on sim: (usb-fs: full-speed HID, one report each way per ms) and print its cost");
  app.add_option("--timeout-ms", g.timeout_ms, "per-request timeout")
      ->check(CLI::Range(50, 600000))
      ->capture_default_str();

  add_read_commands(app, g);
  add_workflow_commands(app, g);
  add_settings_command(app, g);
  add_demo_command(app, g);
  add_report_commands(app);
  add_key_commands(app);
  add_company_commands(app);
  add_devices_command(app, g);
  add_fleet_commands(app, g);

  app.parse_complete_callback([&] {
    if (!g.device.empty()) return;
    const auto subs = app.get_subcommands();
    if (subs.empty()) return;
    const auto nested = subs.front()->get_subcommands();
    if (!command_needs_device(subs.front()->get_name(), nested.empty() ? "" : nested.front()->get_name())) return;
    auto chosen = choose_device();
    if (!chosen) std::exit(report_error(g, kExitUnreachable, chosen.error()));
    g.device = *chosen;
  });
  // Global options work before or after the command: every subcommand's --help says so.
  const std::function<void(CLI::App*)> add_footer = [&](CLI::App* cmd) {
    for (CLI::App* sub : cmd->get_subcommands([](CLI::App*) { return true; })) {
      sub->footer(
          "Global options (before or after the command): -d,--device URI  --json  --timeout-ms N  --link usb-fs");
      add_footer(sub);
    }
  };
  add_footer(&app);
  // --json before parsing too: a wrong argument is then a JSON error like any other.
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--json") g.json = true;
  if (auto unknown = unknown_command_message(app, argc, argv)) return report_error(g, kExitUsage, *unknown);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (g.json) return report_error(g, kExitUsage, e.what());
    app.exit(e);
    return kExitUsage;
  }
  return command_exit_code();
}
