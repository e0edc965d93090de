#include "port/cortexm/soft_crypto.h"

namespace lockfw::soft {

namespace {

constexpr uint32_t kK[64] = {0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
                             0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
                             0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
                             0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
                             0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
                             0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
                             0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
                             0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
                             0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
                             0xc67178f2};

inline uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

void compress(uint32_t h[8], const uint8_t block[64]) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = (static_cast<uint32_t>(block[4 * i]) << 24) | (static_cast<uint32_t>(block[4 * i + 1]) << 16) |
           (static_cast<uint32_t>(block[4 * i + 2]) << 8) | block[4 * i + 3];
  for (int i = 16; i < 64; ++i) {
    const uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; ++i) {
    const uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
    const uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

}  // namespace

void Sha256::init() {
  static constexpr uint32_t kInit[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (int i = 0; i < 8; ++i) h[i] = kInit[i];
  bytes = 0;
  fill = 0;
}

void Sha256::update(const uint8_t* data, size_t n) {
  bytes += n;
  while (n > 0) {
    const size_t take = (64 - fill) < n ? (64 - fill) : n;
    __builtin_memcpy(buf + fill, data, take);
    fill += static_cast<uint32_t>(take);
    data += take;
    n -= take;
    if (fill == 64) {
      compress(h, buf);
      fill = 0;
    }
  }
}

void Sha256::final(uint8_t out[32]) {
  const uint64_t bits = bytes * 8;
  buf[fill++] = 0x80;
  if (fill > 56) {
    while (fill < 64) buf[fill++] = 0;
    compress(h, buf);
    fill = 0;
  }
  while (fill < 56) buf[fill++] = 0;
  for (int i = 0; i < 8; ++i) buf[56 + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  compress(h, buf);
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<uint8_t>(h[i] >> 24);
    out[4 * i + 1] = static_cast<uint8_t>(h[i] >> 16);
    out[4 * i + 2] = static_cast<uint8_t>(h[i] >> 8);
    out[4 * i + 3] = static_cast<uint8_t>(h[i]);
  }
  __builtin_memset(buf, 0, sizeof buf);
}

void HmacSha256::init(const uint8_t* key, size_t key_len) {
  uint8_t k[64] = {};
  if (key_len > 64) {
    Sha256 s;
    s.init();
    s.update(key, key_len);
    s.final(k);
  } else {
    if (key_len) __builtin_memcpy(k, key, key_len);
  }
  uint8_t pad[64];
  for (int i = 0; i < 64; ++i) pad[i] = static_cast<uint8_t>(k[i] ^ 0x36);
  inner.init();
  inner.update(pad, 64);
  for (int i = 0; i < 64; ++i) pad[i] = static_cast<uint8_t>(k[i] ^ 0x5c);
  outer.init();
  outer.update(pad, 64);
  __builtin_memset(k, 0, sizeof k);
  __builtin_memset(pad, 0, sizeof pad);
}

void HmacSha256::final(uint8_t out[32]) {
  uint8_t ih[32];
  inner.final(ih);
  outer.update(ih, 32);
  outer.final(out);
  __builtin_memset(ih, 0, sizeof ih);
}

static_assert(sizeof(HmacSha256) <= sizeof(hal::Crypto::HmacState::opaque) && alignof(HmacSha256) <= 8);

void SoftCrypto::hmac_init(HmacState& st, const uint8_t* key, size_t key_len) {
  static_cast<HmacSha256*>(static_cast<void*>(st.opaque))->init(key, key_len);
}
void SoftCrypto::hmac_update(HmacState& st, const uint8_t* data, size_t n) {
  static_cast<HmacSha256*>(static_cast<void*>(st.opaque))->update(data, n);
}
void SoftCrypto::hmac_final(HmacState& st, uint8_t out[32]) {
  static_cast<HmacSha256*>(static_cast<void*>(st.opaque))->final(out);
}
void SoftCrypto::sha256(const uint8_t* data, size_t n, uint8_t out[32]) {
  Sha256 s;
  s.init();
  s.update(data, n);
  s.final(out);
}

}  // namespace lockfw::soft
