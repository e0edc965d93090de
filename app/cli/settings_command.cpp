// lockdiag settings: the technician identity the reports are signed under.
#include <iostream>
#include <memory>

#include "commands.h"
#include "lockdiag/app/settings.h"
#include "technician_key.h"

namespace lockdiag::cli {

void add_settings_command(CLI::App& root, GlobalOptions& g) {
  auto* cmd = root.add_subcommand("settings", "the technician's name, company and licence number");
  auto s = std::make_shared<app::Settings>();
  cmd->add_option("--technician", s->technician, "set the technician's name");
  cmd->add_option("--company", s->company, "set the company");
  cmd->add_option("--licence", s->licence, "set the licence number");
  cmd->callback([&g, s] {
    auto current = app::load_settings();
    if (!current) {
      command_exit_code() = report_error(g, kExitDataError, current.error());
      return;
    }
    if (!s->technician.empty()) current->technician = s->technician;
    if (!s->company.empty()) current->company = s->company;
    if (!s->licence.empty()) current->licence = s->licence;
    if (!s->technician.empty() || !s->company.empty() || !s->licence.empty())
      if (auto w = app::save_settings(*current); !w) {
        command_exit_code() = report_error(g, kExitFailure, w.error());
        return;
      }
    const auto cert = certificate_status();
    if (g.json)
      print_json({{"technician", current->technician}, {"company", current->company}, {"licence", current->licence},
                  {"certificate", cert.line}, {"certificate_ok", cert.ok}});
    else
      std::cout << "Technician: " << current->technician << "\nCompany:    " << current->company
                << "\nLicence:    " << current->licence << "\n" << cert.line << "\n";
    command_exit_code() = kExitOk;
  });
}

}  // namespace lockdiag::cli
