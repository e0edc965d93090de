#include <doctest/doctest.h>

#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/timefmt.h"
#include "support.h"

using namespace lockdiag::reports;

TEST_CASE("model -> JSON -> model keeps every field") {
  const Report r = test::sample_report();
  auto back = from_json(to_json(r));
  REQUIRE(back);
  CHECK(canonical(to_json(*back)).value() == canonical(to_json(r)).value());
  CHECK(back->technician.name == "Zo\xC3\xAB \xC5\x81ukasiewicz");
  CHECK(back->kind == JobKind::handoff_audit);
  REQUIRE(back->after);
  CHECK(back->after->occupied() == 1);
  CHECK(back->before.occupied() == 11);
  CHECK(back->steps.size() == 9);
}

TEST_CASE("a report without the after snapshot is valid and omits the key") {
  Report r = test::sample_report();
  r.after.reset();
  auto c = canonical_report(r);
  REQUIRE(c);
  CHECK(c->find("\"after\"") == std::string::npos);
}

TEST_CASE("the schema is closed: unknown keys are refused") {
  auto j = to_json(test::sample_report());
  j["before"]["codes"] = nlohmann::json::array({"1234"});
  auto r = from_json(j);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("report.before.codes") != std::string::npos);
}

TEST_CASE("missing fields and wrong types name the field") {
  auto j = to_json(test::sample_report());
  j["lock"].erase("serial");
  auto r = from_json(j);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("report.lock.serial is missing") != std::string::npos);
  auto k = to_json(test::sample_report());
  k["before"]["battery"]["millivolts"] = "4870";
  auto s = from_json(k);
  REQUIRE_FALSE(s);
  CHECK(s.error().message.find("millivolts must be an integer") != std::string::npos);
}

TEST_CASE("a destructive step that succeeded must have been confirmed at the lock") {
  Report r = test::sample_report();
  r.steps[3].confirmed_at_lock = false;
  REQUIRE(r.steps[3].destructive);
  auto v = validate(r);
  REQUIRE_FALSE(v);
  CHECK(v.error().message.find("not confirmed at the lock") != std::string::npos);
  CHECK_FALSE(canonical_report(r));
}

TEST_CASE("consistency rules") {
  Report r = test::sample_report();
  SUBCASE("enabled + disabled must equal count") { r.before.slots[1].enabled = 5; }
  SUBCASE("event counts must add up") { r.before.events.by_type[0].count += 1; }
  SUBCASE("timestamps are RFC 3339 UTC") { r.started_at = "2026-11-21 08:30:00"; }
  SUBCASE("offsets other than Z are refused") { r.finished_at = "2026-11-21T09:12:40+01:00"; }
  SUBCASE("fingerprints are lowercase hex") { r.before.code_set_fingerprint = "5BE1C0D7A2F94E6B"; }
  SUBCASE("drift needs a set clock") { r.after->clock = Clock{false, 12}; }
  SUBCASE("steps stay inside the visit") { r.steps[0].at = "2026-11-21T08:00:00Z"; }
  SUBCASE("no control characters in names") { r.technician.name = "Zo\x1b[31m"; }
  SUBCASE("no invalid UTF-8 in names") { r.technician.name = "Zo\xC3"; }
  CHECK_FALSE(validate(r));
}

TEST_CASE("RFC 3339 UTC timestamps") {
  CHECK(is_rfc3339_utc("2026-11-21T08:30:00Z"));
  CHECK(is_rfc3339_utc("2028-02-29T23:59:59Z"));
  CHECK_FALSE(is_rfc3339_utc("2026-02-29T08:30:00Z"));
  CHECK_FALSE(is_rfc3339_utc("2026-11-21T24:00:00Z"));
  CHECK_FALSE(is_rfc3339_utc("2026-11-21T08:30:00.5Z"));
  CHECK_FALSE(is_rfc3339_utc("2026-11-21t08:30:00z"));
  CHECK(is_rfc3339_utc(now_rfc3339_utc()));
}
