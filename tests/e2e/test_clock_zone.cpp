// clock-sync with time zones, end to end against lockfw-sim: an unknown zone is refused with
// the nearest names before the lock is touched; a known zone reaches the lock (and is reported
// before and after); the lock then follows it.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "workflow_harness.h"

using nlohmann::json;
using namespace lockdiag::test;

namespace {
std::string sync_outcome(Visit& v, int64_t job_id) {
  const auto j = v.job(job_id);
  for (const auto& s : j.at("steps"))
    if (s.at("name") == "sync_clock") return s.at("outcome");
  FAIL("no sync_clock step");
  return {};
}
}  // namespace

TEST_CASE("clock-sync --zone: an unknown name is refused with the nearest matches, nothing changes") {
  Visit v("clock-lost");
  auto r = v.workflow("clock-sync", {"--zone", "Europe/Berln"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown time zone \"Europe/Berln\"") != std::string::npos);
  CHECK(r.err.find("nearest: Europe/Berlin") != std::string::npos);
  auto list = v.lockdiag({"--json", "job", "list", "--store", v.store_path()});
  if (list.exit_code == 0) CHECK(json::parse(list.out).empty());
  auto bad = v.workflow("clock-sync", {"--zone", "../../etc/passwd"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("not a time zone name") != std::string::npos);
}

TEST_CASE("clock-sync --zone sets the zone and reports it before and after") {
  Visit v("clock-lost");
  auto r = v.workflow("clock-sync", {"--json", "--zone", "America/Nuuk"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::string first = sync_outcome(v, json::parse(r.out).at("job_id"));
  CHECK(first.find("zone America/Nuuk (16 changes") != std::string::npos);
  CHECK(first.find("before: fixed offset") != std::string::npos);

  auto again = v.workflow("clock-sync", {"--json", "--zone", "Europe/Berlin"});
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  const std::string second = sync_outcome(v, json::parse(again.out).at("job_id"));
  CHECK(second.find("zone Europe/Berlin (16 changes") != std::string::npos);
  CHECK(second.find("before: America/Nuuk") != std::string::npos);

  // The zone survives the lock's power cycle.
  v.restart_lock();
  auto third = v.workflow("clock-sync", {"--json", "--zone", "Asia/Kolkata"});
  REQUIRE_MESSAGE(third.exit_code == 0, third.err);
  const std::string kolkata = sync_outcome(v, json::parse(third.out).at("job_id"));
  CHECK(kolkata.find("zone Asia/Kolkata (0 changes") != std::string::npos);
  CHECK(kolkata.find("before: Europe/Berlin") != std::string::npos);
}

TEST_CASE("clock-sync without --zone takes the laptop's zone") {
  Visit v("clock-lost");
  auto r = v.workflow("clock-sync", {"--json"}, {"TZ=Australia/Adelaide"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(sync_outcome(v, json::parse(r.out).at("job_id")).find("zone Australia/Adelaide") != std::string::npos);
}

TEST_CASE("diagnose flags a lock on a fixed offset, and not once clock-sync gave it a zone") {
  Visit v("clock-lost");
  auto sync0 = v.workflow("clock-sync", {"--json", "--zone", "Europe/Berlin"});
  REQUIRE_MESSAGE(sync0.exit_code == 0, sync0.err);
  auto d = v.workflow("diagnose", {"--json"});
  REQUIRE_MESSAGE(d.exit_code == 0, d.err);
  const auto codes = v.finding_codes(json::parse(d.out).at("job_id"));
  CHECK(std::find(codes.begin(), codes.end(), "no_time_zone") == codes.end());
  CHECK(std::find(codes.begin(), codes.end(), "zone_table_ending") == codes.end());
}

TEST_CASE("diagnose on a lock that never got a zone says when its schedules go wrong") {
  Visit v("occupied-rental");
  auto d = v.workflow("diagnose", {"--json"}, {"TZ=Europe/Berlin"});
  REQUIRE_MESSAGE(d.exit_code == 0, d.err);
  const auto j = v.job(json::parse(d.out).at("job_id"));
  bool found = false;
  for (const auto& f : j.at("findings"))
    if (f.at("code") == "no_time_zone") {
      found = true;
      CHECK(f.at("title").get<std::string>().find("schedules will be an hour off from 20") != std::string::npos);
    }
  CHECK(found);
}
