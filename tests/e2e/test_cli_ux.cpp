// Issue 12 items 5 and 7: the first five minutes of the CLI, and a demo that never deletes a
// user's files.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "lockdiag/app/sim_process.h"
#include "run_process.h"

using namespace lockdiag;
using namespace lockdiag::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
std::string lockdiag_bin() { return (bin_dir() / "lockdiag").string(); }

// lockdiag with a private environment: no $LOCKDIAG_DEVICE, its own data, config and runtime dirs.
ProcessResult run(const TempDir& home, std::vector<std::string> args) {
  args.insert(args.begin(), lockdiag_bin());
  return run_process(args, {},
                     {"XDG_DATA_HOME=" + (home.path() / "data").string(),
                      "XDG_CONFIG_HOME=" + (home.path() / "config").string(),
                      "XDG_RUNTIME_DIR=" + (home.path() / "run").string(), "LOCKDIAG_DEVICE="});
}
}  // namespace

TEST_CASE("an unknown command gets a suggestion, in text and in JSON") {
  TempDir home;
  auto r = run(home, {"stauts"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown command 'stauts'; did you mean 'status'?") != std::string::npos);
  r = run(home, {"--json", "devcies"});
  CHECK(r.exit_code == 2);
  const auto j = json::parse(r.err, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j.at("error").at("message").get<std::string>().find("did you mean 'devices'?") != std::string::npos);
  CHECK(j.at("error").at("exit_code") == 2);
  // Any wrong argument with --json is a JSON error too.
  r = run(home, {"--json", "--timeout-ms", "1", "status"});
  CHECK(r.exit_code == 2);
  CHECK_FALSE(json::parse(r.err, nullptr, false).is_discarded());
  // An option's value is not taken for the command.
  r = run(home, {"--timeout-ms", "500", "stauts"});
  CHECK(r.err.find("'stauts'") != std::string::npos);
}

TEST_CASE("every subcommand's --help shows the global options") {
  TempDir home;
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"info"}, {"audit"}, {"job", "resume"}, {"report", "verify"}}) {
    auto args = cmd;
    args.push_back("--help");
    auto r = run(home, args);
    CAPTURE(cmd.front());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("--device") != std::string::npos);
    CHECK(r.out.find("--json") != std::string::npos);
  }
}

TEST_CASE("job list never creates a store; an unknown --lock is said to be unknown") {
  TempDir home;
  const fs::path missing = home.path() / "nowhere.sqlite";
  auto r = run(home, {"job", "list", "--store", missing.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no job database") != std::string::npos);
  CHECK_FALSE(fs::exists(missing));
  r = run(home, {"job", "list"});  // the default store, absent
  CHECK(r.exit_code == 0);
  CHECK_FALSE(fs::exists(home.path() / "data" / "lockdiag" / "jobs.sqlite"));
  r = run(home, {"--json", "job", "list"});
  CHECK(json::parse(r.out).at("jobs") == json::array());
  CHECK(json::parse(r.out).at("schema_version") == 1);
  // An existing store and a serial it does not know.
  {
    std::ofstream(home.path() / "empty.sqlite");  // SQLite takes an empty file as an empty database
  }
  r = run(home, {"job", "list", "--store", (home.path() / "empty.sqlite").string(), "--lock", "LD1-NOSUCH"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no lock with serial 'LD1-NOSUCH'") != std::string::npos);
}

TEST_CASE("with no --device: the one lock present is used, several are listed, none says what to check") {
  TempDir home;
  fs::create_directories(home.path() / "run");
  auto r = run(home, {"info"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("no lock found") != std::string::npos);
  CHECK(r.err.find("simulator") == std::string::npos);
  // Virtual locks announce themselves under $XDG_RUNTIME_DIR: start them with this one.
  setenv("XDG_RUNTIME_DIR", (home.path() / "run").c_str(), 1);
  auto one = app::SimProcess::start(
      {home.path() / "sim1", {"--scenario", "occupied-rental"}, bin_dir() / "lockfw-sim"});
  REQUIRE(one);
  r = run(home, {"--json", "info"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(json::parse(r.out).at("device") == one->uri());
  auto two = app::SimProcess::start({home.path() / "sim2", {"--scenario", "fresh"}, bin_dir() / "lockfw-sim"});
  REQUIRE(two);
  r = run(home, {"info"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("2 locks found") != std::string::npos);
  CHECK(r.err.find("--device") != std::string::npos);
  // Commands that need no lock do not look for one.
  CHECK(run(home, {"job", "list"}).exit_code == 0);
}

TEST_CASE("demo never deletes a user's files, checks the scenario first, and its Try line works") {
  TempDir home;
  const fs::path mine = home.path() / "my-folder";
  fs::create_directories(mine);
  std::ofstream(mine / "thesis.txt") << "years of work";
  auto r = run(home, {"demo", "--dir", mine.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("not made by lockdiag demo") != std::string::npos);
  CHECK(fs::exists(mine / "thesis.txt"));
  // An unknown scenario is refused before anything is touched, even in a demo's own folder.
  const fs::path demo = home.path() / "demo";
  fs::create_directories(demo);
  std::ofstream(demo / ".lockdiag-demo") << "x";
  std::ofstream(demo / "old-report.json") << "{}";
  r = run(home, {"demo", "--dir", demo.string(), "--scenario", "no-such-scenario"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown scenario 'no-such-scenario'") != std::string::npos);
  CHECK(fs::exists(demo / "old-report.json"));
  // A real demo in its own folder: the old files go, the Try line verifies as printed.
  r = run(home, {"demo", "--dir", demo.string()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK_FALSE(fs::exists(demo / "old-report.json"));
  CHECK(fs::exists(demo / ".lockdiag-demo"));
  const auto at = r.out.find("Try: lockdiag ");
  REQUIRE(at != std::string::npos);
  std::istringstream line(r.out.substr(at + 14, r.out.find('\n', at) - at - 14));
  std::vector<std::string> words;
  for (std::string w; line >> w;) words.push_back(w);
  TempDir stranger;  // someone else's laptop: none of the demo's keys
  auto tried = run(stranger, words);
  CHECK_MESSAGE(tried.exit_code == 0, (tried.out + tried.err));
}
