// The report and keys commands, run as a separate process with stdin not a terminal.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "../../app/cli/exit_codes.h"
#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/sign.h"
#include "support.h"

using namespace lockdiag::reports;
using namespace lockdiag::cli;
namespace fs = std::filesystem;

namespace {

// The child gets the test's XDG_DATA_HOME and HOME (TempHome sets them in this process).
std::string sample_path() { return LOCKDIAG_SAMPLE_REPORT; }

}  // namespace

TEST_CASE("first use creates the key; show and export agree") {
  test::TempHome home;
  auto show = test::cli({"keys", "show", "--json"});
  REQUIRE(show.exit_code == kExitOk);
  CHECK(show.err.find("created technician key") != std::string::npos);
  const auto j = nlohmann::json::parse(show.out);
  CHECK(j["created_now"] == true);
  CHECK(j["sealed"] == false);
  struct stat st{};
  REQUIRE(stat((home.keys_dir() / "technician.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto again = test::cli({"keys", "show"});
  REQUIRE(again.exit_code == kExitOk);
  CHECK(again.out.find(j["key_id"].get<std::string>()) != std::string::npos);
  CHECK(again.err.empty());

  auto exported = test::cli({"keys", "export"});
  REQUIRE(exported.exit_code == kExitOk);
  auto key = parse_public_key_file(exported.out);
  REQUIRE(key);
  CHECK(key->key_id() == j["key_id"].get<std::string>());
  const auto pub = home.path() / "tech.pub";
  REQUIRE(test::cli({"keys", "export", "-o", pub.string()}).exit_code == kExitOk);
  CHECK(test::read_file(pub) == exported.out);
}

TEST_CASE("sign, verify and render from the command line") {
  test::TempHome home;
  const auto signed_path = home.path() / "job.signed.json";
  auto sign = test::cli({"report", "sign", sample_path(), "-o", signed_path.string()});
  REQUIRE_MESSAGE(sign.exit_code == kExitOk, sign.err);
  CHECK(sign.out.find("signed report job-20261121-0007") != std::string::npos);

  // Own key: trusted without --key.
  auto ok = test::cli({"report", "verify", signed_path.string()});
  CHECK(ok.exit_code == kExitOk);
  CHECK(ok.out.rfind("valid: report job-20261121-0007", 0) == 0);
  CHECK(std::count(ok.out.begin(), ok.out.end(), '\n') == 2);  // the verdict, then the lock's attestation
  CHECK(ok.out.substr(ok.out.find('\n') + 1) == "no lock attestation\n");

  const auto pub = home.path() / "tech.pub";
  REQUIRE(test::cli({"keys", "export", "-o", pub.string()}).exit_code == kExitOk);
  auto json = test::cli({"report", "verify", signed_path.string(), "--key", pub.string(), "--json"});
  REQUIRE(json.exit_code == kExitOk);
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["valid"] == true);
  CHECK(j["lock_serial"] == "K7-24-A9F3Q");
  CHECK(j["findings"]["critical"] == 1);

  // Tampered: exit 6 with the precise reason, on stderr (and in the JSON).
  std::string bytes = test::read_file(signed_path);
  const auto at = bytes.find("\"count\":611");
  REQUIRE(at != std::string::npos);
  bytes[at + 10] = '2';
  const auto tampered = home.path() / "tampered.json";
  test::write_file(tampered, bytes);
  auto bad = test::cli({"report", "verify", tampered.string(), "--key", pub.string(), "--json"});
  CHECK(bad.exit_code == kExitInvalid);
  CHECK(bad.err.find("the report was changed after signing") != std::string::npos);
  CHECK(bad.err.find("signature_mismatch") == std::string::npos);  // words for people, the id in --json
  CHECK(nlohmann::json::parse(bad.out)["reason"] == "signature_mismatch");

  // Unreadable: exit 7.
  CHECK(test::cli({"report", "verify", (home.path() / "missing.json").string()}).exit_code == kExitDataError);
  CHECK(test::cli({"report", "verify", home.path().string()}).exit_code == kExitDataError);

  // Render the signed file (A4 and Letter); a tampered file is not rendered.
  const auto pdf = home.path() / "job.pdf";
  auto render = test::cli({"report", "render", signed_path.string(), "-o", pdf.string(), "--paper", "letter"});
  REQUIRE_MESSAGE(render.exit_code == kExitOk, render.err);
  const std::string text = test::pdf_text(test::read_file(pdf));
  CHECK(text.find("K7-24-A9F3Q") != std::string::npos);
  CHECK(text.find("Zo\xC3\xAB \xC5\x81ukasiewicz") != std::string::npos);
  CHECK(test::cli({"report", "render", tampered.string(), "-o", pdf.string()}).exit_code == kExitInvalid);
  CHECK(test::cli({"report", "render", signed_path.string(), "-o", pdf.string(), "--paper", "a3"}).exit_code ==
        kExitUsage);
}

TEST_CASE("verify without --key trusts only keys known on this machine") {
  test::TempHome home;
  const auto path = home.path() / "other.json";
  test::write_file(path, sign_report(test::sample_report(), test::fixed_key(42)).value());
  auto r = test::cli({"report", "verify", path.string()});
  CHECK(r.exit_code == kExitInvalid);
  CHECK(r.err.find("signed by a key that is not trusted here") != std::string::npos);
  CHECK(r.err.find("--key") != std::string::npos);
  CHECK_FALSE(fs::exists(home.keys_dir() / "technician.key"));  // verify never creates a key

  // A public key placed in <data>/lockdiag/trusted/ is trusted.
  fs::create_directories(home.path() / "lockdiag" / "trusted");
  test::write_file(home.path() / "lockdiag" / "trusted" / "colleague.pub",
                   public_key_file(test::fixed_key(42).public_key()));
  CHECK(test::cli({"report", "verify", path.string()}).exit_code == kExitOk);
  // ...and a report by yet another key is still refused with --key.
  const auto other_pub = home.path() / "other.pub";
  test::write_file(other_pub, public_key_file(test::fixed_key(43).public_key()));
  CHECK(test::cli({"report", "verify", path.string(), "--key", other_pub.string()}).exit_code == kExitInvalid);
}

TEST_CASE("a sealed key needs its passphrase and is never prompted for without a terminal") {
  test::TempHome home;
  const std::string pass = "LOCKDIAG_KEY_PASSPHRASE=tr\xC3\xA9s secret";
  auto created = test::cli({"keys", "show", "--json"}, {pass});
  REQUIRE(created.exit_code == kExitOk);
  CHECK(nlohmann::json::parse(created.out)["sealed"] == true);
  const auto out = (home.path() / "s.json").string();
  auto no_pass = test::cli({"report", "sign", sample_path(), "-o", out});
  CHECK(no_pass.exit_code == kExitFailure);
  CHECK(no_pass.err.find("LOCKDIAG_KEY_PASSPHRASE") != std::string::npos);
  auto wrong = test::cli({"report", "sign", sample_path(), "-o", out}, {"LOCKDIAG_KEY_PASSPHRASE=tres secret"});
  CHECK(wrong.exit_code == kExitFailure);
  CHECK(wrong.err.find("wrong passphrase") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  auto right = test::cli({"report", "sign", sample_path(), "-o", out}, {pass});
  CHECK(right.exit_code == kExitOk);
  CHECK(test::cli({"report", "verify", out}).exit_code == kExitOk);
}

TEST_CASE("signing on first use creates the key, sealed when a passphrase is set, and signs") {
  test::TempHome home;
  const auto out = (home.path() / "first.json").string();
  auto r = test::cli({"report", "sign", sample_path(), "-o", out}, {"LOCKDIAG_KEY_PASSPHRASE=first use"});
  REQUIRE_MESSAGE(r.exit_code == kExitOk, r.err);
  CHECK(r.err.find("sealed with a passphrase") != std::string::npos);
  CHECK(test::read_file(home.keys_dir() / "technician.key").find("argon2id") != std::string::npos);
  CHECK(test::cli({"report", "verify", out}).exit_code == kExitOk);
}

TEST_CASE("bad input to sign is a data error that names the problem") {
  test::TempHome home;
  const auto body = home.path() / "body.json";
  std::string bytes = test::sample_bytes();
  const auto at = bytes.find("\"drift_s\": 187");
  REQUIRE(at != std::string::npos);
  bytes.replace(at, 14, "\"drift_s\": 187.5");
  test::write_file(body, bytes);
  auto r = test::cli({"report", "sign", body.string(), "-o", (home.path() / "x.json").string()});
  CHECK(r.exit_code == kExitDataError);
  CHECK(r.err.find("187.5") != std::string::npos);
  CHECK(test::cli({"report", "verify"}).exit_code == kExitUsage);
}

TEST_CASE("--json output stays valid JSON whatever the damaged file contains") {
  test::TempHome home;
  const auto path = home.path() / "broken.json";
  test::write_file(path, "{\"report\":{\"a\":\"\\\xC3\xA9\"}}\n");  // bad escape before a 2-byte character
  auto r = test::cli({"report", "verify", path.string(), "--json"});
  CHECK(r.exit_code == kExitInvalid);
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j["valid"] == false);
  CHECK(j["reason"] == "malformed_json");
}

TEST_CASE("no seeded code value appears in any command's output") {
  test::TempHome home;
  test::install_fixed_key(home);  // a fixed key: every output below is the same on every run
  std::string everything;
  auto keep = [&](const test::Run& r) {
    everything += r.out + "\n" + r.err + "\n";
    return r.exit_code;
  };
  const auto signed_path = (home.path() / "job.json").string();
  const auto pdf = (home.path() / "job.pdf").string();
  const auto pub = (home.path() / "tech.pub").string();
  REQUIRE(keep(test::cli({"report", "sign", sample_path(), "-o", signed_path})) == kExitOk);
  REQUIRE(keep(test::cli({"keys", "show"})) == kExitOk);
  REQUIRE(keep(test::cli({"keys", "show", "--json"})) == kExitOk);
  REQUIRE(keep(test::cli({"keys", "export", "-o", pub})) == kExitOk);
  REQUIRE(keep(test::cli({"report", "verify", signed_path})) == kExitOk);
  REQUIRE(keep(test::cli({"report", "verify", signed_path, "--key", pub, "--json"})) == kExitOk);
  REQUIRE(keep(test::cli({"report", "render", signed_path, "-o", pdf})) == kExitOk);
  everything += test::read_file(signed_path) + "\n" + test::read_file(pub) + "\n" +
                test::pdf_text(test::read_file(pdf));
  CHECK(everything.find("K7-24-A9F3Q") != std::string::npos);  // the scan saw real output
  CHECK(test::first_code_found(everything) == "");
  CHECK(test::first_code_found(test::read_file(home.keys_dir() / "technician.key")) == "");
}
