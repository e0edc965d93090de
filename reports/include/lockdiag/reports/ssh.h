#pragma once
// OpenSSH wire formats used for trust (docs/trust.md): the SSH string encoding (RFC 4253),
// Ed25519 public key blobs and lines, and Ed25519 user certificates
// (ssh-ed25519-cert-v01@openssh.com, OpenSSH PROTOCOL.certkeys). Our own parser and
// serializer: every length is checked against what is left, and blobs are size-capped.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/error.h"

namespace lockdiag::reports::ssh {

inline constexpr std::string_view kEd25519 = "ssh-ed25519";
inline constexpr std::string_view kEd25519Cert = "ssh-ed25519-cert-v01@openssh.com";
inline constexpr std::size_t kMaxBlobBytes = 16 * 1024;  // a certificate or signature blob
inline constexpr std::uint32_t kUserCert = 1;
inline constexpr std::uint64_t kForever = ~std::uint64_t{0};

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void string(std::string_view s);
  void raw(std::string_view s) { out_.append(s); }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

// Reads from a view; after the first short read every read fails (ok() false).
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool u8(std::uint8_t& v);
  bool u32(std::uint32_t& v);
  bool u64(std::uint64_t& v);
  bool string(std::string_view& s);
  bool raw(std::size_t n, std::string_view& s);
  std::size_t pos() const { return pos_; }
  bool empty() const { return pos_ == in_.size(); }
  bool ok() const { return ok_; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

std::string base64(std::string_view bytes, bool padding = true);
// Strict standard base64 with padding; characters in `ignore` (e.g. "\n") are skipped.
Result<std::string> unbase64(std::string_view text, const char* ignore = nullptr);

std::string key_blob(const PublicKey& key);
Result<PublicKey> parse_key_blob(std::string_view blob);
// "ssh-ed25519 AAAA... comment"
std::string public_key_line(const PublicKey& key, std::string_view comment);
// Accepts an "ssh-ed25519 BASE64 [comment]" line (a certificate line yields its key).
Result<PublicKey> parse_public_key_line(std::string_view line);
// "SHA256:<unpadded base64 of SHA-256(key blob)>", as ssh-keygen -l prints it.
std::string fingerprint(const PublicKey& key);

// SSH signature blob: string "ssh-ed25519", string signature(64).
std::string signature_blob(const Signature& sig);
bool parse_signature_blob(std::string_view blob, Signature& sig);

struct Certificate {
  std::string nonce;
  PublicKey key;
  std::uint64_t serial = 0;
  std::uint32_t type = 0;
  std::string key_id;
  std::vector<std::string> principals;
  std::uint64_t valid_after = 0;
  std::uint64_t valid_before = 0;
  std::string critical_options;  // raw, must be empty for lockdiag's use
  std::string extensions;        // raw, ignored
  PublicKey ca;
  std::string blob;  // the whole certificate

  // OpenSSH's rule: valid_after <= t < valid_before.
  bool valid_at(std::uint64_t unix_time) const { return unix_time >= valid_after && unix_time < valid_before; }
};

// Parses a certificate blob and checks its CA signature (an Ed25519 CA only).
Result<Certificate> parse_certificate(std::string_view blob);
// "ssh-ed25519-cert-v01@openssh.com BASE64 [comment]"
Result<Certificate> parse_certificate_line(std::string_view text);

struct CertRequest {
  PublicKey key;
  std::uint64_t serial = 0;
  std::string key_id;
  std::vector<std::string> principals;
  std::uint64_t valid_after = 0;
  std::uint64_t valid_before = kForever;
  std::uint32_t type = kUserCert;  // 2: host certificate (a lock's device key)
};
// Issues a user certificate signed by `ca`; returns the certificate blob.
Result<std::string> issue_certificate(const CertRequest& req, const SigningKey& ca);
std::string certificate_line(std::string_view blob, std::string_view comment);

// Unix seconds <-> "YYYY-MM-DDTHH:MM:SSZ"; the forever value prints as "forever".
std::string time_text(std::uint64_t unix_time);
Result<std::uint64_t> parse_time_text(std::string_view rfc3339);

}  // namespace lockdiag::reports::ssh
