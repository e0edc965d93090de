// SSHSIG (OpenSSH PROTOCOL.sshsig): blob = "SSHSIG" u32(1) string(publickey) string(namespace)
// string(reserved) string(hash_alg) string(signature); signed data = "SSHSIG" string(namespace)
// string(reserved) string(hash_alg) string(H(message)).
#include "lockdiag/reports/sshsig.h"

#include "lockdiag/reports/ssh.h"
#include "sodium_init.h"

namespace lockdiag::reports::ssh {
namespace {

constexpr std::string_view kMagic = "SSHSIG";

std::string hash(std::string_view alg, std::string_view message) {
  detail::sodium_ready();
  const auto* m = reinterpret_cast<const unsigned char*>(message.data());
  if (alg == "sha256") {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, m, message.size());
    return {reinterpret_cast<const char*>(h), sizeof h};
  }
  unsigned char h[crypto_hash_sha512_BYTES];
  crypto_hash_sha512(h, m, message.size());
  return {reinterpret_cast<const char*>(h), sizeof h};
}

std::string signed_data(std::string_view ns, std::string_view alg, std::string_view message) {
  Writer w;
  w.raw(kMagic);
  w.string(ns);
  w.string("");
  w.string(alg);
  w.string(hash(alg, message));
  return w.bytes();
}

}  // namespace

std::string sshsig_sign(std::string_view message, const SigningKey& key, std::string_view publickey_blob,
                        std::string_view ns) {
  const Signature sig = key.sign(signed_data(ns, "sha512", message));
  Writer w;
  w.raw(kMagic);
  w.u32(1);
  w.string(publickey_blob);
  w.string(ns);
  w.string("");
  w.string("sha512");
  w.string(signature_blob(sig));
  const std::string b64 = base64(w.bytes());
  std::string out = std::string(kSigBegin) + "\n";
  for (std::size_t i = 0; i < b64.size(); i += 70) out += b64.substr(i, 70) + "\n";
  return out + std::string(kSigEnd) + "\n";
}

Result<SshSig> sshsig_parse(std::string_view text) {
  if (text.size() > 4 * kMaxBlobBytes) return fail("signature is too large to be an SSH signature");
  if (!text.starts_with(kSigBegin) || text.size() < kSigBegin.size() + 1 || text[kSigBegin.size()] != '\n')
    return fail("not an SSH signature (no -----BEGIN SSH SIGNATURE----- line)");
  text.remove_prefix(kSigBegin.size() + 1);
  const auto end = text.find(kSigEnd);
  if (end == std::string_view::npos || end == 0 || text[end - 1] != '\n')
    return fail("SSH signature has no -----END SSH SIGNATURE----- line (truncated?)");
  const auto tail = text.substr(end + kSigEnd.size());
  if (!(tail.empty() || tail == "\n")) return fail("text after the end of the SSH signature");
  auto blob = unbase64(text.substr(0, end), "\n");
  if (!blob) return fail("SSH signature: " + blob.error().message);
  Reader r(*blob);
  std::string_view magic, pk, ns, reserved, alg, sigblob;
  std::uint32_t version = 0;
  if (!r.raw(kMagic.size(), magic) || magic != kMagic) return fail("SSH signature lacks the SSHSIG preamble");
  if (!r.u32(version) || version != 1)
    return fail("SSH signature version " + std::to_string(version) + " is not supported (want 1)");
  if (!r.string(pk) || !r.string(ns) || !r.string(reserved) || !r.string(alg) || !r.string(sigblob) || !r.empty())
    return fail("SSH signature is truncated or damaged");
  if (ns.empty()) return fail("SSH signature has an empty namespace");
  if (alg != "sha512" && alg != "sha256") return fail("SSH signature hash " + std::string(alg) + " is not supported");
  SshSig s;
  s.publickey = pk;
  s.ns = ns;
  s.hash_alg = alg;
  if (!parse_signature_blob(sigblob, s.sig)) return fail("SSH signature is not an Ed25519 signature");
  return s;
}

bool sshsig_verify(const SshSig& sig, const PublicKey& key, std::string_view message, std::string_view ns) {
  if (sig.ns != ns) return false;
  return verify_signature(key, signed_data(sig.ns, sig.hash_alg, message), sig.sig);
}

}  // namespace lockdiag::reports::ssh
