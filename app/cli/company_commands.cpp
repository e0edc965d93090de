// lockdiag company init | certify | revoke: a company's certificate authority (docs/trust.md).
// The CA key signs OpenSSH user certificates for technicians' keys; company.allowed_signers is
// what customers and auditors trust; company.krl revokes certificates by serial.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "command_guard.h"
#include "exit_codes.h"
#include "lockdiag/reports/io.h"
#include "lockdiag/reports/keys.h"
#include "lockdiag/reports/krl.h"
#include "lockdiag/reports/ssh.h"
#include "lockdiag/reports/trust.h"
#include "lockdiag/reports/verify.h"
#include "report_commands.h"
#include "technician_key.h"

namespace lockdiag::cli {
namespace {

namespace r = lockdiag::reports;
namespace fs = std::filesystem;

struct CompanyArgs {
  std::string dir, name, pub, principal, out, valid_from;
  int days = 365;
  std::uint64_t serial = 0;
};

int fail_msg(int code, const std::string& m) {
  std::cerr << "lockdiag: " << m << "\n";
  return code;
}

fs::path company_dir(const std::string& arg) {
  if (!arg.empty()) return arg;
  auto ks = r::KeyStore::open_default();
  return ks ? ks->dir().parent_path() / "company" : fs::path("company");
}

std::optional<std::string_view> ca_passphrase() {
  const char* p = std::getenv("LOCKDIAG_CA_PASSPHRASE");
  return p && *p ? std::optional<std::string_view>(p) : std::nullopt;
}

std::expected<nlohmann::json, std::string> load_state(const fs::path& dir) {
  auto bytes = r::read_report_file(dir / "company.json", 1024 * 1024);
  if (!bytes) return std::unexpected("no company at " + dir.string() + " (lockdiag company init --name NAME)");
  auto j = nlohmann::json::parse(*bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("name") || !j.contains("next_serial") ||
      !j.contains("revoked") || !j.contains("krl_version"))
    return std::unexpected((dir / "company.json").string() + " is damaged");
  return j;
}

int write_krl(const fs::path& dir, const nlohmann::json& state, const r::PublicKey& ca) {
  const std::string krl = r::ssh::make_krl(ca, state["revoked"].get<std::vector<std::uint64_t>>(),
                                           state["krl_version"].get<std::uint64_t>(), now_unix(),
                                           state["name"].get<std::string>());
  if (auto w = r::write_file_atomic(dir / "company.krl", krl, 0644); !w)
    return fail_msg(kExitDataError, w.error().message);
  return kExitOk;
}

int init(const CompanyArgs& a) {
  if (a.name.empty() || a.name.size() > 200 ||
      std::any_of(a.name.begin(), a.name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    return fail_msg(kExitUsage, "--name must be 1-200 bytes of text on one line");
  const fs::path dir = company_dir(a.dir);
  std::error_code ec;
  if (fs::exists(dir / "company.json", ec))
    return fail_msg(kExitFailure, "a company already exists at " + dir.string());
  fs::create_directories(dir, ec);
  r::KeyStore ks(dir, "ca.key");
  auto info = ks.create(ca_passphrase());
  if (!info) return fail_msg(kExitDataError, info.error().message);
  const nlohmann::json state = {{"name", a.name},
                                {"next_serial", 1},
                                {"revoked", nlohmann::json::array()},
                                {"krl_version", 1}};
  if (auto w = r::write_file_atomic(dir / "company.json", state.dump(2) + "\n", 0600); !w)
    return fail_msg(kExitDataError, w.error().message);
  if (auto w = r::write_file_atomic(dir / "ca.pub", r::ssh::public_key_line(info->public_key, a.name), 0644); !w)
    return fail_msg(kExitDataError, w.error().message);
  if (auto w = r::write_file_atomic(dir / "company.allowed_signers", r::allowed_signers_line(info->public_key, a.name),
                                    0644);
      !w)
    return fail_msg(kExitDataError, w.error().message);
  if (int rc = write_krl(dir, state, info->public_key); rc != kExitOk) return rc;
  std::cout << "company " << a.name << ": CA " << r::ssh::fingerprint(info->public_key) << " in " << dir.string()
            << "\n  give customers and auditors: " << (dir / "company.allowed_signers").string() << " and "
            << (dir / "company.krl").string() << "\n";
  return kExitOk;
}

std::string principal_from(const std::string& name) {
  std::string p;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) p.push_back(static_cast<char>(std::tolower(u)));
    else if (!p.empty() && p.back() != '.') p.push_back('.');
  }
  while (!p.empty() && p.back() == '.') p.pop_back();
  return p;
}

int certify(const CompanyArgs& a) {
  const fs::path dir = company_dir(a.dir);
  auto state = load_state(dir);
  if (!state) return fail_msg(kExitDataError, state.error());
  if (a.name.empty() || a.name.size() > 200) return fail_msg(kExitUsage, "--name (the technician's name) is required");
  const std::string principal = a.principal.empty() ? principal_from(a.name) : a.principal;
  if (principal.empty() || principal.find_first_of(", *?!\n") != std::string::npos)
    return fail_msg(kExitUsage, "the principal must be non-empty with no spaces, commas or * ? !");
  if (a.days < 1 || a.days > 3660) return fail_msg(kExitUsage, "--days must be 1-3660");
  auto pub_bytes = r::read_report_file(a.pub, 4096);
  if (!pub_bytes) return fail_msg(kExitDataError, "cannot read " + a.pub + ": " + pub_bytes.error().message);
  auto key = r::parse_public_key_file(*pub_bytes);
  if (!key) return fail_msg(kExitDataError, a.pub + ": " + key.error().message);
  std::uint64_t from = now_unix() - 300;  // a little slack for clocks that run behind
  if (!a.valid_from.empty()) {
    auto t = r::ssh::parse_time_text(a.valid_from);
    if (!t) return fail_msg(kExitUsage, t.error().message);
    from = *t;
  }
  r::KeyStore ks(dir, "ca.key");
  auto ca = ks.load(ca_passphrase());
  if (!ca) return fail_msg(kExitFailure, "company CA key: " + ca.error().message + " (LOCKDIAG_CA_PASSPHRASE)");
  const std::uint64_t serial = (*state)["next_serial"].get<std::uint64_t>();
  r::ssh::CertRequest req{*key, serial, a.name, {principal}, from, from + static_cast<std::uint64_t>(a.days) * 86400};
  auto blob = r::ssh::issue_certificate(req, *ca);
  if (!blob) return fail_msg(kExitUsage, blob.error().message);
  (*state)["next_serial"] = serial + 1;
  if (auto w = r::write_file_atomic(dir / "company.json", state->dump(2) + "\n", 0600); !w)
    return fail_msg(kExitDataError, w.error().message);
  const std::string line = r::ssh::certificate_line(*blob, a.name);
  std::error_code ec;
  if (a.out.empty() || a.out == "-") {
    std::cout << line;
  } else {
    if (fs::exists(a.out, ec)) return fail_msg(kExitFailure, a.out + " exists; not overwriting it");
    if (auto w = r::write_file_atomic(a.out, line, 0644); !w) return fail_msg(kExitDataError, w.error().message);
  }
  std::cerr << "lockdiag: certified " << a.name << " (principal " << principal << ", serial " << serial << ") until "
            << r::ssh::time_text(req.valid_before) << "\n";
  return kExitOk;
}

int revoke(const CompanyArgs& a) {
  const fs::path dir = company_dir(a.dir);
  auto state = load_state(dir);
  if (!state) return fail_msg(kExitDataError, state.error());
  if (a.serial == 0 || a.serial >= (*state)["next_serial"].get<std::uint64_t>())
    return fail_msg(kExitUsage, "serial " + std::to_string(a.serial) + " was never issued by this company");
  auto pub = r::read_report_file(dir / "ca.pub", 4096);
  auto ca = pub ? r::ssh::parse_public_key_line(*pub) : r::Result<r::PublicKey>(r::fail("cannot read ca.pub"));
  if (!ca) return fail_msg(kExitDataError, ca.error().message);
  (*state)["revoked"].push_back(a.serial);
  (*state)["krl_version"] = (*state)["krl_version"].get<std::uint64_t>() + 1;
  if (auto w = r::write_file_atomic(dir / "company.json", state->dump(2) + "\n", 0600); !w)
    return fail_msg(kExitDataError, w.error().message);
  if (int rc = write_krl(dir, *state, *ca); rc != kExitOk) return rc;
  std::cout << "revoked certificate serial " << a.serial << "; publish " << (dir / "company.krl").string() << "\n";
  return kExitOk;
}

}  // namespace

void add_company_commands(CLI::App& root) {
  CLI::App* c = root.add_subcommand("company", "a company's certificate authority for its technicians");
  c->require_subcommand(1);
  auto a = std::make_shared<CompanyArgs>();
  auto dir_opt = [&](CLI::App* s) {
    s->add_option("--dir", a->dir, "the company's directory (default <data dir>/lockdiag/company)");
  };
  CLI::App* i = c->add_subcommand("init", "create the company CA key, allowed_signers file and KRL");
  i->add_option("--name", a->name, "the company's name, as reports state it")->required();
  dir_opt(i);
  i->callback([a] { command_exit_code() = guarded([&] { return init(*a); }); });

  CLI::App* ce = c->add_subcommand("certify", "issue an OpenSSH user certificate for a technician's public key");
  ce->add_option("PUBFILE", a->pub, "the technician's public key (lockdiag keys export)")->required();
  ce->add_option("--name", a->name, "the technician's name (the certificate's key id)")->required();
  ce->add_option("--principal", a->principal, "the principal (default: from the name, e.g. sam.okafor)");
  ce->add_option("--days", a->days, "validity in days")->capture_default_str();
  ce->add_option("--valid-from", a->valid_from, "start of validity, UTC (default: now)");
  ce->add_option("-o,--output", a->out, "certificate file to write (default stdout)");
  dir_opt(ce);
  ce->callback([a] { command_exit_code() = guarded([&] { return certify(*a); }); });

  CLI::App* rv = c->add_subcommand("revoke", "revoke a certificate by serial (rewrites company.krl)");
  rv->add_option("SERIAL", a->serial, "certificate serial")->required();
  dir_opt(rv);
  rv->callback([a] { command_exit_code() = guarded([&] { return revoke(*a); }); });
}

}  // namespace lockdiag::cli
