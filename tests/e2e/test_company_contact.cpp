// The company's contact details go from `lockdiag settings` into the signed report;
// a value that cannot go into a report is refused when it is set, and nothing is lost.
#include <doctest/doctest.h>

#include <fstream>

#include "../support/snake_case_scan.h"
#include "workflow_harness.h"

using namespace lockdiag::test;
using nlohmann::json;

namespace {
json read_json(const std::string& path) {
  // A signed report (format 2) is the JSON body on its first line, then the SSH signature.
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  return json::parse(first, nullptr, false);
}
}  // namespace

TEST_CASE("settings --company-phone/-email/-address reach the signed report; bad values are refused up front") {
  Visit v("occupied-rental");
  auto r = v.lockdiag({"settings", "--company-phone", "0161 496 0000", "--company-email", "office@harbour.example"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("Phone:      0161 496 0000") != std::string::npos);
  CHECK(r.out.find("Address:    not recorded") != std::string::npos);
  CHECK(lockdiag::test::snake_case_words(r.out + "\n" + r.err).empty());

  // Refused before anything is written: the phone number set above is kept.
  r = v.lockdiag({"settings", "--company-email", "no-at-sign", "--company-phone", "0000"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("needs an @") != std::string::npos);
  r = v.lockdiag({"settings", "--company-address", "line one\nline two"});
  CHECK(r.exit_code == 2);
  r = v.lockdiag({"--json", "settings"});
  REQUIRE(r.exit_code == 0);
  const auto s = json::parse(r.out, nullptr, false);
  CHECK(s.value("company_phone", "") == "0161 496 0000");
  CHECK(s.value("company_email", "") == "office@harbour.example");
  CHECK(s.value("company_address", "x") == "");

  r = v.workflow("diagnose", {"--json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto outcome = json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(outcome.is_discarded());
  check_report_verifies(v, outcome);
  const auto report = read_json(outcome.at("report_json").get<std::string>());
  REQUIRE(report.contains("report"));
  const auto& c = report.at("report").at("company_contact");
  CHECK(c.at("name") == "Harbour Lock & Key");
  CHECK(c.at("phone") == "0161 496 0000");
  CHECK(c.at("email") == "office@harbour.example");
  CHECK(c.at("address") == "");
  // The customer's PDF of this job, as pdftotext reads it.
  auto text = run_process({"/usr/bin/pdftotext", outcome.at("report_pdf").get<std::string>(), "-"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("0161 496 0000") != std::string::npos);
  CHECK(text.out.find("address not recorded") != std::string::npos);
}

TEST_CASE("without contact details in the settings the report has no company_contact (as before)") {
  Visit v("fresh");
  auto r = v.workflow("diagnose", {"--json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto outcome = json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(outcome.is_discarded());
  check_report_verifies(v, outcome);
  const auto report = read_json(outcome.at("report_json").get<std::string>());
  REQUIRE(report.contains("report"));
  CHECK_FALSE(report.at("report").contains("company_contact"));
}
