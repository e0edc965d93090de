// lockdiag keys show | export
#include <iostream>
#include <nlohmann/json.hpp>

#include "command_guard.h"
#include "exit_codes.h"
#include "json_flag.h"
#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/io.h"
#include "report_commands.h"
#include "technician_key.h"

namespace lockdiag::cli {
namespace {

int fail_with(const KeyCommandError& e) {
  std::cerr << "lockdiag: " << e.message << "\n";
  return e.exit_code;
}

int show(const CLI::App& sub, bool json) {
  bool created = false;
  auto info = technician_key_info(&created);
  if (!info) return fail_with(info.error());
  if (json_requested(sub, json)) {
    const nlohmann::json j = {{"schema_version", 1},
                              {"key_id", info->key_id},
                              {"alg", "ed25519"},
                              {"public_key", info->public_key.hex()},
                              {"sealed", info->sealed},
                              {"created_at", info->created_at},
                              {"path", info->path.string()},
                              {"created_now", created}};
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << "key id:     " << info->key_id << "\n"
              << "algorithm:  ed25519\n"
              << "public key: " << info->public_key.hex() << "\n"
              << "sealed:     " << (info->sealed ? "yes (passphrase)" : "no") << "\n"
              << "created:    " << info->created_at << "\n"
              << "file:       " << info->path.string() << "\n";
  }
  return kExitOk;
}

int export_key(const std::string& out) {
  bool created = false;
  auto info = technician_key_info(&created);
  if (!info) return fail_with(info.error());
  const std::string file = reports::public_key_file(info->public_key);
  if (out.empty() || out == "-") {
    std::cout << file;
    return kExitOk;
  }
  if (auto ok = reports::write_file_atomic(out, file, 0644); !ok) {
    std::cerr << "lockdiag: " << ok.error().message << "\n";
    return kExitDataError;
  }
  std::cerr << "lockdiag: public key " << info->key_id << " written to " << out << "\n";
  return kExitOk;
}

}  // namespace

void add_key_commands(CLI::App& root) {
  CLI::App* keys = root.add_subcommand("keys", "the technician's signing key (created on first use)");
  keys->require_subcommand(1);

  CLI::App* show_cmd = keys->add_subcommand("show", "show the key id and public key");
  auto show_json = std::make_shared<bool>(false);
  show_cmd->add_flag("--json", *show_json, "machine-readable output on stdout");
  show_cmd->callback(
      [show_cmd, show_json] { command_exit_code() = guarded([&] { return show(*show_cmd, *show_json); }); });

  CLI::App* export_cmd =
      keys->add_subcommand("export", "write the public key file others verify reports with");
  auto out = std::make_shared<std::string>();
  export_cmd->add_option("-o,--output", *out, "file to write (default: stdout)");
  export_cmd->callback([out] { command_exit_code() = guarded([&] { return export_key(*out); }); });
}

}  // namespace lockdiag::cli
