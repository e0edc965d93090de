// Ed25519 (RFC 8032) for the lock: key derivation, signing and verification. The firmware's
// own code, freestanding: no heap, no tables beyond a few constants, no secret-dependent
// branches or memory indices (field arithmetic in 16 limbs of 16 bits in int64, a
// conditional-swap ladder for scalar multiplication). Checked against RFC 8032's vectors and
// against libsodium in tests/lockfw/test_ed25519.cpp.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace lockfw::crypto {

// Public key of a 32-byte seed (the RFC 8032 private key).
void ed25519_public_key(uint8_t pk[32], const uint8_t seed[32]);
// Detached signature of msg with (seed, its public key pk).
void ed25519_sign(uint8_t sig[64], const uint8_t* msg, size_t len, const uint8_t seed[32], const uint8_t pk[32]);
// True when sig is a valid signature of msg by pk. Refuses S >= L and undecodable keys or R.
bool ed25519_verify(const uint8_t sig[64], const uint8_t* msg, size_t len, const uint8_t pk[32]);

}  // namespace lockfw::crypto
