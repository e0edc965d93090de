// Client::get_attestation over the real ServicePort and a real lockfw core: the statement
// verifies on the host, a certificate larger than one answer comes back whole in pages, an
// unprovisioned lock is a clear refusal.
#include <doctest/doctest.h>

#include <cstring>

#include "core/ed25519.h"
#include "harness.h"
#include "lockdiag/drivers/client.h"
#include "lockdiag/reports/attestation.h"
#include "provision.h"
#include "support.h"  // tests/lockfw: a real lockfw core on a virtual lock
#include "test_only_manufacturer_ca.h"

using namespace lockdiag;
using namespace lockdiag::drivers;
using namespace lockdiag::test;
namespace wire = lockfw::wire;

namespace {

constexpr std::uint64_t kAt = 1795000000;  // the report's signing time in these tests

reports::PublicKey test_only_ca() {
  reports::PublicKey k;
  lockfw::crypto::ed25519_public_key(k.bytes.data(), lockfw::host::kTestOnlyManufacturerCaSeed);
  return k;
}

}  // namespace

TEST_CASE("client: GET_ATTESTATION brings back a statement the host verifier accepts") {
  lockfw::test::Rig rig;
  REQUIRE(rig.vl.provision_test_only(1700000000));
  rig.onboard();
  auto lock = std::make_shared<LoopbackLock>(rig.lock());
  auto c = Client::open(std::make_unique<LoopbackTransport>(lock));
  REQUIRE(c);
  // 1.4: the session is the client's channel's: the rig's closes, the client arms, the admin types.
  REQUIRE(rig.call(lockfw::wire::kCmdCloseSession).error == lockfw::wire::kErrNone);
  REQUIRE(c->arm_session());
  rig.type_raw("19283746*0#");
  auto caps = c->capabilities();
  REQUIRE(caps);
  CHECK((caps->features & kFeatureAttestationBit) != 0);
  const std::string challenge(32, '\x6b');
  auto a = c->get_attestation(std::span(reinterpret_cast<const uint8_t*>(challenge.data()), challenge.size()));
  REQUIRE_MESSAGE(a, a.error().message);
  CHECK(a->certificate == std::string(rig.vl.device_certificate().begin(), rig.vl.device_certificate().end()));
  reports::Signature sig{};
  REQUIRE(a->signature.size() == sig.size());
  std::memcpy(sig.data(), a->signature.data(), sig.size());
  auto v = reports::verify_attestation(a->body, sig, a->certificate, {test_only_ca()}, challenge, kAt);
  REQUIRE_MESSAGE(v, v.error().message);
  CHECK(v->serial == "LD1-TEST0001");
  // A challenge of the wrong size never reaches the lock.
  CHECK(!c->get_attestation(std::span(reinterpret_cast<const uint8_t*>(challenge.data()), 31)));
}

TEST_CASE("client: a certificate longer than one answer is fetched in pages and arrives whole") {
  lockfw::test::Rig rig;
  REQUIRE(rig.vl.provision_test_only(1700000000));
  lockfw::host::DeviceCertRequest big;
  REQUIRE(lockfw::host::device_certificate_key(rig.vl.device_certificate(), big.public_key));
  big.serial = std::string(1500, 'L');  // not a real serial: only the size matters here
  rig.vl.set_device_certificate(lockfw::host::issue_device_certificate(big, lockfw::host::kTestOnlyManufacturerCaSeed));
  REQUIRE(rig.vl.device_certificate().size() > 3000);
  rig.onboard();
  auto lock = std::make_shared<LoopbackLock>(rig.lock());
  auto c = Client::open(std::make_unique<LoopbackTransport>(lock));
  REQUIRE(c);
  // 1.4: the session is the client's channel's: the rig's closes, the client arms, the admin types.
  REQUIRE(rig.call(lockfw::wire::kCmdCloseSession).error == lockfw::wire::kErrNone);
  REQUIRE(c->arm_session());
  rig.type_raw("19283746*0#");
  const std::string challenge(32, '\x01');
  auto a = c->get_attestation(std::span(reinterpret_cast<const uint8_t*>(challenge.data()), challenge.size()));
  REQUIRE_MESSAGE(a, a.error().message);
  CHECK(a->certificate == std::string(rig.vl.device_certificate().begin(), rig.vl.device_certificate().end()));
}

TEST_CASE("client: an unprovisioned lock refuses with a message a technician can act on") {
  lockfw::test::Rig rig;
  rig.onboard();
  auto lock = std::make_shared<LoopbackLock>(rig.lock());
  auto c = Client::open(std::make_unique<LoopbackTransport>(lock));
  REQUIRE(c);
  // 1.4: the session is the client's channel's: the rig's closes, the client arms, the admin types.
  REQUIRE(rig.call(lockfw::wire::kCmdCloseSession).error == lockfw::wire::kErrNone);
  REQUIRE(c->arm_session());
  rig.type_raw("19283746*0#");
  const std::string challenge(32, '\x02');
  auto a = c->get_attestation(std::span(reinterpret_cast<const uint8_t*>(challenge.data()), challenge.size()));
  REQUIRE(!a);
  CHECK(a.error().kind == ErrorKind::kLockRefused);
  CHECK(a.error().lock_code == wire::kErrNotProvisioned);
  CHECK(a.error().message.find("not provisioned") != std::string::npos);
}
