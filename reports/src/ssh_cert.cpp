// Ed25519 user certificates (OpenSSH PROTOCOL.certkeys): parse + CA signature check, and issue.
#include "lockdiag/reports/ssh.h"
#include "sodium_init.h"

namespace lockdiag::reports::ssh {
namespace {

constexpr std::size_t kMaxPrincipals = 256;
constexpr std::size_t kMaxText = 1024;  // key id, one principal

std::string_view bytes_of(const std::array<unsigned char, 32>& a) {
  return {reinterpret_cast<const char*>(a.data()), a.size()};
}

// SSH signature blob: string "ssh-ed25519", string sig(64).
bool parse_sig_blob(std::string_view blob, Signature& sig) {
  Reader r(blob);
  std::string_view type, raw;
  if (!r.string(type) || !r.string(raw) || !r.empty() || type != kEd25519 || raw.size() != kSignatureBytes)
    return false;
  std::copy(raw.begin(), raw.end(), sig.begin());
  return true;
}

}  // namespace

std::string signature_blob(const Signature& sig) {
  Writer w;
  w.string(kEd25519);
  w.string(std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
  return w.bytes();
}

bool parse_signature_blob(std::string_view blob, Signature& sig) { return parse_sig_blob(blob, sig); }

Result<Certificate> parse_certificate(std::string_view blob) {
  if (blob.size() > kMaxBlobBytes) return fail("certificate is too large (over 16 KiB)");
  Reader r(blob);
  std::string_view type, nonce, pk, key_id, principals, crit, ext, reserved, ca_blob;
  Certificate c;
  if (!r.string(type)) return fail("certificate is truncated");
  if (type != kEd25519Cert)
    return fail("certificate type " + std::string(type) + " is not supported (want " + std::string(kEd25519Cert) + ")");
  if (!r.string(nonce) || !r.string(pk) || !r.u64(c.serial) || !r.u32(c.type) || !r.string(key_id) ||
      !r.string(principals) || !r.u64(c.valid_after) || !r.u64(c.valid_before) || !r.string(crit) || !r.string(ext) ||
      !r.string(reserved) || !r.string(ca_blob))
    return fail("certificate is truncated or damaged");
  const std::size_t signed_len = r.pos();
  std::string_view sig_blob;
  if (!r.string(sig_blob) || !r.empty()) return fail("certificate signature is truncated or followed by junk");
  if (pk.size() != kPublicKeyBytes) return fail("certificate key is not a 32-byte Ed25519 key");
  std::copy(pk.begin(), pk.end(), c.key.bytes.begin());
  if (key_id.size() > kMaxText) return fail("certificate key id is too long");
  c.nonce = nonce;
  c.key_id = key_id;
  Reader pr(principals);
  while (!pr.empty()) {
    std::string_view p;
    if (!pr.string(p) || p.size() > kMaxText || c.principals.size() >= kMaxPrincipals)
      return fail("certificate principal list is damaged");
    c.principals.emplace_back(p);
  }
  c.critical_options = crit;
  c.extensions = ext;
  auto ca = parse_key_blob(ca_blob);
  if (!ca) return fail("certificate authority key: " + ca.error().message);
  c.ca = *ca;
  Signature sig{};
  if (!parse_sig_blob(sig_blob, sig)) return fail("certificate signature is not an Ed25519 signature");
  if (!verify_signature(c.ca, blob.substr(0, signed_len), sig))
    return fail("certificate signature does not match: the certificate was altered or not issued by its CA");
  c.blob = blob;
  return c;
}

Result<std::string> issue_certificate(const CertRequest& req, const SigningKey& ca) {
  if (req.key_id.empty() || req.key_id.size() > kMaxText) return fail("certificate key id must be 1-1024 bytes");
  if (req.principals.empty()) return fail("a certificate needs at least one principal");
  if (req.valid_after >= req.valid_before) return fail("certificate validity ends before it starts");
  Writer w;
  w.string(kEd25519Cert);
  unsigned char nonce[32];
  randombytes_buf(nonce, sizeof nonce);
  w.string(std::string_view(reinterpret_cast<const char*>(nonce), sizeof nonce));
  w.string(bytes_of(req.key.bytes));
  w.u64(req.serial);
  if (req.type != kUserCert && req.type != 2) return fail("certificate type must be user (1) or host (2)");
  w.u32(req.type);
  w.string(req.key_id);
  Writer principals;
  for (const auto& p : req.principals) {
    if (p.empty() || p.size() > kMaxText) return fail("a principal must be 1-1024 bytes");
    principals.string(p);
  }
  w.string(principals.bytes());
  w.u64(req.valid_after);
  w.u64(req.valid_before);
  w.string("");  // critical options: none
  w.string("");  // extensions: none (lockdiag certificates sign reports, not logins)
  w.string("");  // reserved
  w.string(key_blob(ca.public_key()));
  const Signature sig = ca.sign(w.bytes());
  w.string(signature_blob(sig));
  return w.bytes();
}

}  // namespace lockdiag::reports::ssh
