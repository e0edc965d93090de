// Read-only commands: info (more with the workflows issue).
#include <iostream>

#include "commands.h"
#include "lockdiag/app/connection.h"

namespace lockdiag::cli {

int run_info(const GlobalOptions& g) {
  auto client = app::connect(g.device, {.call_timeout_ms = g.timeout_ms});
  if (!client) return report_error(g, client.error());
  auto id = client->identity();
  if (!id) return report_error(g, id.error());
  if (g.json) {
    print_json({{"device", g.device},
                {"model", id->model},
                {"serial", id->serial},
                {"firmware", id->firmware},
                {"hardware_revision", id->hw_revision},
                {"protocol", std::to_string(id->protocol_major) + "." + std::to_string(id->protocol_minor)},
                {"slot_count", id->slot_count},
                {"event_capacity", id->event_capacity}});
  } else {
    std::cout << "Model:           " << id->model << "\n"
              << "Serial:          " << id->serial << "\n"
              << "Firmware:        " << id->firmware << " (hardware rev " << id->hw_revision << ")\n"
              << "Protocol:        " << id->protocol_major << "." << id->protocol_minor << "\n"
              << "Code slots:      " << id->slot_count << "\n"
              << "Event capacity:  " << id->event_capacity << "\n"
              << "Device:          " << g.device << "\n";
  }
  return kExitOk;
}

void add_read_commands(CLI::App& root, GlobalOptions& g) {
  auto* info = root.add_subcommand("info", "identity of the lock: model, serial, firmware, slot count, event capacity");
  info->callback([&g] { command_exit_code() = run_info(g); });
}

}  // namespace lockdiag::cli
