#pragma once
// What a verifier trusts (docs/trust.md): company CAs from OpenSSH allowed_signers files
// (`cert-authority` lines; the line's comment names the company), KRLs, and pinned plain keys.
#include <string>
#include <string_view>
#include <vector>

#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/error.h"
#include "lockdiag/reports/krl.h"

namespace lockdiag::reports {

// The SSHSIG namespace of lockdiag reports (`ssh-keygen -Y verify -n ...`).
inline constexpr std::string_view kReportNamespace = "lockdiag-report@lockdiag.example";

struct AllowedSigner {
  std::string principals;  // comma-separated patterns (* and ?), as in allowed_signers
  bool cert_authority = false;
  std::string namespaces;  // comma-separated patterns; empty = every namespace
  PublicKey key;
  std::string company;  // the text after the key on the line
  std::string source;   // "FILE:LINE"
};

struct TrustStore {
  std::vector<AllowedSigner> signers;
  std::vector<ssh::Krl> krls;
  std::vector<PublicKey> keys;  // plain keys pinned on this machine (own key, trusted/*.pub)
};

// Parses an allowed_signers file. Lines lockdiag cannot use (other key types, options it
// does not know) are skipped with a warning rather than trusted half-understood.
Result<std::vector<AllowedSigner>> parse_allowed_signers(std::string_view text, std::string_view source,
                                                         std::vector<std::string>* warnings);
// "* cert-authority,namespaces=\"<ns>\" ssh-ed25519 AAAA... <company>\n"
std::string allowed_signers_line(const PublicKey& ca, std::string_view company);
// allowed_signers / OpenSSH pattern lists: comma-separated, * and ?, a leading ! negates.
bool pattern_list_matches(std::string_view patterns, std::string_view value);

}  // namespace lockdiag::reports
