// The --answers file is checked whole when it is read (app/cli/answers_file.h): a mistyped
// file is a usage error naming what is wrong, before anything touches a lock. Before, a number
// where an input's text belongs threw nlohmann's type_error out of gather_inputs and lockdiag
// died of SIGABRT (exit 134).
#include <doctest/doctest.h>

#include <fstream>

#include "answers_file.h"
#include "run_process.h"

using namespace lockdiag;

TEST_CASE("answers file: every shape of the docs is taken, every wrong type or name refused with a reason") {
  CHECK(cli::parse_answers(R"({"answers":{"keep.3":true},"inputs":{"site":"Flat 3","technician":"Zoë"}})").has_value());
  CHECK(cli::parse_answers("{}").has_value());
  const char* bad[][2] = {
      {R"({"inputs":{"site":5}})", "input \"site\" must be text"},
      {R"({"inputs":["site"]})", "\"inputs\" must be an object"},
      {R"({"inputs":{"sight":"Flat 3"}})", "unknown field \"sight\""},
      {R"({"answers":{"keep.3":"yes"}})", "answer \"keep.3\" must be true or false"},
      {R"({"answers":true})", "\"answers\" must be an object"},
      {R"({"answer":{"keep.3":true}})", "unknown field \"answer\""},
      {R"([1,2])", "is not a JSON object"},
      {R"({"answers":)", "is not valid JSON"},
  };
  for (const auto& [text, why] : bad) {
    CAPTURE(text);
    auto r = cli::parse_answers(text);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().find(why) != std::string::npos);
  }
}

TEST_CASE("answers file: lockdiag refuses a mistyped one as a usage error before it looks for a lock") {
  test::TempDir dir;
  const auto path = dir.path() / "answers.json";
  std::ofstream(path) << R"({"inputs": {"site": 5}})";
  const auto r = test::run_process({(test::bin_dir() / "lockdiag").string(), "--device",
                                    "sim:" + (dir.path() / "no-lock.sock").string(), "diagnose", "--answers",
                                    path.string()},
                                   {},
                                   {"XDG_DATA_HOME=" + dir.path().string(), "XDG_CONFIG_HOME=" + dir.path().string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("input \"site\" must be text") != std::string::npos);
  CHECK(r.err.find("internal error") == std::string::npos);
}
