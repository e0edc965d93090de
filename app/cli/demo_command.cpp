// lockdiag demo: a private virtual lock with a realistic history, a full handoff audit with the
// keypad steps played through lockfw-sim's control interface, a signed report and its PDF.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli_operator.h"
#include "commands.h"
#include "lockdiag/app/connection.h"
#include "lockdiag/app/job_store.h"
#include "lockdiag/app/process.h"
#include "lockdiag/app/sim_keypad.h"
#include "lockdiag/app/sim_process.h"
#include "lockdiag/app/workflow.h"
#include "lockdiag/reports/io.h"
#include "lockdiag/reports/krl.h"
#include "lockdiag/reports/reports.h"
#include "lockdiag/app/report_trust.h"
#include "lockdiag/app/manufacturer_trust.h"

namespace lockdiag::cli {

namespace fs = std::filesystem;

namespace {

// In the demo the new owner keeps every permanent code it is asked about.
class DemoOwner final : public app::Operator {
 public:
  explicit DemoOwner(app::Operator& inner) : inner_(inner) {}
  void step(int seq, const std::string& name, const std::string& state) override { inner_.step(seq, name, state); }
  void prompt(const app::LockPrompt& p) override { inner_.prompt(p); }
  void progress(const std::string& what, size_t done, size_t total) override { inner_.progress(what, done, total); }
  void plan(int total_steps) override { inner_.plan(total_steps); }
  void countdown(app::LockPrompt::Action what, int seconds_left, int total_s) override {
    inner_.countdown(what, seconds_left, total_s);
  }
  void note(const std::string& text) override { inner_.note(text); }
  std::optional<bool> confirm(const std::string&, const std::string& question) override {
    inner_.note(question + " yes (the new owner keeps it)");
    return true;
  }
  bool cancelled() const override { return inner_.cancelled(); }

 private:
  app::Operator& inner_;
};

// The demo company: a CA in <dir>/company, the demo technician's key certified by it for a year.
// Returns the allowed_signers file a customer would be given, or an error message.
std::expected<fs::path, std::string> make_demo_company(const fs::path& dir, const std::string& company,
                                                       const std::string& technician) {
  namespace r = lockdiag::reports;
  const fs::path cdir = dir / "company";
  std::error_code ec;
  fs::create_directories(cdir, ec);
  auto ca_info = r::KeyStore(cdir, "ca.key").create(std::nullopt);
  if (!ca_info) return std::unexpected(ca_info.error().message);
  auto ca = r::KeyStore(cdir, "ca.key").load(std::nullopt);
  auto keys = r::KeyStore::open_default();
  if (!ca || !keys) return std::unexpected("cannot open the demo keys");
  auto tech = keys->exists() ? keys->info() : keys->create(std::nullopt);
  if (!tech) return std::unexpected(tech.error().message);
  const auto now = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  auto blob =
      r::ssh::issue_certificate({tech->public_key, 1, technician, {"sam.okafor"}, now - 3600, now + 365 * 86400}, *ca);
  if (!blob) return std::unexpected(blob.error().message);
  const fs::path signers = cdir / "company.allowed_signers";
  for (const auto& [path, bytes] :
       {std::pair{keys->cert_path(), r::ssh::certificate_line(*blob, technician)},
        std::pair{signers, r::allowed_signers_line(ca_info->public_key, company)},
        std::pair{cdir / "company.krl", r::ssh::make_krl(ca_info->public_key, {}, 1, now, company)},
        std::pair{cdir / "ca.pub", r::ssh::public_key_line(ca_info->public_key, company)}})
    if (auto w = r::write_file_atomic(path, bytes, 0644); !w) return std::unexpected(w.error().message);
  return signers;
}

// Quoted for a POSIX shell when needed, so the printed command runs exactly as printed.
std::string shell_word(const std::string& w) {
  if (!w.empty() && w.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-+:=@,") ==
                        std::string::npos)
    return w;
  std::string q = "'";
  for (const char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

fs::path default_demo_dir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  return (xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : "/tmp") / ".local/share") / "lockdiag-demo";
}

// The file that says "the demo made this folder": only such a folder is ever emptied.
constexpr const char* kDemoMarker = ".lockdiag-demo";

// The scenarios this lockfw-sim offers (`lockfw-sim --list-scenarios`), "fresh" included.
std::vector<std::string> sim_scenarios() {
  std::vector<std::string> names;
  const auto listed = app::run_process({(app::executable_dir() / "lockfw-sim").string(), "--list-scenarios"});
  if (listed.exit_code != 0) return names;
  std::istringstream in(listed.out);
  std::string line, name;
  while (std::getline(in, line))
    if (std::istringstream(line) >> name) names.push_back(name);
  return names;
}

// Makes `dir` ready for a new demo, or says why it is not touched: a missing or empty folder
// is taken (and marked), a folder with the demo's marker is emptied, anything else is refused.
std::optional<std::string> prepare_demo_dir(const fs::path& dir) {
  std::error_code ec;
  const auto st = fs::symlink_status(dir, ec);
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) return dir.string() + " exists and is not a folder; choose another --dir";
    const bool empty = fs::is_empty(dir, ec);
    if (ec) return "cannot read " + dir.string() + ": " + ec.message();
    if (!empty) {
      if (!fs::exists(dir / kDemoMarker))
        return dir.string() +
               " is not empty and was not made by lockdiag demo; nothing in it was touched. "
               "Choose an empty or new folder with --dir";
      // Ours: every demo starts from the scenario, not from the last demo.
      std::vector<fs::path> old;
      for (const auto& entry : fs::directory_iterator(dir, ec)) old.push_back(entry.path());
      for (const auto& p : old)
        if (!ec) fs::remove_all(p, ec);
      if (ec) return "cannot empty the old demo in " + dir.string() + ": " + ec.message();
    }
  }
  fs::create_directories(dir, ec);
  if (ec) return "cannot create " + dir.string() + ": " + ec.message();
  std::ofstream(dir / kDemoMarker) << "made by lockdiag demo; the next demo in this folder empties it\n";
  if (!fs::exists(dir / kDemoMarker)) return "cannot write in " + dir.string();
  return std::nullopt;
}

int run_demo(GlobalOptions g, const std::string& dir_arg, const std::string& scenario) {
  const fs::path dir = fs::absolute(dir_arg.empty() ? default_demo_dir() : fs::path(dir_arg));
  // Check everything before touching anything.
  if (const auto names = sim_scenarios(); std::find(names.begin(), names.end(), scenario) == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    return report_error(g, kExitUsage,
                        "unknown scenario '" + scenario + "'" +
                            (known.empty() ? std::string(" (lockfw-sim not found next to lockdiag)")
                                           : "; choose one of: " + known));
  }
  if (auto why = prepare_demo_dir(dir)) return report_error(g, kExitUsage, *why);
  // Everything the demo writes (job store, key, reports) stays in its own directory.
  setenv("XDG_DATA_HOME", (dir / "data").c_str(), 1);
  setenv("XDG_CONFIG_HOME", (dir / "config").c_str(), 1);

  auto sim = app::SimProcess::start({.directory = dir / "lock", .extra_args = {"--scenario", scenario}, .binary = {}});
  if (!sim) return report_error(g, kExitFailure, "cannot start the virtual lock: " + sim.error());
  g.device = sim->uri();
  std::cerr << "Virtual lock (scenario " << scenario << ") at " << sim->uri() << "\n";

  auto store = app::JobStore::open(app::JobStore::default_path());
  if (!store) return report_error(g, kExitDataError, store.error().message);
  auto client = app::connect(g.device, {.call_timeout_ms = g.timeout_ms});
  if (!client) return report_error(g, client.error());

  CliOperator cli_op;
  DemoOwner owner(cli_op);
  app::SimKeypadOperator keypad(owner, sim->binary(), sim->socket());
  app::WorkflowEnv env{*client, *store, keypad, nullptr, 60};

  app::JobInputs in;
  in.technician = "Sam Okafor";
  in.company = "Harbour Lock & Key";
  auto company_file = make_demo_company(dir, in.company, in.technician);
  if (!company_file) return report_error(g, kExitFailure, "cannot make the demo company: " + company_file.error());
  std::cerr << "Demo company " << in.company << " certified " << in.technician << " (" << company_file->string()
            << ")\n";
  in.licence = "LS-20417";
  in.site = "Flat 3, 12 Rue des Lilas";
  in.customer = "Harbour Lettings";
  in.present = "new owner (Mme Dubois) and the technician";
  in.ownership_evidence = "sale deed shown by the new owner; numbers not recorded";
  in.notes = "Handoff audit on change of tenancy (lockdiag demo on a virtual lock).";
  in.report_dir = dir / "reports";
  std::cerr << "Running a property-handoff audit...\n";
  auto out = app::run_job(app::JobKind::kHandoffAudit, in, env);
  if (!out) return report_error(g, kExitFailure, "the demo audit stopped: " + out.error().message);

  // The virtual lock's certificate is from the TEST-ONLY manufacturer CA: the demo trusts it in
  // its own config dir only, and says so (docs/trust.md, "Attestation").
  const fs::path test_ca = app::manufacturers_dir() / "manufacturer-ca-TEST-ONLY.pub";
  {
    std::error_code ec;
    fs::create_directories(test_ca.parent_path(), ec);
    if (auto w = reports::write_file_atomic(test_ca, std::string(reports::kTestOnlyManufacturerCaLine) + "\n", 0644);
        !w)
      return report_error(g, kExitFailure, "cannot write the demo's manufacturer CA: " + w.error().message);
  }
  // Check the signature the way a customer would, with nothing but the file.
  std::string verdict = "not checked", attested = "not checked";
  if (out->report_json) {
    auto bytes = reports::read_report_file(*out->report_json);
    reports::TrustStore trust;
    std::vector<std::string> warnings;
    const std::string err = app::add_company_file(trust, *company_file, warnings);
    if (bytes && err.empty()) {
      auto v = reports::verify_trusted(*bytes, trust);
      verdict = v ? "valid (" + v->report.technician.name + ", certified by " + v->company + ")"
                  : "INVALID: " + v.error().message;
      std::vector<reports::ManufacturerCa> cas;
      if (v && app::load_manufacturer_cas(cas, {}).empty()) {
        auto a = app::check_attestations(*v, cas);
        attested = a ? a->line : "INVALID: " + a.error().message;
      }
    }
  }
  const std::string report_path = out->report_json ? out->report_json->string() : "FILE";
  const std::string verify_cmd = "lockdiag report verify " + shell_word(report_path) + " --company " +
                                 shell_word(company_file->string()) + " --manufacturer " + shell_word(test_ca.string());
  if (g.json) {
    print_json({{"job_id", out->job_id},
                {"directory", dir.string()},
                {"job_store", app::JobStore::default_path().string()},
                {"report_json", out->report_json ? out->report_json->string() : ""},
                {"report_pdf", out->report_pdf ? out->report_pdf->string() : ""},
                {"signature", verdict},
                {"lock_attestation", attested},
                {"company_file", company_file->string()},
                {"verify_command", verify_cmd},
                {"findings", out->findings.size()}});
    return kExitOk;
  }
  std::cout << "\nlockdiag demo: handoff audit of a virtual lock, done.\n\n"
            << "  Job:            " << out->job_id << " in " << app::JobStore::default_path().string() << "\n"
            << "  Signed report:  " << (out->report_json ? out->report_json->string() : "-") << "\n"
            << "  PDF:            " << (out->report_pdf ? out->report_pdf->string() : "-") << "\n"
            << "  Signature:      " << verdict << "\n"
            << "  Lock:           " << attested << "\n"
            << "  Virtual lock:   " << sim->state_file().string() << "\n\n"
            << "Findings on arrival (" << out->findings.size() << "):\n";
  for (const auto& f : out->findings) std::cout << "  [" << f.severity << "] " << f.title << "\n";
  std::cout << "\nTry: " << verify_cmd << "\n";
  return kExitOk;
}

}  // namespace

void add_demo_command(CLI::App& root, GlobalOptions& g) {
  auto* demo = root.add_subcommand("demo", "a virtual lock, a full handoff audit, a signed report and its PDF");
  auto dir = std::make_shared<std::string>();
  auto scenario = std::make_shared<std::string>("occupied-rental");
  demo->add_option("--dir", *dir,
                   "where the demo keeps its files: a new or empty folder, or one an earlier demo made (emptied first; "
                   "default ~/.local/share/lockdiag-demo)");
  demo->add_option("--scenario", *scenario, "the virtual lock's starting state")->capture_default_str();
  demo->callback([&g, dir, scenario] { command_exit_code() = run_demo(g, *dir, *scenario); });
}

}  // namespace lockdiag::cli
