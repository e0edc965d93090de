// lockdiag settings: the technician identity the reports are signed under, and the company's
// contact details printed in every report.
#include <iostream>
#include <memory>

#include "commands.h"
#include "lockdiag/app/settings.h"
#include "technician_key.h"

namespace lockdiag::cli {

namespace {
std::string shown(const std::string& v) { return v.empty() ? std::string("not recorded") : v; }
}  // namespace

void add_settings_command(CLI::App& root, GlobalOptions& g) {
  auto* cmd = root.add_subcommand("settings",
                                  "the technician's name, company, licence number and the company's contact details");
  auto s = std::make_shared<app::Settings>();
  cmd->add_option("--technician", s->technician, "set the technician's name");
  cmd->add_option("--company", s->company, "set the company");
  cmd->add_option("--licence", s->licence, "set the licence number");
  cmd->add_option("--company-phone", s->company_phone, "set the company's phone number (printed in reports)");
  cmd->add_option("--company-email", s->company_email, "set the company's e-mail address (printed in reports)");
  cmd->add_option("--company-address", s->company_address, "set the company's postal address (printed in reports)");
  cmd->callback([&g, s] {
    auto current = app::load_settings();
    if (!current) {
      command_exit_code() = report_error(g, kExitDataError, current.error());
      return;
    }
    bool changed = false;
    for (auto [given, kept] :
         {std::pair{&s->technician, &current->technician}, std::pair{&s->company, &current->company},
          std::pair{&s->licence, &current->licence}, std::pair{&s->company_phone, &current->company_phone},
          std::pair{&s->company_email, &current->company_email},
          std::pair{&s->company_address, &current->company_address}})
      if (!given->empty()) {
        *kept = *given;
        changed = true;
      }
    // Checked before anything is written: a bad value leaves the saved settings as they were.
    if (auto p = app::contact_problem(*current); !p.empty()) {
      command_exit_code() = report_error(g, kExitUsage, p);
      return;
    }
    if (changed)
      if (auto w = app::save_settings(*current); !w) {
        command_exit_code() = report_error(g, kExitFailure, w.error());
        return;
      }
    const auto cert = certificate_status();
    if (g.json)
      print_json({{"technician", current->technician},
                  {"company", current->company},
                  {"licence", current->licence},
                  {"company_phone", current->company_phone},
                  {"company_email", current->company_email},
                  {"company_address", current->company_address},
                  {"certificate", cert.line},
                  {"certificate_ok", cert.ok}});
    else
      std::cout << "Technician: " << current->technician << "\nCompany:    " << current->company
                << "\nLicence:    " << current->licence << "\nPhone:      " << shown(current->company_phone)
                << "\nE-mail:     " << shown(current->company_email)
                << "\nAddress:    " << shown(current->company_address) << "\n"
                << cert.line << "\n";
    command_exit_code() = kExitOk;
  });
}

}  // namespace lockdiag::cli
