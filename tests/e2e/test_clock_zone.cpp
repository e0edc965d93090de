// clock-sync with time zones, end to end against lockfw-sim: an unknown zone is refused with
// the nearest names before the lock is touched; a known zone reaches the lock (and is reported
// before and after); the lock then follows it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
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

namespace {
// "2026-12-01 14:03 CET" or "2026-12-01 14:03:07 CET": a date, a time and a zone abbreviation.
// Matched by hand: GCC 12 warns maybe-uninitialized inside <regex> under -O1 with ASan (-Werror).
bool matches_shape(const std::string& s, size_t at, const char* shape) {  // '9' = a digit
  for (size_t i = 0; shape[i]; ++i) {
    if (at + i >= s.size()) return false;
    const char c = s[at + i];
    if (shape[i] == '9' ? !std::isdigit(static_cast<unsigned char>(c)) : c != shape[i]) return false;
  }
  return true;
}

// Each zone is a shape as above ("IST", "UTC+99:99"); the character after it is not '+' or '-'
// (so "UTC" does not match the start of "UTC+01:00").
bool has_local_time_with_zone(const std::string& text, const std::vector<std::string>& zones) {
  for (size_t at = 0; at < text.size(); ++at) {
    if (!matches_shape(text, at, "9999-99-99 99:99")) continue;
    size_t end = at + 16;
    if (matches_shape(text, end, ":99")) end += 3;
    if (end >= text.size() || text[end] != ' ') continue;
    for (const auto& z : zones) {
      const size_t after = end + 1 + z.size();
      if (matches_shape(text, end + 1, z.c_str()) &&
          (after >= text.size() || (text[after] != '+' && text[after] != '-')))
        return true;
    }
  }
  return false;
}
}  // namespace

TEST_CASE("status, events and slots read in the lock's zone with its abbreviation; JSON keeps UTC and the offset") {
  Visit v("clock-lost");
  auto sync = v.workflow("clock-sync", {"--json", "--zone", "Asia/Kolkata"});
  REQUIRE_MESSAGE(sync.exit_code == 0, sync.err);
  // (1.4: each lockdiag process opens its own session; the virtual keypad types the code.)
  auto st = v.lockdiag({"status", "--session", "--sim-keypad", "--wait-timeout", "20"}, {"TZ=America/New_York"});
  REQUIRE_MESSAGE(st.exit_code == 0, st.err);
  CHECK(st.out.find("(Asia/Kolkata)") != std::string::npos);
  CHECK(has_local_time_with_zone(st.out, {"IST"}));
  // The laptop's time beside the lock's, in the laptop's zone.
  CHECK(st.out.find("laptop ") != std::string::npos);
  CHECK(st.out.find("(America/New_York)") != std::string::npos);
  CHECK(has_local_time_with_zone(st.out, {"EST", "EDT"}));

  auto ev = v.lockdiag({"events", "--sim-keypad", "--wait-timeout", "20"});
  REQUIRE_MESSAGE(ev.exit_code == 0, ev.err);
  CHECK(has_local_time_with_zone(ev.out, {"IST"}));
  CHECK(ev.out.find(" UTC") == std::string::npos);  // not a bare UTC time any more

  auto evj = v.lockdiag({"--json", "events", "--sim-keypad", "--wait-timeout", "20"});
  REQUIRE(evj.exit_code == 0);
  bool set_seen = false;
  const json events = json::parse(evj.out);
  for (const auto& e : events.at("events")) {
    CHECK(e.at("time").is_number());  // still UTC seconds
    if (!e.at("clock_not_set").get<bool>()) {
      CHECK(e.at("offset_s") == 19800);
      set_seen = true;
    }
  }
  CHECK(set_seen);
  auto stj = json::parse(v.lockdiag({"--json", "status", "--session", "--sim-keypad", "--wait-timeout", "20"}).out);
  CHECK(stj.at("clock").at("offset_s") == 19800);
  CHECK(stj.at("clock").at("zone") == "Asia/Kolkata");
  CHECK(stj.at("clock").at("utc").is_number());

  // Each slot's schedule names the zone its wall times are in.
  auto sl = v.lockdiag({"--json", "slots", "--sim-keypad", "--wait-timeout", "20"});
  REQUIRE_MESSAGE(sl.exit_code == 0, sl.err);
  const json slots = json::parse(sl.out).at("slots");
  REQUIRE_FALSE(slots.empty());
  for (const auto& s : slots) {
    CHECK(s.at("schedule").is_string());
    CHECK(s.at("schedule_zone") == "Asia/Kolkata");
  }
}

TEST_CASE("a lock with no zone reads its times with its fixed offset spelled out") {
  Visit v("occupied-rental");
  auto st = v.lockdiag({"--json", "status", "--session", "--sim-keypad", "--wait-timeout", "20"});
  REQUIRE_MESSAGE(st.exit_code == 0, st.err);
  const int offset_min = json::parse(st.out).at("clock").at("utc_offset_min");
  auto ev = v.lockdiag({"events", "--sim-keypad", "--wait-timeout", "20"});
  REQUIRE_MESSAGE(ev.exit_code == 0, ev.err);
  // "UTC" with no offset, or the offset spelled out ("UTC+01:00"), never a bare abbreviation.
  CHECK(has_local_time_with_zone(ev.out, offset_min == 0 ? std::vector<std::string>{"UTC"}
                                                         : std::vector<std::string>{"UTC+99:99", "UTC-99:99"}));
  auto sl = v.lockdiag({"--json", "slots", "--sim-keypad", "--wait-timeout", "20"});
  REQUIRE_MESSAGE(sl.exit_code == 0, sl.err);
  const json slots = json::parse(sl.out).at("slots");
  REQUIRE_FALSE(slots.empty());
  for (const auto& s : slots) {
    const std::string z = s.at("schedule_zone");
    CHECK((offset_min == 0 ? z == "UTC" : z.starts_with("fixed offset ")));
  }
}

TEST_CASE("--site-zone: an unknown name is refused up front; a lock on another zone is flagged") {
  Visit v("clock-lost");
  auto bad = v.workflow("diagnose", {"--json", "--site-zone", "Europe/Berln"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--site-zone") != std::string::npos);
  CHECK(bad.err.find("nearest: Europe/Berlin") != std::string::npos);

  auto sync = v.workflow("clock-sync", {"--json", "--zone", "Europe/London"});
  REQUIRE_MESSAGE(sync.exit_code == 0, sync.err);
  auto d = v.workflow("diagnose", {"--json", "--site-zone", "Europe/Berlin"});
  REQUIRE_MESSAGE(d.exit_code == 0, d.err);
  const auto job = v.job(json::parse(d.out).at("job_id"));
  bool found = false;
  for (const auto& f : job.at("findings"))
    if (f.at("code") == "zone_differs_from_site") {
      found = true;
      CHECK(f.at("title").get<std::string>().find("Europe/London") != std::string::npos);
      CHECK(f.at("next_step").get<std::string>().find("clock-sync --zone Europe/Berlin") != std::string::npos);
    }
  CHECK(found);
  CHECK(job.at("site_zone") == "Europe/Berlin");

  // clock-sync without --zone takes the site's zone; then the finding is gone.
  auto fix = v.workflow("clock-sync", {"--json", "--site-zone", "Europe/Berlin"}, {"TZ=Asia/Tokyo"});
  REQUIRE_MESSAGE(fix.exit_code == 0, fix.err);
  auto again = v.workflow("diagnose", {"--json", "--site-zone", "Europe/Berlin"});
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK_FALSE(has(v.finding_codes(json::parse(again.out).at("job_id")), "zone_differs_from_site"));
}

namespace {
json report_body(const json& outcome) {
  // A signed report (format 2) is the JSON body on its first line, then the SSH signature.
  std::ifstream in(outcome.at("report_json").get<std::string>());
  std::string first;
  std::getline(in, first);
  return json::parse(first, nullptr, false);
}
std::string pdf_text(const json& outcome) {
  auto text = run_process({"/usr/bin/pdftotext", outcome.at("report_pdf").get<std::string>(), "-"});
  REQUIRE(text.exit_code == 0);
  std::string flat = text.out;  // table cells wrap ("Time\n(UTC)"): read it as one line
  for (auto& c : flat)
    if (c == '\n') c = ' ';
  return flat;
}
}  // namespace

TEST_CASE("the signed report carries the zone the lock reported, and its PDF reads in it") {
  Visit v("clock-lost");
  // The clock sync's own report: the lock's zone as left (Europe/Berlin), not as found (none).
  auto sync = v.workflow("clock-sync", {"--json", "--zone", "Europe/Berlin"}, {"TZ=Asia/Tokyo"});
  REQUIRE_MESSAGE(sync.exit_code == 0, sync.err);
  const auto sync_outcome = json::parse(sync.out);
  check_report_verifies(v, sync_outcome);
  const auto zone = report_body(sync_outcome).at("report").at("lock_time_zone");
  CHECK(zone.at("name") == "Europe/Berlin");
  CHECK(zone.at("posix_rule") == "CET-1CEST,M3.5.0,M10.5.0/3");
  CHECK((zone.at("utc_offset_s") == 3600 || zone.at("utc_offset_s") == 7200));

  auto d = v.workflow("diagnose", {"--json"}, {"TZ=Asia/Tokyo"});  // the laptop's zone does not matter
  REQUIRE_MESSAGE(d.exit_code == 0, d.err);
  const auto outcome = json::parse(d.out);
  check_report_verifies(v, outcome);
  CHECK(report_body(outcome).at("report").at("lock_time_zone").at("name") == "Europe/Berlin");
  const std::string text = pdf_text(outcome);
  CHECK(text.find("Europe/Berlin") != std::string::npos);
  CHECK(has_local_time_with_zone(text, {"CET", "CEST"}));
  CHECK_FALSE(has_local_time_with_zone(text, {"JST"}));
  CHECK(text.find("Time (UTC)") == std::string::npos);
}

TEST_CASE("a lock that never got a zone: no lock_time_zone in the report, its PDF in UTC as before") {
  Visit v("occupied-rental");
  auto d = v.workflow("diagnose", {"--json"});
  REQUIRE_MESSAGE(d.exit_code == 0, d.err);
  const auto outcome = json::parse(d.out);
  check_report_verifies(v, outcome);
  CHECK_FALSE(report_body(outcome).at("report").contains("lock_time_zone"));
  CHECK(pdf_text(outcome).find("Time (UTC)") != std::string::npos);
}
