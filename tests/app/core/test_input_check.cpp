// The one validator of everything a report needs (app/core input_check).
#include <doctest/doctest.h>

#include "lockdiag/app/input_check.h"

using namespace lockdiag::app;

TEST_CASE("text fields: what a report takes passes, what it would refuse is named") {
  CHECK_FALSE(check_text_field("Flat 3, 12 Rue des Lilas", "the site", kMaxShortField));
  CHECK_FALSE(check_text_field("Zoë Łukasiewicz 株式会社", "the technician", kMaxShortField));
  CHECK_FALSE(check_text_field("", "the notes", kMaxLongField, true));
  CHECK_FALSE(check_text_field("line one\nline two", "the notes", kMaxLongField, true));

  auto tab = check_text_field("Flat\t3", "the site (--site)", kMaxShortField);
  REQUIRE(tab);
  CHECK(tab->find("the site (--site)") != std::string::npos);
  CHECK(tab->find("tab") != std::string::npos);
  CHECK(check_text_field("a\nb", "the site", kMaxShortField));       // no line break in a short field
  CHECK(check_text_field("a\rb", "the notes", kMaxLongField, true));  // CR is not a line break
  CHECK(check_text_field(std::string("a\0b", 3), "the site", kMaxShortField));
  CHECK(check_text_field("a\x7f", "the site", kMaxShortField));
  CHECK(check_text_field("a\xc2\x85", "the site", kMaxShortField));  // C1 control U+0085

  // Bidi controls and invisible format characters: the report would read differently.
  for (const char* s : {"Flat \xe2\x80\xae"
                        "3",  // U+202E RIGHT-TO-LEFT OVERRIDE
                        "\xe2\x80\xaa x",          // U+202A
                        "x \xe2\x81\xa6",          // U+2066
                        "x \xe2\x80\x8f",          // U+200F
                        "x \xd8\x9c",              // U+061C
                        "x\xe2\x80\x8b"
                        "y",       // U+200B zero width space
                        "\xef\xbb\xbfx"}) {        // U+FEFF
    CAPTURE(s);
    auto p = check_text_field(s, "the customer", kMaxShortField);
    REQUIRE(p);
    CHECK(p->find("U+") != std::string::npos);
  }
  // Bad UTF-8: cut short, overlong, a surrogate.
  for (const char* s : {"caf\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xff"})
    CHECK(check_text_field(s, "the site", kMaxShortField));
  // Length: counted in bytes as the report counts them.
  CHECK_FALSE(check_text_field(std::string(200, 'a'), "the site", kMaxShortField));
  auto longer = check_text_field(std::string(201, 'a'), "the site", kMaxShortField);
  REQUIRE(longer);
  CHECK(longer->find("201") != std::string::npos);
}

TEST_CASE("job inputs: every field and every person's label is checked") {
  JobInputs in;
  in.technician = "Sam";
  in.company = "Harbour Lock & Key";
  in.site = "Flat 3";
  in.customer = "Harbour Lettings";
  CHECK_FALSE(check_job_inputs(in));
  in.present = "owner\t";
  CHECK(check_job_inputs(in)->find("--present") != std::string::npos);
  in.present = "owner";
  in.enroll.push_back({"Anna \xe2\x80\xae", lockdiag::drivers::Role::kUser, {}, -1});
  CHECK(check_job_inputs(in)->find("person 1") != std::string::npos);
}

TEST_CASE("the lock serial must be able to name a report") {
  CHECK_FALSE(check_lock_serial("LD1-00012345"));
  CHECK(check_lock_serial(""));
  CHECK(check_lock_serial("LD1 0001"));
  CHECK(check_lock_serial("LD1/../x"));
  CHECK(check_lock_serial(std::string(41, 'A')));
}

TEST_CASE("missing inputs: one rule for the command line and the forms, each in its own words") {
  const JobKind kinds[] = {JobKind::kDiagnose, JobKind::kHandoffAudit, JobKind::kResetOnboarding, JobKind::kRotation,
                           JobKind::kClockSync};
  JobInputs full;
  full.technician = "Sam";
  full.company = "Harbour Lock & Key";
  full.site = "Flat 3";
  full.customer = "Harbour Lettings";
  full.ownership_evidence = "deed shown";
  full.enroll.push_back({"Anna", lockdiag::drivers::Role::kUser, {}, 1});
  std::string JobInputs::* const fields[] = {&JobInputs::technician, &JobInputs::company, &JobInputs::site,
                                             &JobInputs::customer, &JobInputs::ownership_evidence};
  for (const JobKind kind : kinds) {
    CHECK_FALSE(missing_input(kind, full, InputFace::kCommandLine));
    CHECK_FALSE(missing_input(kind, full, InputFace::kForm));
    for (auto field : fields) {
      JobInputs in = full;
      (in.*field).clear();
      const auto cli = missing_input(kind, in, InputFace::kCommandLine);
      const auto form = missing_input(kind, in, InputFace::kForm);
      // Ownership evidence is a reset's only; every other field every job's.
      const bool needed = field != &JobInputs::ownership_evidence || kind == JobKind::kResetOnboarding;
      CHECK(cli.has_value() == needed);
      CHECK(form.has_value() == needed);
      if (cli && form) {
        CHECK(cli->find("(--") != std::string::npos);  // the command line names its option
        CHECK(form->find("--") == std::string::npos);  // a form never does
      }
    }
  }
  // A reset needs nobody besides the admin, whom it always enrolls; a rotation needs a code.
  JobInputs nobody = full;
  nobody.enroll.clear();
  CHECK_FALSE(missing_input(JobKind::kResetOnboarding, nobody, InputFace::kForm));
  CHECK_FALSE(missing_input(JobKind::kResetOnboarding, nobody, InputFace::kCommandLine));
  CHECK(*missing_input(JobKind::kRotation, nobody, InputFace::kForm) == "at least one code to replace");
  CHECK(missing_input(JobKind::kRotation, nobody, InputFace::kCommandLine)->find("--rotate") != std::string::npos);
}

TEST_CASE("bad texts: the same field is refused on both faces, named for each") {
  JobInputs in;
  in.technician = "Sam";
  in.company = "Harbour Lock & Key";
  in.site = "Flat\t3";
  in.customer = "Harbour Lettings";
  const auto cli = check_job_inputs(in, InputFace::kCommandLine);
  const auto form = check_job_inputs(in, InputFace::kForm);
  REQUIRE(cli);
  REQUIRE(form);
  CHECK(cli->find("the site (--site) contains a control character") == 0);
  CHECK(form->find("the site contains a control character") == 0);
  in.site = "Flat 3";
  in.technician = "Sam\xe2\x80\xae";
  CHECK(check_job_inputs(in, InputFace::kForm)->find("your name (Settings)") == 0);
}
