#pragma once
// Detached SSH signatures (OpenSSH PROTOCOL.sshsig): what `ssh-keygen -Y sign` makes and
// `ssh-keygen -Y verify` checks. Ed25519 keys or Ed25519 certificates, SHA-512 (or SHA-256).
#include <string>
#include <string_view>

#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/error.h"

namespace lockdiag::reports::ssh {

inline constexpr std::string_view kSigBegin = "-----BEGIN SSH SIGNATURE-----";
inline constexpr std::string_view kSigEnd = "-----END SSH SIGNATURE-----";

struct SshSig {
  std::string publickey;  // key or certificate blob
  std::string ns;         // namespace
  std::string hash_alg;   // "sha512" or "sha256"
  Signature sig{};
};

// Signs `message` in namespace `ns`; `publickey_blob` is the key's blob or its certificate's.
// Returns the armored signature, base64 wrapped at 70 columns as ssh-keygen writes it.
std::string sshsig_sign(std::string_view message, const SigningKey& key, std::string_view publickey_blob,
                        std::string_view ns);
Result<SshSig> sshsig_parse(std::string_view armored);
// Checks the signature over `message` with `key` (the key in sig.publickey, or its
// certificate's key) and that the namespace is `ns`.
bool sshsig_verify(const SshSig& sig, const PublicKey& key, std::string_view message, std::string_view ns);

}  // namespace lockdiag::reports::ssh
