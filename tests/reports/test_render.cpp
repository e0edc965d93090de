#include <doctest/doctest.h>

#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/render.h"
#include "lockdiag/reports/sign.h"
#include "lockdiag/reports/verify.h"
#include "support.h"

using namespace lockdiag::reports;

namespace {

std::string pdfinfo(const std::string& pdf) {
  test::TempHome tmp;
  const auto p = tmp.path() / "r.pdf";
  test::write_file(p, pdf);
  auto r = test::run({"/usr/bin/pdfinfo", p.string()});
  REQUIRE(r.exit_code == 0);
  return r.out;
}

SignatureBlock block_of(const SigningKey& k) { return {k.public_key().key_id(), k.public_key().hex()}; }

}  // namespace

TEST_CASE("the PDF names the technician, site and lock, with Unicode intact") {
  const auto key = test::fixed_key();
  const Report r = test::sample_report();
  auto pdf = render_pdf(r, block_of(key), Paper::a4);
  REQUIRE(pdf);
  CHECK(pdf->rfind("%PDF-", 0) == 0);
  const std::string text = test::pdf_text(*pdf);
  CHECK(text.find("K7-24-A9F3Q") != std::string::npos);
  CHECK(text.find("Zo\xC3\xAB \xC5\x81ukasiewicz") != std::string::npos);
  CHECK(text.find("S\xC3\xB8ren \xC3\x98verg\xC3\xA5rd") != std::string::npos);
  CHECK(text.find("Brama & Klucz") != std::string::npos);
  CHECK(text.find("Property hand-off audit") != std::string::npos);
  CHECK(text.find(key.public_key().key_id()) != std::string::npos);
  CHECK(text.find(sha256_hex(canonical_report(r).value())) != std::string::npos);
  CHECK(text.find("4870 mV") != std::string::npos);
  CHECK(text.find("+187") != std::string::npos);
  // Plain words where a person reads: finding codes stay in the JSON.
  CHECK(text.find("expired_codes_present") == std::string::npos);
  CHECK(text.find("key override") != std::string::npos);
  CHECK(text.find("confirm timeout") != std::string::npos);
  CHECK(text.find("NOT SIGNED") == std::string::npos);
  CHECK(pdfinfo(*pdf).find("595.276 x 841.89 pts (A4)") != std::string::npos);
}

TEST_CASE("Letter paper and unsigned drafts") {
  auto pdf = render_pdf(test::sample_report(), std::nullopt, Paper::letter);
  REQUIRE(pdf);
  CHECK(pdfinfo(*pdf).find("612 x 792 pts (letter)") != std::string::npos);
  CHECK(test::pdf_text(*pdf).find("NOT SIGNED") != std::string::npos);
}

TEST_CASE("a long report flows over several pages") {
  Report r = test::sample_report();
  const Step step = r.steps.back();
  r.steps.pop_back();
  for (int i = 0; i < 80; ++i) {
    Step s = step;
    s.at = "2026-11-21T09:10:00Z";
    s.action = "read_page_" + std::to_string(i);
    s.detail = "Paged read of the event log, continuing from the previous sequence number.";
    r.steps.push_back(s);
  }
  r.steps.push_back(step);
  auto pdf = render_pdf(r, std::nullopt, Paper::a4);
  REQUIRE(pdf);
  const std::string info = pdfinfo(*pdf);
  const auto at = info.find("Pages:");
  REQUIRE(at != std::string::npos);
  CHECK(std::stoi(info.substr(at + 6)) >= 3);
  const std::string text = test::pdf_text(*pdf);
  CHECK(text.find("Read page 79") != std::string::npos);
  CHECK(text.find("page 3 of ") != std::string::npos);
}

TEST_CASE("an invalid report is not rendered") {
  Report r = test::sample_report();
  r.lock.serial.clear();
  auto pdf = render_pdf(r, std::nullopt, Paper::a4);
  REQUIRE_FALSE(pdf);
  CHECK(pdf.error().message.find("lock.serial") != std::string::npos);
}

TEST_CASE("no seeded code value appears in the signed JSON or the PDF") {
  // The lock under test holds these codes; the report only counts them.
  const auto key = test::fixed_key();
  const Report r = test::sample_report();
  auto file = sign_report(r, key);
  REQUIRE(file);
  auto pdf = render_pdf(r, block_of(key), Paper::a4);
  REQUIRE(pdf);
  const std::string text = test::pdf_text(*pdf);
  CHECK(test::first_code_found(*file) == "");
  CHECK(test::first_code_found(text) == "");
  CHECK(test::first_code_found(*pdf) == "");

  // Control: the scan does see text that reaches the page, so the checks above can fail.
  Report leaky = r;
  leaky.notes.push_back("Customer said the old code was " + test::seeded_codes()[1] + ".");
  auto leaky_pdf = render_pdf(leaky, block_of(key), Paper::a4);
  REQUIRE(leaky_pdf);
  CHECK(test::first_code_found(test::pdf_text(*leaky_pdf)) == test::seeded_codes()[1]);
}

TEST_CASE("texts taller than a page continue on the next page instead of running off it") {
  Report r = test::sample_report();
  r.site.address.clear();
  for (int i = 0; i < 220; ++i) r.site.address += "line " + std::to_string(i) + "\n";
  r.site.address += "END-OF-ADDRESS";
  REQUIRE(r.site.address.size() <= 2000);
  std::string note;
  for (int i = 0; i < 190; ++i) note += "n" + std::to_string(i % 10) + "\n";
  note += "END-OF-NOTE";
  REQUIRE(note.size() <= 2000);
  r.notes.assign(3, note);
  auto pdf = render_pdf(r, std::nullopt, Paper::a4);
  REQUIRE(pdf);
  // pdftotext drops text drawn outside the page, so these markers prove nothing was lost.
  const std::string text = test::pdf_text(*pdf);
  CHECK(text.find("line 219") != std::string::npos);
  CHECK(text.find("END-OF-ADDRESS") != std::string::npos);
  std::size_t notes_seen = 0;
  for (auto at = text.find("END-OF-NOTE"); at != std::string::npos; at = text.find("END-OF-NOTE", at + 1)) ++notes_seen;
  CHECK(notes_seen == 3);
  CHECK(text.find("Report SHA-256") != std::string::npos);
}
