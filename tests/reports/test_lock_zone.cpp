// The lock's time zone in the signed report, and the PDF's times in the lock's local
// time (the rule evaluated with the firmware's own code, so a job across a DST change reads right).
#include <doctest/doctest.h>

#include <chrono>

#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/lock_zone.h"
#include "lockdiag/reports/render.h"
#include "lockdiag/reports/sign.h"
#include "lockdiag/reports/timefmt.h"
#include "lockdiag/reports/verify.h"
#include "support.h"

using namespace lockdiag::reports;

namespace {

std::string at(std::int64_t utc) {
  return format_rfc3339_utc(std::chrono::system_clock::time_point{std::chrono::seconds{utc}});
}

// The sample job moved to the night Europe/Berlin changes to summer time: it starts at 00:50 UTC
// (01:50 CET) and ends at 01:15 UTC (03:15 CEST); the change is at 01:00 UTC.
Report berlin_night(bool with_zone = true) {
  Report r = test::sample_report();
  const std::int64_t start = *rfc3339_seconds("2026-03-29T00:50:00Z");
  r.started_at = at(start);
  r.authorization.session_opened_at = at(start + 30);
  r.before.taken_at = at(start + 60);
  for (std::size_t i = 0; i < r.steps.size(); ++i) r.steps[i].at = at(start + 60 + static_cast<std::int64_t>(i) * 60);
  if (r.after) r.after->taken_at = at(start + 1200);
  r.finished_at = at(start + 1500);
  if (with_zone) r.lock_time_zone = LockTimeZone{"Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3", 7200};
  return r;
}

// Table cells wrap ("Time\n(UTC)"): the PDF's text read as one line.
std::string flat(std::string text) {
  for (auto& c : text)
    if (c == '\n') c = ' ';
  return text;
}

}  // namespace

TEST_CASE("lock_time_zone: round-trips and verifies; an edited zone breaks the signature") {
  const Report r = berlin_night();
  REQUIRE(canonical_report(r));
  const auto j = to_json(r);
  REQUIRE(j.contains("lock_time_zone"));
  CHECK(j["lock_time_zone"] == nlohmann::json{{"name", "Europe/Berlin"},
                                              {"posix_rule", "CET-1CEST,M3.5.0,M10.5.0/3"},
                                              {"utc_offset_s", 7200}});
  auto back = from_json(j);
  REQUIRE(back);
  REQUIRE(back->lock_time_zone);
  CHECK(back->lock_time_zone->name == "Europe/Berlin");
  CHECK(back->lock_time_zone->posix_rule == "CET-1CEST,M3.5.0,M10.5.0/3");
  CHECK(back->lock_time_zone->utc_offset_s == 7200);
  CHECK(to_json(*back).dump() == j.dump());

  const auto key = test::fixed_key();
  auto signed_r = sign_report(r, key);
  REQUIRE(signed_r);
  CHECK(verify(*signed_r, key.public_key()));
  for (const auto& [field, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"name", "Europe/London"}, {"posix_rule", "GMT0BST,M3.5.0/1,M10.5.0"}, {"utc_offset_s", 3600}}) {
    auto tampered = nlohmann::json::parse(*signed_r);
    REQUIRE(tampered["report"]["lock_time_zone"].contains(field));
    tampered["report"]["lock_time_zone"][field] = value;
    CHECK_MESSAGE(!verify(tampered.dump(), key.public_key()), field);
  }
}

TEST_CASE("lock_time_zone: a report without it stays byte-identical and verifies; bad zones are refused") {
  const Report old = test::sample_report();
  REQUIRE_FALSE(old.lock_time_zone);
  const std::string bytes = to_json(old).dump();
  CHECK(bytes.find("lock_time_zone") == std::string::npos);
  auto reparsed = from_json(nlohmann::json::parse(bytes));
  REQUIRE(reparsed);
  CHECK(to_json(*reparsed).dump() == bytes);
  // The stored example (made before the field existed) still reads and re-encodes unchanged.
  auto example = from_json(nlohmann::json::parse(test::sample_bytes()));
  REQUIRE(example);
  CHECK_FALSE(example->lock_time_zone);
  const auto key = test::fixed_key();
  auto signed_old = sign_report(old, key);
  REQUIRE(signed_old);
  CHECK(verify(*signed_old, key.public_key()));
  CHECK(signed_old->find("lock_time_zone") == std::string::npos);

  auto j = to_json(berlin_night());
  j["lock_time_zone"]["abbreviation"] = "CEST";  // a closed object
  CHECK_FALSE(from_json(j));
  j = to_json(berlin_night());
  j["lock_time_zone"]["utc_offset_s"] = "7200";
  CHECK_FALSE(from_json(j));
  j = to_json(berlin_night());
  j["lock_time_zone"].erase("posix_rule");
  CHECK_FALSE(from_json(j));
  Report bad = berlin_night();
  bad.lock_time_zone->posix_rule = "not a rule";
  CHECK_FALSE(canonical_report(bad));
  bad = berlin_night();
  bad.lock_time_zone->name = "Europe/Berlin\n";
  CHECK_FALSE(canonical_report(bad));
  bad = berlin_night();
  bad.lock_time_zone->utc_offset_s = 16 * 3600;
  CHECK_FALSE(canonical_report(bad));
}

TEST_CASE("ReportClock: the rule across the spring change; the recorded offset when the rule disagrees") {
  const ReportClock berlin(berlin_night());
  CHECK(berlin.date_time("2026-03-29T00:50:00Z") == "2026-03-29 01:50 CET");
  CHECK(berlin.date_time("2026-03-29T00:59:59Z") == "2026-03-29 01:59 CET");
  CHECK(berlin.date_time("2026-03-29T01:00:00Z") == "2026-03-29 03:00 CEST");
  CHECK(berlin.date_time("2026-03-29T01:15:00Z") == "2026-03-29 03:15 CEST");
  CHECK(berlin.time_of_day("2026-03-29T01:15:07Z") == "03:15:07 CEST");
  CHECK(berlin.zone_label() == "Europe/Berlin");

  Report kolkata = berlin_night();
  kolkata.lock_time_zone = LockTimeZone{"Asia/Kolkata", "IST-5:30", 19800};
  CHECK(ReportClock(kolkata).date_time("2026-03-29T01:15:00Z") == "2026-03-29 06:45 IST");

  // Africa/Casablanca in Ramadan: the lock's table says +00, its rule says +01 all year. The
  // rule disagrees with the lock at signing, so the recorded offset is used.
  Report casa = berlin_night();
  casa.lock_time_zone = LockTimeZone{"Africa/Casablanca", "<+01>-1", 0};
  CHECK(ReportClock(casa).date_time("2026-03-29T01:15:00Z") == "2026-03-29 01:15 +00");

  const ReportClock utc(test::sample_report());
  CHECK_FALSE(utc.has_zone());
  CHECK(utc.date_time("2026-11-21T08:30:00Z") == "2026-11-21T08:30:00Z");  // as before the field
  CHECK(utc.time_of_day("2026-11-21T08:34:02Z") == "08:34:02");
  CHECK(utc.zone_label() == "UTC");
}

TEST_CASE("the PDF shows the lock's local time with its abbreviation, or UTC without a zone") {
  auto pdf = render_pdf(berlin_night(), std::nullopt, Paper::a4);
  REQUIRE(pdf);
  std::string text = flat(test::pdf_text(*pdf));
  CHECK(text.find("2026-03-29 01:50 CET") != std::string::npos);   // started, before the change
  CHECK(text.find("2026-03-29 03:15 CEST") != std::string::npos);  // finished, after it
  CHECK(text.find("local time (Europe/Berlin)") != std::string::npos);
  CHECK(text.find("01:51:00 CET") != std::string::npos);  // the first step's time
  CHECK(text.find("2026-03-29T01:15:00Z") == std::string::npos);  // no UTC time left for a person to read
  CHECK(text.find("Time (UTC)") == std::string::npos);

  pdf = render_pdf(berlin_night(false), std::nullopt, Paper::a4);
  REQUIRE(pdf);
  text = flat(test::pdf_text(*pdf));
  CHECK(text.find("2026-03-29T00:50:00Z") != std::string::npos);
  CHECK(text.find("2026-03-29T01:15:00Z") != std::string::npos);
  CHECK(text.find("Time (UTC)") != std::string::npos);
  CHECK(text.find("CEST") == std::string::npos);
}
