// The technician's certificate as the CLI sees it: installed, matching, valid now, by whom.
#include <chrono>
#include <iostream>

#include "exit_codes.h"
#include "lockdiag/reports/ssh.h"
#include "technician_key.h"
#include "lockdiag/app/report_trust.h"

namespace lockdiag::cli {

std::uint64_t now_unix() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

namespace {

namespace r = lockdiag::reports;

std::string company_of(const r::PublicKey& ca) {
  r::TrustStore trust;
  std::vector<std::string> warnings;
  app::load_configured_trust(trust, warnings);
  for (const auto& s : trust.signers)
    if (s.cert_authority && s.key == ca && !s.company.empty()) return s.company;
  return "a CA not in your config (" + r::ssh::fingerprint(ca) + ")";
}

}  // namespace

std::expected<std::optional<std::string>, KeyCommandError> installed_certificate() {
  auto store = r::KeyStore::open_default();
  if (!store) return std::unexpected(KeyCommandError{kExitDataError, store.error().message});
  auto blob = store->certificate_blob();
  if (!blob) return std::unexpected(KeyCommandError{kExitDataError, blob.error().message});
  if (!*blob) {
    std::cerr << "lockdiag: warning: no certificate installed: the report is signed with the bare key, which "
                 "only a verifier who pinned it will accept (lockdiag keys install-cert FILE)\n";
    return std::optional<std::string>{};
  }
  auto cert = r::ssh::parse_certificate(**blob);
  auto info = store->info();
  if (!cert || !info || !(cert->key == info->public_key)) {
    std::cerr << "lockdiag: warning: the installed certificate is not for this technician key; signing without it\n";
    return std::optional<std::string>{};
  }
  if (!cert->valid_at(now_unix()))
    std::cerr << "lockdiag: warning: the certificate is not valid now (valid " << r::ssh::time_text(cert->valid_after)
              << " until " << r::ssh::time_text(cert->valid_before)
              << "): reports signed with it will not verify; ask your company for a new one\n";
  return *blob;
}

CertificateStatus certificate_status() {
  auto store = r::KeyStore::open_default();
  if (!store) return {false, "Certificate: " + store.error().message};
  auto blob = store->certificate_blob();
  if (!blob) return {false, "Certificate: DAMAGED: " + blob.error().message};
  if (!*blob)
    return {false,
            "Certificate: none installed. Reports are signed with the bare key, which customers cannot check "
            "against your company. Run: lockdiag keys export, have your company certify it, then lockdiag keys "
            "install-cert FILE"};
  auto cert = r::ssh::parse_certificate(**blob);
  if (!cert) return {false, "Certificate: DAMAGED: " + cert.error().message};
  auto info = store->info();
  if (!info || !(cert->key == info->public_key))
    return {false, "Certificate: installed for ANOTHER key; reports are signed without it. Install one for key " +
                       (info ? info->key_id : std::string("?"))};
  const std::uint64_t now = now_unix();
  std::string text = cert->key_id + " (principal " + (cert->principals.empty() ? "-" : cert->principals.front()) +
                     ", serial " + std::to_string(cert->serial) + ") certified by " + company_of(cert->ca) + " from " +
                     r::ssh::time_text(cert->valid_after) + " until " + r::ssh::time_text(cert->valid_before);
  if (now >= cert->valid_before)
    return {false,
            "Certificate: EXPIRED: " + text + ". Reports signed now will not verify; ask your company for a new one"};
  if (now < cert->valid_after) return {false, "Certificate: NOT YET VALID: " + text};
  return {true, "Certificate: " + text};
}

}  // namespace lockdiag::cli
