// Ed25519 over GF(2^255 - 19): elements are 16 signed 64-bit limbs of nominally 16 bits
// (value = sum limb[i] * 2^(16 i)); 2^256 = 38 (mod p) folds the high half of products.
#include "core/ed25519.h"

#include "core/sha512.h"

namespace lockfw::crypto {
namespace {

struct Fe {
  int64_t v[16];
};

struct Point {  // extended twisted Edwards coordinates: x = X/Z, y = Y/Z, x*y = T/Z
  Fe x, y, z, t;
};

Fe fe_small(int64_t n) {
  Fe r{};
  r.v[0] = n;
  return r;
}

// Brings every limb back to [0, 2^16) but the fold into limb 0; run twice after a product.
void carry(Fe& a) {
  for (int i = 0; i < 16; ++i) {
    const int64_t c = a.v[i] >> 16;  // arithmetic shift: floor division (C++20)
    a.v[i] -= c * 65536;
    if (i < 15) a.v[i + 1] += c;
    else a.v[0] += 38 * c;
  }
}

Fe add(const Fe& a, const Fe& b) {
  Fe r;
  for (int i = 0; i < 16; ++i) r.v[i] = a.v[i] + b.v[i];
  return r;
}

Fe sub(const Fe& a, const Fe& b) {
  Fe r;
  for (int i = 0; i < 16; ++i) r.v[i] = a.v[i] - b.v[i];
  return r;
}

Fe mul(const Fe& a, const Fe& b) {
  int64_t t[31] = {};
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) t[i + j] += a.v[i] * b.v[j];
  for (int i = 0; i < 15; ++i) t[i] += 38 * t[i + 16];
  Fe r;
  for (int i = 0; i < 16; ++i) r.v[i] = t[i];
  carry(r);
  carry(r);
  return r;
}

Fe sq(const Fe& a) { return mul(a, a); }

// Swaps a and b when bit is 1, without a branch.
void cswap(Fe& a, Fe& b, int64_t bit) {
  const int64_t mask = -bit;
  for (int i = 0; i < 16; ++i) {
    const int64_t d = mask & (a.v[i] ^ b.v[i]);
    a.v[i] ^= d;
    b.v[i] ^= d;
  }
}

// a^(p-2): 2^255 - 21 has every bit set from 254 down to 0 except bits 2 and 4.
Fe invert(const Fe& a) {
  Fe c = a;
  for (int bit = 253; bit >= 0; --bit) {
    c = sq(c);
    if (bit != 2 && bit != 4) c = mul(c, a);
  }
  return c;
}

// a^((p-5)/8) = a^(2^252 - 3): bits 251..0 set except bit 1.
Fe pow_p58(const Fe& a) {
  Fe c = a;
  for (int bit = 250; bit >= 0; --bit) {
    c = sq(c);
    if (bit != 1) c = mul(c, a);
  }
  return c;
}

// The unique representative in [0, p), little-endian.
void pack(uint8_t out[32], const Fe& a) {
  Fe t = a;
  carry(t);
  carry(t);
  carry(t);
  for (int round = 0; round < 2; ++round) {
    Fe m;
    m.v[0] = t.v[0] - 0xffed;
    for (int i = 1; i < 15; ++i) {
      m.v[i] = t.v[i] - 0xffff - ((m.v[i - 1] >> 16) & 1);
      m.v[i - 1] &= 0xffff;
    }
    m.v[15] = t.v[15] - 0x7fff - ((m.v[14] >> 16) & 1);
    const int64_t borrow = (m.v[15] >> 16) & 1;
    m.v[14] &= 0xffff;
    cswap(t, m, 1 - borrow);  // keep t - p unless it went negative
  }
  for (int i = 0; i < 16; ++i) {
    out[2 * i] = static_cast<uint8_t>(t.v[i] & 0xff);
    out[2 * i + 1] = static_cast<uint8_t>((t.v[i] >> 8) & 0xff);
  }
}

Fe unpack(const uint8_t in[32]) {
  Fe r;
  for (int i = 0; i < 16; ++i) r.v[i] = in[2 * i] + (int64_t{in[2 * i + 1]} << 8);
  r.v[15] &= 0x7fff;
  return r;
}

bool fe_equal(const Fe& a, const Fe& b) {
  uint8_t x[32], y[32];
  pack(x, a);
  pack(y, b);
  uint8_t d = 0;
  for (int i = 0; i < 32; ++i) d |= static_cast<uint8_t>(x[i] ^ y[i]);
  return d == 0;
}

int parity(const Fe& a) {
  uint8_t b[32];
  pack(b, a);
  return b[0] & 1;
}

struct Constants {
  Fe d;        // -121665 / 121666
  Fe d2;       // 2 d
  Fe sqrt_m1;  // 2^((p-1)/4), a square root of -1
  Point base;
};

bool decode_point(Point& p, const uint8_t in[32], const Constants& k);

Constants make_constants() {
  Constants k;
  k.d = mul(fe_small(-121665), invert(fe_small(121666)));
  carry(k.d);
  k.d2 = add(k.d, k.d);
  // (p-1)/4 = 2^253 - 5: bits 252..0 set except bit 2.
  const Fe two = fe_small(2);
  Fe c = two;
  for (int bit = 251; bit >= 0; --bit) {
    c = sq(c);
    if (bit != 2) c = mul(c, two);
  }
  k.sqrt_m1 = c;
  // The base point's encoding: y = 4/5, x even.
  uint8_t b[32];
  b[0] = 0x58;
  for (int i = 1; i < 32; ++i) b[i] = 0x66;
  decode_point(k.base, b, k);
  return k;
}

const Constants& constants() {
  static const Constants k = make_constants();
  return k;
}

void point_add(Point& p, const Point& q, const Constants& k) {
  const Fe a = mul(sub(p.y, p.x), sub(q.y, q.x));
  const Fe b = mul(add(p.y, p.x), add(q.y, q.x));
  const Fe c = mul(mul(p.t, q.t), k.d2);
  const Fe zz = mul(p.z, q.z);
  const Fe d = add(zz, zz);
  const Fe e = sub(b, a), f = sub(d, c), g = add(d, c), h = add(b, a);
  p.x = mul(e, f);
  p.y = mul(h, g);
  p.z = mul(g, f);
  p.t = mul(e, h);
}

void point_cswap(Point& p, Point& q, int64_t bit) {
  cswap(p.x, q.x, bit);
  cswap(p.y, q.y, bit);
  cswap(p.z, q.z, bit);
  cswap(p.t, q.t, bit);
}

// [s]q for a 32-byte little-endian scalar: the same additions for every bit, whatever it is.
Point scalar_mult(const uint8_t s[32], const Point& q_in, const Constants& k) {
  Point p{fe_small(0), fe_small(1), fe_small(1), fe_small(0)};
  Point q = q_in;
  for (int i = 255; i >= 0; --i) {
    const int64_t bit = (s[i / 8] >> (i & 7)) & 1;
    point_cswap(p, q, bit);
    point_add(q, p, k);
    point_add(p, p, k);
    point_cswap(p, q, bit);
  }
  return p;
}

void encode_point(uint8_t out[32], const Point& p) {
  const Fe zi = invert(p.z);
  const Fe x = mul(p.x, zi), y = mul(p.y, zi);
  pack(out, y);
  out[31] = static_cast<uint8_t>(out[31] ^ (parity(x) << 7));
}

// RFC 8032 5.1.3. Public data only (keys, R), so its branches leak nothing secret.
bool decode_point(Point& p, const uint8_t in[32], const Constants& k) {
  const Fe one = fe_small(1);
  p.y = unpack(in);
  p.z = one;
  const Fe y2 = sq(p.y);
  const Fe u = sub(y2, one);             // y^2 - 1
  const Fe v = add(mul(y2, k.d), one);   // d y^2 + 1
  const Fe v3 = mul(sq(v), v);
  Fe x = mul(mul(u, v3), pow_p58(mul(mul(v3, v3), mul(v, u))));  // u v^3 (u v^7)^((p-5)/8)
  const Fe vx2 = mul(v, sq(x));
  if (!fe_equal(vx2, u)) {
    if (!fe_equal(vx2, sub(fe_small(0), u))) return false;
    x = mul(x, k.sqrt_m1);
  }
  const int sign = in[31] >> 7;
  if (fe_equal(x, fe_small(0)) && sign) return false;
  if (parity(x) != sign) x = sub(fe_small(0), x);
  p.x = x;
  p.t = mul(x, p.y);
  return true;
}

// L = 2^252 + 27742317777372353535851937790883648493, little-endian bytes.
constexpr int64_t kL[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                            0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                            0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};

// x (64 signed "digits" of 8 bits, possibly out of range) mod L into 32 bytes. Digit i >= 32
// is worth x_i * 2^(8i); since 2^252 = -(L - 2^252) mod L, each top digit is folded down
// by subtracting x_i * 16 * L shifted to position i - 32. No branch depends on the value.
void reduce_mod_l(uint8_t out[32], int64_t x[64]) {
  for (int i = 63; i >= 32; --i) {
    int64_t c = 0;
    int j = i - 32;
    for (; j < i - 12; ++j) {
      x[j] += c - 16 * x[i] * kL[j - (i - 32)];
      c = (x[j] + 128) >> 8;
      x[j] -= c * 256;
    }
    x[j] += c;
    x[i] = 0;
  }
  int64_t c = 0;
  for (int j = 0; j < 32; ++j) {
    x[j] += c - (x[31] >> 4) * kL[j];
    c = x[j] >> 8;
    x[j] &= 255;
  }
  for (int j = 0; j < 32; ++j) x[j] -= c * kL[j];
  for (int i = 0; i < 32; ++i) {
    x[i + 1] += x[i] >> 8;
    out[i] = static_cast<uint8_t>(x[i] & 255);
  }
}

void reduce_hash(uint8_t out[32], const uint8_t h[64]) {
  int64_t x[64];
  for (int i = 0; i < 64; ++i) x[i] = h[i];
  reduce_mod_l(out, x);
}

void expand_seed(uint8_t h[64], const uint8_t seed[32]) {
  sha512(seed, 32, h);
  h[0] &= 248;
  h[31] &= 127;
  h[31] |= 64;
}

void wipe(void* p, size_t n) {
  volatile uint8_t* b = static_cast<volatile uint8_t*>(p);
  for (size_t i = 0; i < n; ++i) b[i] = 0;
}

}  // namespace

void ed25519_public_key(uint8_t pk[32], const uint8_t seed[32]) {
  const Constants& k = constants();
  uint8_t h[64];
  expand_seed(h, seed);
  encode_point(pk, scalar_mult(h, k.base, k));
  wipe(h, sizeof h);
}

void ed25519_sign(uint8_t sig[64], const uint8_t* msg, size_t len, const uint8_t seed[32], const uint8_t pk[32]) {
  const Constants& k = constants();
  uint8_t h[64], r_hash[64], r[32], k_hash[64], kk[32];
  expand_seed(h, seed);
  Sha512 s;
  s.init();
  s.update(h + 32, 32);  // the prefix: r is deterministic and secret
  s.update(msg, len);
  s.final(r_hash);
  reduce_hash(r, r_hash);
  encode_point(sig, scalar_mult(r, k.base, k));
  s.init();
  s.update(sig, 32);
  s.update(pk, 32);
  s.update(msg, len);
  s.final(k_hash);
  reduce_hash(kk, k_hash);
  int64_t x[64] = {};
  for (int i = 0; i < 32; ++i) x[i] = r[i];
  for (int i = 0; i < 32; ++i)
    for (int j = 0; j < 32; ++j) x[i + j] += int64_t{kk[i]} * h[j];  // S = r + k a (mod L)
  reduce_mod_l(sig + 32, x);
  wipe(h, sizeof h);
  wipe(r_hash, sizeof r_hash);
  wipe(r, sizeof r);
  wipe(x, sizeof x);
}

bool ed25519_verify(const uint8_t sig[64], const uint8_t* msg, size_t len, const uint8_t pk[32]) {
  const Constants& k = constants();
  // S must be below L (no malleable second spelling).
  int greater = 0, less = 0;
  for (int i = 31; i >= 0; --i) {
    if (!greater && !less) {
      if (sig[32 + i] > kL[i]) greater = 1;
      if (sig[32 + i] < kL[i]) less = 1;
    }
  }
  if (!less) return false;
  Point a;
  if (!decode_point(a, pk, k)) return false;
  uint8_t k_hash[64], kk[32];
  Sha512 s;
  s.init();
  s.update(sig, 32);
  s.update(pk, 32);
  s.update(msg, len);
  s.final(k_hash);
  reduce_hash(kk, k_hash);
  // R' = [S]B - [k]A must encode to R.
  a.x = sub(fe_small(0), a.x);
  a.t = sub(fe_small(0), a.t);
  Point p = scalar_mult(kk, a, k);
  const Point q = scalar_mult(sig + 32, k.base, k);
  point_add(p, q, k);
  uint8_t r[32];
  encode_point(r, p);
  uint8_t d = 0;
  for (int i = 0; i < 32; ++i) d |= static_cast<uint8_t>(r[i] ^ sig[i]);
  return d == 0;
}

}  // namespace lockfw::crypto
