// Trust of format 2 reports: company CA chain, validity at signing time, principal, company,
// KRL, tampering, and old (format 1) reports. Each case attacks one check.
#include <doctest/doctest.h>

#include "lockdiag/reports/reports.h"
#include "support.h"

using namespace lockdiag::reports;
namespace ssh = lockdiag::reports::ssh;

namespace {

constexpr std::uint64_t kJan2026 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr const char* kSignedAt = "2026-11-21T09:00:00Z";

struct World {
  SigningKey ca = test::fixed_key(1);
  SigningKey tech = test::fixed_key(2);
  Report report = test::sample_report();
  std::string company = "Brama & Klucz Locksmiths Sp. z o.o.";

  std::string cert(std::uint64_t serial = 5, std::vector<std::string> principals = {"zoe"},
                   std::uint64_t after = kJan2026, std::uint64_t before = kJan2026 + 365 * 86400,
                   const SigningKey* by = nullptr) {
    return ssh::issue_certificate({tech.public_key(), serial, report.technician.name, principals, after, before},
                                  by ? *by : ca)
        .value();
  }
  std::string sign(const std::string& cert_blob, const char* at = kSignedAt) {
    return sign_report_sshsig(report, tech, &cert_blob, at).value();
  }
  TrustStore trust(const std::string& principals = "*") {
    TrustStore t;
    std::string line = allowed_signers_line(ca.public_key(), company);
    if (principals != "*") line = principals + line.substr(1);
    t.signers = parse_allowed_signers(line, "test", nullptr).value();
    return t;
  }
};

}  // namespace

TEST_CASE("a report signed under a valid certificate verifies and names signer, company and CA") {
  World w;
  const auto file = w.sign(w.cert());
  auto s = verify_trusted(file, w.trust());
  REQUIRE_MESSAGE(s, s.error().message);
  CHECK(s->format == 2);
  CHECK(s->chain_checked);
  CHECK(s->company == w.company);
  CHECK(s->ca_fingerprint == ssh::fingerprint(w.ca.public_key()));
  CHECK(s->certificate->serial == 5);
  CHECK(s->one_line().find("certified by " + w.company + " until 2027-01-01T00:00:00Z") != std::string::npos);
}

TEST_CASE("validity is judged at the signing time: expired and not yet valid certificates fail") {
  World w;
  auto expired = verify_trusted(w.sign(w.cert(5, {"zoe"}, kJan2026, kJan2026 + 86400)), w.trust());
  REQUIRE(!expired);
  CHECK(expired.error().reason == VerifyReason::certificate_invalid);
  CHECK(expired.error().message.find("expired") != std::string::npos);
  auto early = verify_trusted(w.sign(w.cert(5, {"zoe"}, kJan2026 + 400 * 86400, ssh::kForever)), w.trust());
  REQUIRE(!early);
  CHECK(early.error().message.find("not yet valid") != std::string::npos);
  // The boundary: valid_before itself is already outside (OpenSSH's rule).
  const auto t = ssh::parse_time_text(kSignedAt).value();
  CHECK(!verify_trusted(w.sign(w.cert(5, {"zoe"}, kJan2026, t)), w.trust()));
  CHECK(verify_trusted(w.sign(w.cert(5, {"zoe"}, t, t + 1)), w.trust()));
}

TEST_CASE("another company's CA, or a report claiming another company, fails") {
  World w;
  SigningKey rogue = test::fixed_key(9);
  auto other = verify_trusted(w.sign(w.cert(5, {"zoe"}, kJan2026, kJan2026 + 365 * 86400, &rogue)), w.trust());
  REQUIRE(!other);
  CHECK(other.error().reason == VerifyReason::unknown_key);
  w.company = "Harbour Lock & Key";  // the trusted CA belongs to a company the report does not name
  auto claim = verify_trusted(w.sign(w.cert()), w.trust());
  REQUIRE(!claim);
  CHECK(claim.error().reason == VerifyReason::certificate_invalid);
  CHECK(claim.error().message.find("claims company") != std::string::npos);
}

TEST_CASE("a serial revoked in a KRL fails; other serials still pass") {
  World w;
  const auto file = w.sign(w.cert(5));
  auto t = w.trust();
  t.krls.push_back(ssh::parse_krl(ssh::make_krl(w.ca.public_key(), {3, 5, 9}, 2, kJan2026, "c")).value());
  auto r = verify_trusted(file, t);
  REQUIRE(!r);
  CHECK(r.error().reason == VerifyReason::revoked);
  CHECK(verify_trusted(w.sign(w.cert(6)), t));
  // A KRL for another CA's serial 5 does not touch ours.
  auto t2 = w.trust();
  t2.krls.push_back(ssh::parse_krl(ssh::make_krl(test::fixed_key(9).public_key(), {5}, 1, 0, "")).value());
  CHECK(verify_trusted(file, t2));
}

TEST_CASE("principals: the company line's patterns and the certificate's own list") {
  World w;
  auto wrong = verify_trusted(w.sign(w.cert(5, {"zoe"})), w.trust("*@brama.example"));
  REQUIRE(!wrong);
  CHECK(wrong.error().reason == VerifyReason::certificate_invalid);
  CHECK(verify_trusted(w.sign(w.cert(5, {"zoe@brama.example"})), w.trust("*@brama.example")));
  CHECK(!verify_trusted(w.sign(w.cert(5, {"zoe@brama.example"})), w.trust("*,!zoe@*")));
  // The certificate names another person than the report's technician.
  const auto c = ssh::issue_certificate({w.tech.public_key(), 5, "Sam Okafor", {"zoe"}, kJan2026, ssh::kForever}, w.ca);
  auto other = verify_trusted(w.sign(c.value()), w.trust());
  REQUIRE(!other);
  CHECK(other.error().message.find("names technician") != std::string::npos);
}

TEST_CASE("tampering with any part of a format 2 file is caught") {
  World w;
  const auto file = w.sign(w.cert());
  const auto at = file.find("\"count\":2");
  REQUIRE(at != std::string::npos);
  std::string edited = file;
  edited[at + 8] = '3';  // a count in the report
  auto r = verify_trusted(edited, w.trust());
  REQUIRE(!r);
  CHECK(r.error().reason == VerifyReason::signature_mismatch);
  // Moving the signing time into the certificate's validity is an edit too.
  std::string moved = file;
  moved.replace(moved.find(kSignedAt), 4, "2025");
  CHECK(!verify_trusted(moved, w.trust()));
  // Every single-byte flip of the signature block is refused, never accepted.
  const auto sig_at = file.find('\n') + 40;
  for (std::size_t i = sig_at; i < file.size() - 30; i += 7) {
    std::string flipped = file;
    flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
    CHECK(!verify_trusted(flipped, w.trust()));
  }
  // Swapping in a certificate signed by the trusted CA for another key breaks the signature.
  World w2;
  w2.tech = test::fixed_key(3);
  w2.report.technician.name = "Mallory";
  const auto foreign = w2.sign(w2.cert());
  std::string spliced = file.substr(0, file.find('\n') + 1) + foreign.substr(foreign.find('\n') + 1);
  CHECK(!verify_trusted(spliced, w.trust()));
}

TEST_CASE("bare-key and format 1 reports verify only against pinned keys") {
  World w;
  const auto v2 = sign_report_sshsig(w.report, w.tech, nullptr, kSignedAt).value();
  const auto v1 = sign_report(w.report, w.tech).value();
  TrustStore none = w.trust();
  CHECK(verify_trusted(v2, none).error().reason == VerifyReason::unknown_key);
  CHECK(verify_trusted(v1, none).error().reason == VerifyReason::unknown_key);
  none.keys.push_back(w.tech.public_key());
  CHECK(verify_trusted(v2, none));
  auto old = verify_trusted(v1, none);
  REQUIRE(old);
  CHECK(old->format == 1);
  none.krls.push_back(ssh::parse_krl(ssh::make_krl(w.ca.public_key(), {}, 1, 0, "")).value());
  CHECK(verify_trusted(v1, none));
}

TEST_CASE("a certificate for another key is refused when signing") {
  World w;
  const auto c = ssh::issue_certificate({test::fixed_key(4).public_key(), 1, "x", {"x"}, 0, ssh::kForever}, w.ca);
  CHECK(!sign_report_sshsig(w.report, w.tech, &c.value(), kSignedAt));
}
