// The firmware's own SHA-512 and Ed25519 (lockfw/core/sha512.cpp, ed25519.cpp) against
// FIPS 180 and RFC 8032 vectors and against libsodium on random inputs, both directions.
#include <doctest/doctest.h>
#include <sodium.h>

#include <random>
#include <string>
#include <vector>

#include "core/ed25519.h"
#include "core/sha512.h"

using namespace lockfw::crypto;

#include "hex.h"

namespace {

std::vector<uint8_t> unhex(const std::string& h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace

TEST_CASE("SHA-512: FIPS 180 vectors and libsodium on every length up to 300") {
  uint8_t out[64];
  sha512(nullptr, 0, out);
  CHECK(hex(out, 64) ==
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a"
        "81a538327af927da3e");
  sha512(reinterpret_cast<const uint8_t*>("abc"), 3, out);
  CHECK(hex(out, 64) ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce8"
        "0e2a9ac94fa54ca49f");
  REQUIRE(sodium_init() >= 0);
  std::mt19937 rng(15);
  std::vector<uint8_t> m(300);
  for (auto& b : m) b = static_cast<uint8_t>(rng());
  for (size_t n = 0; n <= m.size(); ++n) {
    uint8_t ref[64];
    crypto_hash_sha512(ref, m.data(), n);
    Sha512 s;  // fed in two uneven pieces: the streaming path
    s.init();
    s.update(m.data(), n / 3);
    s.update(m.data() + n / 3, n - n / 3);
    s.final(out);
    CHECK(hex(out, 64) == hex(ref, 64));
  }
}

TEST_CASE("Ed25519: RFC 8032 section 7.1 tests 1-3") {
  struct V {
    const char *seed, *pk, *msg, *sig;
  } vectors[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe2"
       "4655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302ae"
       "eb00d291612bb0c00"},
      {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
       "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
       "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28"
       "dc027beceea1ec40a"},
  };
  for (const auto& v : vectors) {
    const auto seed = unhex(v.seed), msg = unhex(v.msg);
    uint8_t pk[32], sig[64];
    ed25519_public_key(pk, seed.data());
    CHECK(hex(pk, 32) == v.pk);
    ed25519_sign(sig, msg.data(), msg.size(), seed.data(), pk);
    CHECK(hex(sig, 64) == v.sig);
    CHECK(ed25519_verify(sig, msg.data(), msg.size(), pk));
    sig[63] ^= 0x10;  // S no longer the one signed (and >= L here): refused
    CHECK(!ed25519_verify(sig, msg.data(), msg.size(), pk));
  }
}

TEST_CASE("Ed25519: the same keys and signatures as libsodium on random inputs, checked both ways") {
  REQUIRE(sodium_init() >= 0);
  std::mt19937 rng(8032);
  for (int round = 0; round < 64; ++round) {
    uint8_t seed[32], pk_ref[64 - 32], sk_ref[64], pk[32], sig[64], sig_ref[64];
    for (auto& b : seed) b = static_cast<uint8_t>(rng());
    std::vector<uint8_t> msg(rng() % 200);
    for (auto& b : msg) b = static_cast<uint8_t>(rng());
    crypto_sign_seed_keypair(pk_ref, sk_ref, seed);
    ed25519_public_key(pk, seed);
    REQUIRE(hex(pk, 32) == hex(pk_ref, 32));
    ed25519_sign(sig, msg.data(), msg.size(), seed, pk);
    crypto_sign_detached(sig_ref, nullptr, msg.data(), msg.size(), sk_ref);
    CHECK(hex(sig, 64) == hex(sig_ref, 64));
    CHECK(crypto_sign_verify_detached(sig, msg.data(), msg.size(), pk_ref) == 0);  // ours, checked by libsodium
    CHECK(ed25519_verify(sig_ref, msg.data(), msg.size(), pk));                    // libsodium's, checked by ours
    // Any flipped bit of signature, message or key is refused.
    uint8_t bad[64];
    for (int i = 0; i < 64; ++i) bad[i] = sig[i];
    bad[rng() % 64] ^= static_cast<uint8_t>(1u << (rng() % 8));
    CHECK(!ed25519_verify(bad, msg.data(), msg.size(), pk));
    if (!msg.empty()) {
      msg[rng() % msg.size()] ^= 1;
      CHECK(!ed25519_verify(sig, msg.data(), msg.size(), pk));
    }
    uint8_t other[32];
    for (int i = 0; i < 32; ++i) other[i] = pk[i];
    other[rng() % 32] ^= static_cast<uint8_t>(1u << (rng() % 8));
    CHECK(!ed25519_verify(sig, msg.data(), msg.size(), other));
  }
}
