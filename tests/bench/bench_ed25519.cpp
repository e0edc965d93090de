// bench_ed25519: the firmware's own Ed25519 (lockfw/core/ed25519.cpp) on the host, beside
// libsodium's for scale. build/default/bin/bench_ed25519
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include "core/ed25519.h"

using Clock = std::chrono::steady_clock;

namespace {

void time_it(const char* name, int runs, const std::function<void()>& op) {
  std::vector<double> us;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    op();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  std::printf("%-40s runs %4d  median %10.1f us  min %10.1f us  max %10.1f us\n", name, runs, us[us.size() / 2],
              us.front(), us.back());
}

}  // namespace

int main() {
  if (sodium_init() < 0) return 1;
  uint8_t seed[32], pk[32], sig[64], msg[200], sk[64], pk_ref[32];
  for (int i = 0; i < 32; ++i) seed[i] = static_cast<uint8_t>(i * 7 + 1);
  for (int i = 0; i < 200; ++i) msg[i] = static_cast<uint8_t>(i);
  lockfw::crypto::ed25519_public_key(pk, seed);
  crypto_sign_seed_keypair(pk_ref, sk, seed);
  bool ok = true;
  time_it("lockfw ed25519 sign (200-byte message)", 200,
          [&] { lockfw::crypto::ed25519_sign(sig, msg, sizeof msg, seed, pk); });
  time_it("lockfw ed25519 verify", 200, [&] { ok &= lockfw::crypto::ed25519_verify(sig, msg, sizeof msg, pk); });
  time_it("libsodium ed25519 sign (reference)", 200, [&] { crypto_sign_detached(sig, nullptr, msg, sizeof msg, sk); });
  if (!ok) {
    std::printf("verification FAILED\n");
    return 1;
  }
  return 0;
}
