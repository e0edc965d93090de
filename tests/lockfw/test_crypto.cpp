// The portable SHA-256 / HMAC-SHA-256 (Cortex-M port) against FIPS 180 and RFC 4231 vectors
// and against libsodium (the host port), through the same hal::Crypto interface core uses.
#include <doctest/doctest.h>
#include <sodium.h>

#include <random>
#include <string>
#include <vector>

#include "host_hal.h"
#include "port/cortexm/soft_crypto.h"

#include "hex.h"

namespace {

std::string sha(lockfw::hal::Crypto& c, const std::string& m) {
  uint8_t out[32];
  c.sha256(reinterpret_cast<const uint8_t*>(m.data()), m.size(), out);
  return hex(out, 32);
}

std::string hmac(lockfw::hal::Crypto& c, const std::vector<uint8_t>& key, const std::vector<uint8_t>& msg,
                 size_t split = 0) {
  lockfw::hal::Crypto::HmacState st;
  c.hmac_init(st, key.data(), key.size());
  if (split && split < msg.size()) {
    c.hmac_update(st, msg.data(), split);
    c.hmac_update(st, msg.data() + split, msg.size() - split);
  } else {
    c.hmac_update(st, msg.data(), msg.size());
  }
  uint8_t out[32];
  c.hmac_final(st, out);
  return hex(out, 32);
}

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }
std::vector<uint8_t> fill(uint8_t v, size_t n) { return std::vector<uint8_t>(n, v); }

}  // namespace

TEST_CASE("SHA-256: FIPS 180 vectors, portable and libsodium") {
  lockfw::soft::SoftCrypto soft;
  lockfw::host::SodiumCrypto sodium;
  for (lockfw::hal::Crypto* c :
       {static_cast<lockfw::hal::Crypto*>(&soft), static_cast<lockfw::hal::Crypto*>(&sodium)}) {
    CHECK(sha(*c, "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha(*c, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha(*c, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha(*c, std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
}

TEST_CASE("HMAC-SHA-256: RFC 4231 test cases, portable and libsodium") {
  lockfw::soft::SoftCrypto soft;
  lockfw::host::SodiumCrypto sodium;
  std::vector<uint8_t> k4;
  for (uint8_t i = 1; i <= 25; ++i) k4.push_back(i);
  for (lockfw::hal::Crypto* c :
       {static_cast<lockfw::hal::Crypto*>(&soft), static_cast<lockfw::hal::Crypto*>(&sodium)}) {
    CHECK(hmac(*c, fill(0x0b, 20), bytes("Hi There")) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hmac(*c, bytes("Jefe"), bytes("what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(hmac(*c, fill(0xaa, 20), fill(0xdd, 50)) ==
          "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    CHECK(hmac(*c, k4, fill(0xcd, 50)) == "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    CHECK(hmac(*c, fill(0xaa, 131), bytes("Test Using Larger Than Block-Size Key - Hash Key First")) ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    CHECK(hmac(*c, fill(0xaa, 131),
               bytes("This is a test using a larger than block-size key and a larger than block-size data. The key "
                     "needs to be hashed before being used by the HMAC algorithm.")) ==
          "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }
}

TEST_CASE("portable crypto agrees with libsodium on random keys, messages and update splits") {
  lockfw::soft::SoftCrypto soft;
  lockfw::host::SodiumCrypto sodium;
  std::mt19937 rng(4231);
  for (int i = 0; i < 400; ++i) {
    std::vector<uint8_t> key(rng() % 200), msg(rng() % 300);
    for (auto& b : key) b = static_cast<uint8_t>(rng());
    for (auto& b : msg) b = static_cast<uint8_t>(rng());
    const size_t split = msg.empty() ? 0 : rng() % msg.size();
    REQUIRE(hmac(soft, key, msg, split) == hmac(sodium, key, msg));
    const std::string m(msg.begin(), msg.end());
    REQUIRE(sha(soft, m) == sha(sodium, m));
  }
  // A state copied mid-stream (as the keypad matcher does) continues correctly.
  lockfw::hal::Crypto::HmacState a, b;
  const auto key = bytes("secret"), m1 = bytes("prefix"), m2 = bytes("tail");
  for (lockfw::hal::Crypto* c :
       {static_cast<lockfw::hal::Crypto*>(&soft), static_cast<lockfw::hal::Crypto*>(&sodium)}) {
    c->hmac_init(a, key.data(), key.size());
    c->hmac_update(a, m1.data(), m1.size());
    b = a;
    c->hmac_update(b, m2.data(), m2.size());
    uint8_t out[32];
    c->hmac_final(b, out);
    std::vector<uint8_t> whole = m1;
    whole.insert(whole.end(), m2.begin(), m2.end());
    CHECK(hex(out, 32) == hmac(sodium, key, whole));
  }
}
