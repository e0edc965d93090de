// The company's contact details in the report and the customer's PDF.
#include <doctest/doctest.h>

#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/contact.h"
#include "lockdiag/reports/render.h"
#include "lockdiag/reports/sign.h"
#include "lockdiag/reports/verify.h"
#include "support.h"

using namespace lockdiag::reports;

namespace {
Report with_contact() {
  Report r = test::sample_report();
  r.company_contact = CompanyContact{r.technician.company, "0161 496 0000", "office@harbour.example",
                                     "3 Quay St, Bristol"};
  return r;
}
}  // namespace

TEST_CASE("company_contact: absent from older reports (byte-identical), round-trips, signs and verifies") {
  const Report old = test::sample_report();
  REQUIRE_FALSE(old.company_contact);
  const std::string old_bytes = to_json(old).dump();
  CHECK(old_bytes.find("company_contact") == std::string::npos);
  auto reparsed = from_json(nlohmann::json::parse(old_bytes));
  REQUIRE(reparsed);
  CHECK(to_json(*reparsed).dump() == old_bytes);

  const Report r = with_contact();
  const auto j = to_json(r);
  REQUIRE(j.contains("company_contact"));
  auto back = from_json(j);
  REQUIRE(back);
  REQUIRE(back->company_contact);
  CHECK(back->company_contact->phone == "0161 496 0000");
  CHECK(back->company_contact->email == "office@harbour.example");
  CHECK(back->company_contact->address == "3 Quay St, Bristol");

  const auto key = test::fixed_key();
  auto signed_r = sign_report(r, key);
  REQUIRE(signed_r);
  CHECK(verify(*signed_r, key.public_key()));
  auto signed_old = sign_report(old, key);
  REQUIRE(signed_old);
  CHECK(verify(*signed_old, key.public_key()));
}

TEST_CASE("company_contact: a changed phone number breaks the signature; unknown keys and bad text are refused") {
  const auto key = test::fixed_key();
  auto signed_r = sign_report(with_contact(), key);
  REQUIRE(signed_r);
  auto tampered = nlohmann::json::parse(*signed_r);
  REQUIRE(tampered["report"]["company_contact"]["phone"] == "0161 496 0000");
  tampered["report"]["company_contact"]["phone"] = "0900 000 000";
  CHECK_FALSE(verify(tampered.dump(), key.public_key()));

  auto j = to_json(with_contact());
  j["company_contact"]["pin"] = "1234";  // a closed schema: no field can smuggle a code value
  CHECK_FALSE(from_json(j));
  j = to_json(with_contact());
  j["company_contact"].erase("email");
  CHECK_FALSE(from_json(j));
  j = to_json(with_contact());
  j["company_contact"]["phone"] = 12345;
  CHECK_FALSE(from_json(j));
  Report bad = with_contact();
  bad.company_contact->address = "line one\nline two";  // one line only
  CHECK_FALSE(canonical_report(bad));
  bad.company_contact->address = std::string(201, 'x');
  CHECK_FALSE(canonical_report(bad));
}

TEST_CASE("the PDF shows the company contact, and 'not recorded' for what is missing") {
  auto pdf = render_pdf(with_contact(), std::nullopt, Paper::a4);
  REQUIRE(pdf);
  std::string text = test::pdf_text(*pdf);
  CHECK(text.find("0161 496 0000") != std::string::npos);
  CHECK(text.find("office@harbour.example") != std::string::npos);
  CHECK(text.find("3 Quay St, Bristol") != std::string::npos);

  Report part = with_contact();
  part.company_contact->email.clear();
  CHECK(contact_line(part).find("e-mail not recorded") != std::string::npos);
  CHECK(contact_line(part).find("phone 0161 496 0000") != std::string::npos);
  CHECK(contact_line(test::sample_report()) == "not recorded");
  pdf = render_pdf(test::sample_report(), std::nullopt, Paper::a4);
  REQUIRE(pdf);
  text = test::pdf_text(*pdf);
  CHECK(text.find("Company contact: not recorded") != std::string::npos);
}
