#include "workflow_harness.h"

#include <doctest/doctest.h>

namespace lockdiag::test {

namespace {
std::unique_ptr<app::SimProcess> start(const std::filesystem::path& dir, const std::vector<std::string>& args) {
  auto sim = app::SimProcess::start({.directory = dir, .extra_args = args, .binary = bin_dir() / "lockfw-sim"});
  REQUIRE_MESSAGE(sim.has_value(), (sim ? "" : sim.error()));
  return std::make_unique<app::SimProcess>(std::move(*sim));
}
}  // namespace

Visit::Visit(const std::string& scenario) : scenario_(scenario) {
  sim_ = start(dir_.path() / "lock", {"--scenario", scenario});
}

Visit::~Visit() = default;

void Visit::restart_lock() {
  sim_->stop();
  sim_ = start(dir_.path() / "lock", {});
}

std::string Visit::store_path() const { return (dir_.path() / "data" / "jobs.sqlite").string(); }
std::string Visit::report_dir() const { return (dir_.path() / "reports").string(); }

ProcessResult Visit::lockdiag(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::vector<std::string> argv{(bin_dir() / "lockdiag").string(), "--device", sim_->uri()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> e{"XDG_DATA_HOME=" + (dir_.path() / "data").string(),
                             "XDG_CONFIG_HOME=" + (dir_.path() / "config").string()};
  e.insert(e.end(), env.begin(), env.end());
  auto r = run_process(argv, {}, e);
  output_ += r.out + r.err;
  return r;
}

ProcessResult Visit::workflow(const std::string& command, std::vector<std::string> args, const std::vector<std::string>& env) {
  std::vector<std::string> a{command, "--sim-keypad", "--technician", "Zoë Łukasiewicz", "--company", "Harbour Lock & Key",
                             "--site", "Flat 3, 12 Rue des Lilas", "--customer", "Harbour Lettings",
                             "--store", store_path(), "--report-dir", report_dir(), "--wait-timeout", "20"};
  a.insert(a.end(), args.begin(), args.end());
  return lockdiag(a, env);
}

std::string Visit::ctl(const std::vector<std::string>& words) {
  std::vector<std::string> argv{(bin_dir() / "lockfw-sim").string(), "ctl", "--socket", sim_->socket().string()};
  argv.insert(argv.end(), words.begin(), words.end());
  auto r = run_process(argv);
  output_ += r.out + r.err;
  return r.out;
}

nlohmann::json Visit::slots() {
  auto r = lockdiag({"--json", "slots"});
  if (r.exit_code == 5) {
    ctl({"open-session"});
    r = lockdiag({"--json", "slots"});
  }
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out);
}

nlohmann::json Visit::job(int64_t id) {
  auto r = lockdiag({"--json", "job", "show", std::to_string(id), "--store", store_path()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out);
}

std::vector<std::string> Visit::finding_codes(int64_t id) {
  std::vector<std::string> out;
  const auto j = job(id);  // not a temporary: the loop would iterate a destroyed object
  for (const auto& f : j.at("findings")) out.push_back(f.at("code"));
  return out;
}

}  // namespace lockdiag::test
