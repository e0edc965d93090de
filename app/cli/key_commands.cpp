// lockdiag keys show | export
#include <iostream>
#include <nlohmann/json.hpp>

#include "command_guard.h"
#include "exit_codes.h"
#include "json_flag.h"
#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/io.h"
#include "lockdiag/reports/keys.h"
#include "lockdiag/reports/ssh.h"
#include "lockdiag/reports/verify.h"
#include "report_commands.h"
#include "technician_key.h"

namespace lockdiag::cli {
namespace {

int fail_with(const KeyCommandError& e) {
  std::cerr << "lockdiag: " << e.message << "\n";
  return e.exit_code;
}

int show(const CLI::App& sub, bool as_json) {
  bool created = false;
  auto info = technician_key_info(&created);
  if (!info) return fail_with(info.error());
  if (json_requested(sub, as_json)) {
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
              << "file:       " << info->path.string() << "\n"
              << certificate_status().line << "\n";
  }
  return kExitOk;
}

int export_key(const std::string& out, const std::string& format) {
  bool created = false;
  auto info = technician_key_info(&created);
  if (!info) return fail_with(info.error());
  // OpenSSH form by default: what `ssh-keygen -s` and `lockdiag company certify` take.
  const std::string file = format == "lockdiag"
                               ? reports::public_key_file(info->public_key)
                               : reports::ssh::public_key_line(info->public_key, "lockdiag-technician-" + info->key_id);
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

int install_cert(const std::string& file) {
  bool created = false;
  auto info = technician_key_info(&created);
  if (!info) return fail_with(info.error());
  auto bytes = reports::read_report_file(file, 4 * reports::ssh::kMaxBlobBytes);
  if (!bytes) return fail_with({kExitDataError, "cannot read " + file + ": " + bytes.error().message});
  auto cert = reports::ssh::parse_certificate_line(*bytes);
  if (!cert) return fail_with({kExitDataError, file + ": " + cert.error().message});
  if (!(cert->key == info->public_key))
    return fail_with({kExitInvalid, file + " certifies key " + reports::ssh::fingerprint(cert->key) +
                                        ", not this technician key " + reports::ssh::fingerprint(info->public_key) +
                                        " (lockdiag keys export gives the key to certify)"});
  if (cert->type != reports::ssh::kUserCert || cert->principals.empty() || !cert->critical_options.empty())
    return fail_with({kExitInvalid, file + " is not a user certificate with a principal and no critical options"});
  auto store = reports::KeyStore::open_default();
  if (!store) return fail_with({kExitDataError, store.error().message});
  if (auto w = reports::write_file_atomic(store->cert_path(), reports::ssh::certificate_line(cert->blob, cert->key_id),
                                          0644);
      !w)
    return fail_with({kExitDataError, w.error().message});
  const auto status = certificate_status();
  std::cout << "installed " << store->cert_path().string() << "\n" << status.line << "\n";
  if (!status.ok) std::cerr << "lockdiag: warning: the certificate is installed but does not hold now\n";
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

  CLI::App* export_cmd = keys->add_subcommand("export", "write the public key file others verify reports with");
  auto out = std::make_shared<std::string>();
  export_cmd->add_option("-o,--output", *out, "file to write (default: stdout)");
  auto format = std::make_shared<std::string>("openssh");
  export_cmd->add_option("--format", *format, "openssh (a public key line) or lockdiag (JSON)")
      ->check(CLI::IsMember({"openssh", "lockdiag"}))
      ->capture_default_str();
  export_cmd->callback([out, format] { command_exit_code() = guarded([&] { return export_key(*out, *format); }); });

  CLI::App* cert_cmd = keys->add_subcommand("install-cert", "install the company's OpenSSH certificate for this key");
  auto cert_file = std::make_shared<std::string>();
  cert_cmd->add_option("FILE", *cert_file, "certificate (ssh-ed25519-cert-v01@openssh.com line)")->required();
  cert_cmd->callback([cert_file] { command_exit_code() = guarded([&] { return install_cert(*cert_file); }); });
}

}  // namespace lockdiag::cli
