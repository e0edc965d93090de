// Issue 15 end to end on lockfw-sim: a workflow (clock sync: it changes the lock's clock between
// the two reads) takes the lock's attestation on arrival and on
// leaving, the report carries both (distinct challenges), and `lockdiag report verify` says the
// lock attested when the TEST-ONLY CA is trusted through the config dir, and fails when it is
// not. A lock that cannot attest (its certificate is not for its key: not provisioned) does
// not fail the job: the report says "no lock attestation: <reason>".
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "workflow_harness.h"

using namespace lockdiag::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json report_body(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // format 2: line 1 is the signed envelope
  auto j = json::parse(line);
  return j.contains("report") ? j.at("report") : j;
}

}  // namespace

TEST_CASE("attestation e2e: a clock sync is attested on arrival and on leaving, and verify says so") {
  Visit v("occupied-rental");
  auto r = v.workflow("clock-sync", {"--json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const json outcome = json::parse(r.out);
  const auto report = outcome.at("report_json").get<std::string>();

  // Without the TEST-ONLY CA trusted anywhere: never trusted silently.
  auto untrusted = v.lockdiag({"report", "verify", report});
  CHECK(untrusted.exit_code == 6);
  CHECK_MESSAGE(untrusted.err.find("what the lock signed does not match the report") != std::string::npos,
                untrusted.err);

  check_report_verifies(v, outcome);  // trusts it through the visit's config dir
  auto ok = v.lockdiag({"report", "verify", report, "--json"});
  REQUIRE_MESSAGE(ok.exit_code == 0, ok.err);
  const auto vj = json::parse(ok.out);
  CHECK(vj.at("lock_attestation") == "attested");
  CHECK(vj.at("manufacturer_test_only") == true);
  CHECK(vj.at("lock_attestation_line").get<std::string>().find("(on arrival only") == std::string::npos);

  const json body = report_body(report);
  REQUIRE_MESSAGE(body.contains("lock_attestation"), body.dump());
  const auto& a = body.at("lock_attestation");
  REQUIRE(a.at("before").contains("nonce"));
  REQUIRE(a.at("after").contains("nonce"));
  CHECK(a.at("before").at("nonce") != a.at("after").at("nonce"));
  CHECK(a.at("before").at("body") != a.at("after").at("body"));
}

TEST_CASE("attestation e2e: a lock that is not provisioned still gets its job done, and the report says why") {
  Visit v("occupied-rental");
  // A certificate that is not for this lock's key: the lock starts but cannot attest.
  {
    std::ofstream(v.sim().state_file().string() + ".devcert", std::ios::trunc) << "not a certificate\n";
  }
  v.restart_lock();
  auto r = v.workflow("diagnose", {"--json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const json outcome = json::parse(r.out);
  CHECK(outcome.at("state") == "done");
  auto res = v.lockdiag({"report", "verify", outcome.at("report_json").get<std::string>()});
  CHECK_MESSAGE(res.exit_code == 0, res.err);
  CHECK_MESSAGE(res.out.find("\nno lock attestation: ") != std::string::npos, res.out);
  CHECK_MESSAGE(res.out.find("not provisioned") != std::string::npos, res.out);
}
