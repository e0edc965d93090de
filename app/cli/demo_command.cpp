// lockdiag demo: a private virtual lock with a realistic history, a full handoff audit with the
// keypad steps played through lockfw-sim's control interface, a signed report and its PDF.
#include <algorithm>
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
#include "lockdiag/reports/reports.h"

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
  void note(const std::string& text) override { inner_.note(text); }
  std::optional<bool> confirm(const std::string&, const std::string& question) override {
    inner_.note(question + " yes (the new owner keeps it)");
    return true;
  }
  bool cancelled() const override { return inner_.cancelled(); }

 private:
  app::Operator& inner_;
};

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
        return dir.string() + " is not empty and was not made by lockdiag demo; nothing in it was touched. "
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
    return report_error(g, kExitUsage, "unknown scenario '" + scenario + "'" +
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

  // Check the signature the way a customer would, with nothing but the file.
  std::string verdict = "not checked";
  // The demo's public key beside the report, so the "Try:" line below works as printed.
  const fs::path pub = dir / "technician.pub";
  if (out->report_json) {
    auto bytes = reports::read_report_file(*out->report_json);
    auto keys = reports::KeyStore::open_default();
    std::optional<reports::PublicKey> key;
    if (keys)
      if (auto info = keys->info()) {
        key = info->public_key;
        std::ofstream(pub) << reports::public_key_file(info->public_key);
      }
    if (bytes) {
      auto v = reports::verify(*bytes, key);
      verdict = v ? "valid (key " + v->key_id + ")" : "INVALID: " + v.error().message;
    }
  }
  if (g.json) {
    print_json({{"job_id", out->job_id},
                {"directory", dir.string()},
                {"job_store", app::JobStore::default_path().string()},
                {"report_json", out->report_json ? out->report_json->string() : ""},
                {"report_pdf", out->report_pdf ? out->report_pdf->string() : ""},
                {"signature", verdict},
                {"findings", out->findings.size()}});
    return kExitOk;
  }
  std::cout << "\nlockdiag demo: handoff audit of a virtual lock, done.\n\n"
            << "  Job:            " << out->job_id << " in " << app::JobStore::default_path().string() << "\n"
            << "  Signed report:  " << (out->report_json ? out->report_json->string() : "-") << "\n"
            << "  PDF:            " << (out->report_pdf ? out->report_pdf->string() : "-") << "\n"
            << "  Signature:      " << verdict << "\n"
            << "  Virtual lock:   " << sim->state_file().string() << "\n\n"
            << "Findings on arrival (" << out->findings.size() << "):\n";
  for (const auto& f : out->findings) std::cout << "  [" << f.severity << "] " << f.title << "\n";
  std::cout << "\nTry: lockdiag report verify " << (out->report_json ? out->report_json->string() : "FILE") << " --key "
            << pub.string() << "\n";
  return kExitOk;
}

}  // namespace

void add_demo_command(CLI::App& root, GlobalOptions& g) {
  auto* demo = root.add_subcommand("demo", "a virtual lock, a full handoff audit, a signed report and its PDF");
  auto dir = std::make_shared<std::string>();
  auto scenario = std::make_shared<std::string>("occupied-rental");
  demo->add_option("--dir", *dir, "where the demo keeps its files: a new or empty folder, or one an earlier demo made (emptied first; "
                  "default ~/.local/share/lockdiag-demo)");
  demo->add_option("--scenario", *scenario, "the virtual lock's starting state")->capture_default_str();
  demo->callback([&g, dir, scenario] { command_exit_code() = run_demo(g, *dir, *scenario); });
}

}  // namespace lockdiag::cli
