#pragma once
// OpenSSH key revocation lists (PROTOCOL.krl), the files `ssh-keygen -k` makes: revocation
// of certificates by serial (list, range, bitmap) or key id per CA, and of plain keys
// (explicit blob or SHA-256 fingerprint). lockdiag reads every section ssh-keygen writes
// except SHA-1 fingerprints (refused: no SHA-1 here) and KRL signatures (refused, as OpenSSH
// 9.4+ does), and writes serial lists.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lockdiag/reports/error.h"
#include "lockdiag/reports/ssh.h"

namespace lockdiag::reports::ssh {

inline constexpr std::size_t kMaxKrlBytes = 1024 * 1024;

struct Krl {
  struct CaSection {
    std::optional<PublicKey> ca;  // nullopt: applies to every CA
    std::vector<std::pair<std::uint64_t, std::uint64_t>> serial_ranges;  // inclusive
    std::vector<std::string> key_ids;
  };
  std::uint64_t version = 0;
  std::uint64_t generated = 0;
  std::string comment;
  std::vector<CaSection> certs;
  std::vector<PublicKey> keys;
  std::vector<std::string> key_sha256;  // raw 32-byte hashes of key blobs

  bool revoked(const Certificate& cert) const;  // the certificate, or its plain key
  bool revoked(const PublicKey& key) const;
};

Result<Krl> parse_krl(std::string_view bytes);
// A KRL revoking `serials` of certificates issued by `ca`.
std::string make_krl(const PublicKey& ca, std::vector<std::uint64_t> serials, std::uint64_t version,
                     std::uint64_t generated, std::string_view comment);

}  // namespace lockdiag::reports::ssh
