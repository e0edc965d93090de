// Attestation verifier (pure functions): a genuine one passes; wrong manufacturer, another
// lock's certificate, an edited fact, a replayed challenge and an edited report all fail.
#include <doctest/doctest.h>

#include "lockdiag/reports/attestation.h"
#include "lockdiag/reports/ssh.h"
#include "support.h"

using namespace lockdiag::reports;
namespace ssh = lockdiag::reports::ssh;

namespace {

constexpr std::uint64_t kAt = 1795000000;  // the report's signing time in these tests

// TEST ONLY: the manufacturer test CA of these tests (never a CA lockdiag trusts in a release).
SigningKey manufacturer_test_only_ca() { return test::fixed_key(0x7e); }

struct Lock {
  SigningKey device = test::fixed_key(0x3d);
  std::string cert(const std::string& principal, const SigningKey& ca) {
    return ssh::issue_certificate({device.public_key(), 1, "lock " + principal, {principal}, 0, ssh::kForever, 2}, ca)
        .value();
  }
};

Attestation facts_of(const Snapshot& s, const std::string& serial, const std::string& challenge) {
  Attestation a;
  a.serial = serial;
  a.firmware = "1.4.2";
  for (const auto& g : s.slots)
    a.counts[static_cast<std::size_t>(g.role) * 3 + static_cast<std::size_t>(g.kind)] += static_cast<std::uint32_t>(
        g.count);
  std::string fp(s.code_set_fingerprint.size() / 2, '\0');
  REQUIRE(from_hex(s.code_set_fingerprint, std::span(reinterpret_cast<unsigned char*>(fp.data()), fp.size())));
  a.code_set_fingerprint = fp;
  a.clock_set = s.clock.set;
  a.lock_time = 1795000000;
  a.battery_mv = static_cast<std::uint32_t>(s.battery.millivolts);
  a.battery_state = static_cast<std::uint8_t>(s.battery.state);
  a.lockout_active = s.lockout.active;
  a.wrong_attempts = static_cast<std::uint32_t>(s.lockout.wrong_attempts);
  a.event_first_seq = static_cast<std::uint64_t>(s.events.first_seq);
  a.event_last_seq = static_cast<std::uint64_t>(s.events.last_seq);
  a.challenge = challenge;
  return a;
}

}  // namespace

TEST_CASE("attestation: genuine passes; every forgery has its own refusal") {
  const Report report = test::sample_report();
  const std::string challenge(32, '\x5a');
  Lock lock;
  const auto ca = manufacturer_test_only_ca();
  const std::vector<PublicKey> trusted{ca.public_key()};
  const auto facts = facts_of(report.before, report.lock.serial, challenge);
  const std::string body = encode_attestation(facts);
  const Signature sig = lock.device.sign(body);
  const std::string cert = lock.cert(report.lock.serial, ca);

  auto ok = verify_attestation(body, sig, cert, trusted, challenge, kAt);
  REQUIRE_MESSAGE(ok, ok.error().message);
  CHECK(attested_mismatches(report.before, *ok).empty());
  CHECK(decode_attestation(body).value().serial == report.lock.serial);
  for (std::size_t n = 0; n < body.size(); ++n) CHECK(!decode_attestation(body.substr(0, n)));

  // Another manufacturer (not in the shipped list).
  auto wrong_mfr = verify_attestation(body, sig, lock.cert(report.lock.serial, test::fixed_key(0x11)), trusted,
                                      challenge, kAt);
  REQUIRE(!wrong_mfr);
  CHECK(wrong_mfr.error().problem == AttestationProblem::wrong_manufacturer);
  // A genuine certificate for another lock.
  CHECK(verify_attestation(body, sig, lock.cert("LD1-OTHER", ca), trusted, challenge, kAt).error().problem ==
        AttestationProblem::wrong_lock);
  // A fact edited after the lock signed.
  auto edited = facts;
  edited.counts[0] += 1;
  CHECK(verify_attestation(encode_attestation(edited), sig, cert, trusted, challenge, kAt).error().problem ==
        AttestationProblem::bad_signature);
  // An old attestation replayed for a new challenge.
  CHECK(verify_attestation(body, sig, cert, trusted, std::string(32, '\x01'), kAt).error().problem ==
        AttestationProblem::replayed);
  // A report whose count was edited no longer matches what the lock signed.
  Snapshot claimed = report.before;
  REQUIRE(!claimed.slots.empty());
  claimed.slots[0].count += 1;
  const auto diff = attested_mismatches(claimed, *ok);
  REQUIRE(diff.size() == 1);
  CHECK(diff[0].starts_with("slots["));
  claimed = report.before;
  claimed.battery.millivolts += 1;
  CHECK(attested_mismatches(claimed, *ok) == std::vector<std::string>{"battery.millivolts"});
}

TEST_CASE("attestation: the manufacturer certificate must be valid when the report was signed") {
  const Report report = test::sample_report();
  const std::string challenge(32, '\x33');
  Lock lock;
  const auto ca = manufacturer_test_only_ca();
  const std::string body = encode_attestation(facts_of(report.before, report.lock.serial, challenge));
  const Signature sig = lock.device.sign(body);
  auto cert_valid = [&](std::uint64_t after, std::uint64_t before) {
    return ssh::issue_certificate({lock.device.public_key(), 7, "lock", {report.lock.serial}, after, before, kHostCert},
                                  ca)
        .value();
  };
  // Valid from kAt to kAt + 1: valid at kAt, not one second before, not at valid_before.
  const std::string cert = cert_valid(kAt, kAt + 1);
  CHECK(verify_attestation(body, sig, cert, {ca.public_key()}, challenge, kAt));
  auto early = verify_attestation(body, sig, cert, {ca.public_key()}, challenge, kAt - 1);
  REQUIRE(!early);
  CHECK(early.error().problem == AttestationProblem::certificate_not_yet_valid);
  auto late = verify_attestation(body, sig, cert, {ca.public_key()}, challenge, kAt + 1);
  REQUIRE(!late);
  CHECK(late.error().problem == AttestationProblem::certificate_expired);
  CHECK(late.error().message.find("expired") != std::string::npos);
  // A user certificate (not a host certificate) for the serial is not a lock's certificate.
  const std::string user_cert =
      ssh::issue_certificate({lock.device.public_key(), 8, "lock", {report.lock.serial}, 0, ssh::kForever, 1}, ca)
          .value();
  CHECK(verify_attestation(body, sig, user_cert, {ca.public_key()}, challenge, kAt).error().problem ==
        AttestationProblem::wrong_lock);
}
