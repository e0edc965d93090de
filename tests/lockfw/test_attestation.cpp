// GET_ATTESTATION (protocol 1.5) on the lock: the device key made at manufacture, the
// TEST-ONLY manufacturer certificate, the signed statement checked by the host verifier
// (reports/attestation.h), paging, and every way the lock must refuse.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "core/ed25519.h"
#include "lockdiag/reports/attestation.h"
#include "lockdiag/reports/ssh.h"
#include "provision.h"
#include "support.h"
#include "test_only_manufacturer_ca.h"

using namespace lockfw;
using namespace lockfw::wire;
namespace rp = lockdiag::reports;

namespace {

constexpr std::uint64_t kAt = 1795000000;  // the report's signing time in these tests

struct Statement {
  uint8_t error = 0;
  std::string body;
  rp::Signature sig{};
  uint16_t cert_len = 0;
};

Statement attest(test::Rig& rig, const std::string& challenge) {
  AttestationRequest rq{};
  rq.part = kAttestPartStatement;
  std::memcpy(rq.challenge, challenge.data(), sizeof rq.challenge);
  auto r = rig.call(kCmdGetAttestation, rq);
  Statement s;
  s.error = r.error;
  if (r.error) return s;
  AttestationStatement h{};
  REQUIRE(r.payload.size() >= sizeof h);
  std::memcpy(&h, r.payload.data(), sizeof h);
  CHECK(h.format == kAttestFormat);
  REQUIRE(r.payload.size() == sizeof h + h.body_len + kAttestSignatureBytes);
  s.body.assign(reinterpret_cast<const char*>(r.payload.data() + sizeof h), h.body_len);
  std::memcpy(s.sig.data(), r.payload.data() + sizeof h + h.body_len, 64);
  s.cert_len = h.cert_len;
  return s;
}

std::string fetch_cert(test::Rig& rig) {
  std::string cert;
  for (int guard = 0; guard < 16; ++guard) {
    AttestationRequest rq{};
    rq.part = kAttestPartCertificate;
    rq.offset = static_cast<uint16_t>(cert.size());
    auto r = rig.call(kCmdGetAttestation, rq);
    REQUIRE(r.error == kErrNone);
    AttestationCertPage h{};
    std::memcpy(&h, r.payload.data(), sizeof h);
    REQUIRE(uint16_t{h.offset} == cert.size());
    REQUIRE(r.payload.size() == sizeof h + h.length);
    cert.append(reinterpret_cast<const char*>(r.payload.data() + sizeof h), h.length);
    if (cert.size() == h.total) return cert;
    REQUIRE(uint16_t{h.length} > 0);
  }
  FAIL("certificate never completed");
  return {};
}

rp::PublicKey test_only_ca() {
  rp::PublicKey k;
  crypto::ed25519_public_key(k.bytes.data(), host::kTestOnlyManufacturerCaSeed);
  return k;
}

std::string challenge_of(char c) { return std::string(32, c); }

}  // namespace

TEST_CASE("attestation: a provisioned lock signs its state; the host verifier accepts it and every fact matches") {
  test::Rig rig;
  REQUIRE(rig.vl.provision_test_only(1700000000));
  rig.onboard();
  REQUIRE(rig.enroll(4, kRoleGuest, "44556677") == kEnrollCommitted);
  rig.vl.battery().set(3050);

  const std::string challenge = challenge_of('\x42');
  const Statement s = attest(rig, challenge);
  REQUIRE(s.error == kErrNone);
  const std::string cert = fetch_cert(rig);
  CHECK(cert.size() == s.cert_len);
  CHECK(std::vector<uint8_t>(cert.begin(), cert.end()) == rig.vl.device_certificate());

  auto a = rp::verify_attestation(s.body, s.sig, cert, {test_only_ca()}, challenge, kAt);
  REQUIRE_MESSAGE(a, a.error().message);
  CHECK(a->serial == "LD1-TEST0001");
  CHECK(a->firmware == "1.0.0");
  CHECK(a->counts[0] == 1);      // admin/persistent
  CHECK(a->counts[2 * 3] == 1);  // guest/persistent
  uint32_t total = 0;
  for (auto c : a->counts) total += c;
  CHECK(total == 2);
  // The code-set fingerprint is GET_FINGERPRINT's keyed digest: no code can be tested against it offline.
  auto fp = rig.call(kCmdGetFingerprint);
  REQUIRE(fp.error == kErrNone);
  FingerprintResponse f{};
  std::memcpy(&f, fp.payload.data(), sizeof f);
  CHECK(a->code_set_fingerprint == std::string(reinterpret_cast<const char*>(f.digest), 32));
  const StatusResponse st = rig.status();
  CHECK(a->clock_set);
  CHECK(a->lock_time == st.clock_utc);
  CHECK(a->battery_mv == 3050);
  CHECK(a->battery_state == st.battery_state);
  CHECK(!a->lockout_active);
  CHECK(a->wrong_attempts == st.wrong_attempts);
  CHECK(a->event_last_seq + 1 == st.event_head_seq);
  CHECK(a->event_first_seq >= 1);
  CHECK(a->challenge == challenge);

  // Asking for an attestation leaves no trace in the event log (the range it signed stays true).
  CHECK(rig.status().event_head_seq == st.event_head_seq);

  // Every single-byte change of the signed structure breaks the signature (or the decoding).
  for (std::size_t i = 0; i < s.body.size(); ++i) {
    std::string b = s.body;
    b[i] = static_cast<char>(b[i] ^ 0x01);
    CHECK(!rp::verify_attestation(b, s.sig, cert, {test_only_ca()}, challenge, kAt));
  }
  // Another challenge: the old statement is a replay; a fresh one answers the new challenge.
  CHECK(rp::verify_attestation(s.body, s.sig, cert, {test_only_ca()}, challenge_of('\x43'), kAt).error().problem ==
        rp::AttestationProblem::replayed);
  const Statement s2 = attest(rig, challenge_of('\x43'));
  CHECK(rp::verify_attestation(s2.body, s2.sig, cert, {test_only_ca()}, challenge_of('\x43'), kAt));
  // A manufacturer lockdiag does not trust.
  rp::PublicKey other = test_only_ca();
  other.bytes[0] ^= 1;
  CHECK(rp::verify_attestation(s.body, s.sig, cert, {other}, challenge, kAt).error().problem ==
        rp::AttestationProblem::wrong_manufacturer);
}

TEST_CASE("attestation: the device key is made once, survives power cycles and never reaches the journal or the wire") {
  test::Rig rig;
  REQUIRE(rig.vl.provision_test_only(1700000000));
  uint8_t pk1[32], pk2[32], seed[32];
  REQUIRE(rig.lock().provision_device_key(pk1));
  REQUIRE(rig.lock().provision_device_key(pk2));
  CHECK(std::memcmp(pk1, pk2, 32) == 0);  // a second provisioning does not replace the key
  const auto cert_before = rig.vl.device_certificate();
  REQUIRE(rig.vl.provision_test_only(1700000000));
  CHECK(rig.vl.device_certificate() == cert_before);  // nor the certificate of that key
  REQUIRE(rig.vl.ram_secrets().load(hal::kDeviceSigningKey, seed));
  rig.onboard();
  const Statement s = attest(rig, challenge_of('\x01'));
  REQUIRE(s.error == kErrNone);
  REQUIRE(rig.vl.power_cycle());
  REQUIRE(rig.lock().session_state() != kSessionOpen);
  CHECK(attest(rig, challenge_of('\x02')).error == kErrSessionRequired);
  rig.type("19283746*0#");  // the admin opens a service session at the keypad
  REQUIRE(rig.lock().session_state() == kSessionOpen);
  const Statement after = attest(rig, challenge_of('\x02'));
  REQUIRE(after.error == kErrNone);
  CHECK(rp::verify_attestation(after.body, after.sig, fetch_cert(rig), {test_only_ca()}, challenge_of('\x02'), kAt));

  const std::string flash(reinterpret_cast<const char*>(rig.flash.data()), rig.flash.size());
  CHECK(flash.find(std::string(reinterpret_cast<const char*>(seed), 32)) == std::string::npos);
  for (const auto& wire_report : rig.usb.reports)
    CHECK(
        std::string(wire_report.begin(), wire_report.end()).find(std::string(reinterpret_cast<const char*>(seed), 8)) ==
        std::string::npos);
  CHECK(s.body.find(std::string(reinterpret_cast<const char*>(seed), 8)) == std::string::npos);
}

TEST_CASE("attestation: a lock without a device key or certificate answers NOT_PROVISIONED") {
  test::Rig rig;
  rig.onboard();
  CHECK(attest(rig, challenge_of('\x07')).error == kErrNotProvisioned);  // never provisioned
  AttestationRequest rq{};
  rq.part = kAttestPartCertificate;
  CHECK(rig.call(kCmdGetAttestation, rq).error == kErrNotProvisioned);
  // The Cortex-M stub's situation: a secret store that refuses writes.
  test::Rig stub;
  stub.vl.ram_secrets().fail_stores = true;
  CHECK(!stub.vl.provision_test_only(1700000000));
  stub.onboard();
  CHECK(attest(stub, challenge_of('\x07')).error == kErrNotProvisioned);
  // A certificate for some other key is not this lock's: refused rather than misleading.
  test::Rig swapped;
  REQUIRE(swapped.vl.provision_test_only(1700000000));
  host::DeviceCertRequest other;
  std::memset(other.public_key, 0x11, 32);
  other.serial = "LD1-TEST0001";
  swapped.vl.set_device_certificate(host::issue_device_certificate(other, host::kTestOnlyManufacturerCaSeed));
  swapped.onboard();
  CHECK(attest(swapped, challenge_of('\x07')).error == kErrNotProvisioned);
}

TEST_CASE("attestation: malformed requests are refused, the certificate pages add up") {
  test::Rig rig;
  REQUIRE(rig.vl.provision_test_only(1700000000));
  rig.onboard();
  AttestationRequest rq{};
  CHECK(rig.vl.call(kCmdGetAttestation, &rq, sizeof rq - 1).error == kErrInvalidLength);
  rq.part = 2;
  CHECK(rig.call(kCmdGetAttestation, rq).error == kErrInvalidParameter);
  rq.part = kAttestPartCertificate;
  rq.reserved = 1;
  CHECK(rig.call(kCmdGetAttestation, rq).error == kErrInvalidParameter);
  rq.reserved = 0;
  rq.offset = static_cast<uint16_t>(rig.vl.device_certificate().size() + 1);
  CHECK(rig.call(kCmdGetAttestation, rq).error == kErrInvalidParameter);
  rq.offset = 100;  // a later page starts where asked
  auto r = rig.call(kCmdGetAttestation, rq);
  REQUIRE(r.error == kErrNone);
  CHECK(std::equal(r.payload.begin() + sizeof(AttestationCertPage), r.payload.end(),
                   rig.vl.device_certificate().begin() + 100));
  // The capability bit says the lock knows the command.
  auto caps = rig.call(kCmdGetCapabilities);
  CapabilitiesResponse c{};
  std::memcpy(&c, caps.payload.data(), sizeof c);
  CHECK((c.features & kFeatureAttestation) != 0);
}

TEST_CASE("attestation: the manufacturer certificate is a stock OpenSSH host certificate for the serial") {
  test::Rig rig;
  REQUIRE(rig.vl.provision_test_only(1700000000));
  const auto& c = rig.vl.device_certificate();
  const std::string blob(c.begin(), c.end());
  auto cert = rp::ssh::parse_certificate(blob);
  REQUIRE_MESSAGE(cert, cert.error().message);
  CHECK(cert->type == rp::kHostCert);
  CHECK(cert->principals == std::vector<std::string>{"LD1-TEST0001"});
  CHECK(cert->ca == test_only_ca());
  CHECK(cert->valid_after == 1700000000);
  // The seed in the source is the key of packaging/test-only/manufacturer-ca-TEST-ONLY.pub.
  std::ifstream pub(std::string(LOCKDIAG_SOURCE_DIR) + "/packaging/test-only/manufacturer-ca-TEST-ONLY.pub");
  std::string line;
  REQUIRE(std::getline(pub, line));
  CHECK(line.find("TEST-ONLY") != std::string::npos);
  auto k = rp::ssh::parse_public_key_line(line);
  REQUIRE(k);
  CHECK(*k == test_only_ca());
  // Stock ssh-keygen reads it.
  const std::string path = "attestation_test_cert-" + std::to_string(::getpid()) + "-cert.pub";
  std::ofstream(path) << rp::ssh::certificate_line(blob, "lock LD1-TEST0001") << "\n";
  const std::string cmd = "ssh-keygen -L -f " + path + " > " + path + ".out 2>&1";
  const int rc = std::system(cmd.c_str());
  std::stringstream out;
  out << std::ifstream(path + ".out").rdbuf();
  std::remove(path.c_str());
  std::remove((path + ".out").c_str());
  REQUIRE_MESSAGE(rc == 0, out.str());
  CHECK(out.str().find("ssh-ed25519-cert-v01@openssh.com host certificate") != std::string::npos);
  CHECK(out.str().find("LD1-TEST0001") != std::string::npos);
}

TEST_CASE(
    "lockfw-sim provisioning: first start writes STATE.devcert, later starts load it, a foreign file is left alone") {
  const std::string path = "attestation_test_" + std::to_string(::getpid()) + ".devcert";
  std::remove(path.c_str());
  test::Rig rig;
  CHECK(host::provision_sim(rig.vl, path, 1700000000) == "");
  std::stringstream written;
  written << std::ifstream(path, std::ios::binary).rdbuf();
  CHECK(written.str() == std::string(rig.vl.device_certificate().begin(), rig.vl.device_certificate().end()));
  // A restart: the same certificate is loaded, not a new one issued.
  rig.vl.set_device_certificate({});
  CHECK(host::provision_sim(rig.vl, path, 1800000000) == "");
  CHECK(std::string(rig.vl.device_certificate().begin(), rig.vl.device_certificate().end()) == written.str());
  // Another lock's state next to this certificate file: not its key, so the file stays as it was.
  test::Rig other(test::small_config(), test::kSmallBlock, 99);
  const std::string w = host::provision_sim(other.vl, path, 1700000000);
  CHECK(w.find("not provisioned") != std::string::npos);
  CHECK(other.vl.device_certificate().empty());
  std::stringstream after;
  after << std::ifstream(path, std::ios::binary).rdbuf();
  CHECK(after.str() == written.str());
  other.onboard();
  CHECK(attest(other, challenge_of('\x09')).error == kErrNotProvisioned);
  std::remove(path.c_str());
}
