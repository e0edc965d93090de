// Trust decisions over a verified report (docs/trust.md): company CA chain, validity at the
// signing time, principal, company, technician name, KRLs; or a pinned bare key.
#include <algorithm>

#include "lockdiag/reports/verify.h"

namespace lockdiag::reports {
namespace {

std::unexpected<VerifyError> refuse(VerifyReason reason, std::string message) {
  return std::unexpected(VerifyError{reason, std::move(message)});
}

bool any_krl_revokes(const TrustStore& t, const auto& what) {
  return std::any_of(t.krls.begin(), t.krls.end(), [&](const ssh::Krl& k) { return k.revoked(what); });
}

std::expected<Summary, VerifyError> check_certificate(Summary s, const TrustStore& trust) {
  const ssh::Certificate& c = *s.certificate;
  const std::string ca_fp = ssh::fingerprint(c.ca);
  std::vector<const AllowedSigner*> lines;
  for (const auto& a : trust.signers)
    if (a.cert_authority && a.key == c.ca &&
        (a.namespaces.empty() || pattern_list_matches(a.namespaces, kReportNamespace)))
      lines.push_back(&a);
  if (lines.empty())
    return refuse(VerifyReason::unknown_key, "signed by " + c.key_id + ", certified by CA " + ca_fp +
                                                 ", which is no company you trust (add its allowed_signers file "
                                                 "with --company FILE or to the config directory)");
  auto at = ssh::parse_time_text(s.signed_at);
  if (!at) return refuse(VerifyReason::malformed_json, at.error().message);
  const std::string who = c.key_id + " (certificate serial " + std::to_string(c.serial) + ")";
  if (c.type != ssh::kUserCert) return refuse(VerifyReason::certificate_invalid, who + " is not a user certificate");
  if (!c.critical_options.empty())
    return refuse(VerifyReason::certificate_invalid, who + " has critical options lockdiag does not honour");
  if (*at < c.valid_after)
    return refuse(VerifyReason::certificate_invalid, who + " was not yet valid at signing time " + s.signed_at +
                                                         " (valid from " + ssh::time_text(c.valid_after) + ")");
  if (*at >= c.valid_before)
    return refuse(VerifyReason::certificate_invalid, who + " had expired at signing time " + s.signed_at +
                                                         " (valid until " + ssh::time_text(c.valid_before) + ")");
  if (std::find(c.principals.begin(), c.principals.end(), s.principal) == c.principals.end())
    return refuse(VerifyReason::certificate_invalid,
                  "the report is signed as principal \"" + s.principal + "\", which " + who + " does not hold");
  const AllowedSigner* line = nullptr;
  for (const auto* a : lines)
    if (pattern_list_matches(a->principals, s.principal)) line = a;
  if (!line)
    return refuse(VerifyReason::certificate_invalid, "principal \"" + s.principal + "\" of " + who +
                                                         " is not one the company's allowed_signers line accepts (" +
                                                         lines.front()->source + ")");
  if (s.report.technician.name != c.key_id)
    return refuse(VerifyReason::certificate_invalid, "the report names technician \"" + s.report.technician.name +
                                                         "\" but the certificate is for \"" + c.key_id + "\"");
  if (!line->company.empty() && s.report.technician.company != line->company)
    return refuse(VerifyReason::certificate_invalid, "the report claims company \"" + s.report.technician.company +
                                                         "\" but " + c.key_id + " is certified by \"" + line->company +
                                                         "\" (" + line->source + ")");
  if (any_krl_revokes(trust, c))
    return refuse(VerifyReason::revoked, who + " issued by " + ca_fp + " is revoked by a KRL you trust");
  s.company = line->company.empty() ? line->source : line->company;
  s.ca_fingerprint = ca_fp;
  s.chain_checked = true;
  s.key_trusted = true;
  return s;
}

}  // namespace

std::expected<Summary, VerifyError> verify_trusted(std::string_view file_bytes, const TrustStore& trust) {
  auto s = verify(file_bytes, std::nullopt);
  if (!s) return s;
  if (s->certificate) {
    auto checked = check_certificate(*s, trust);
    // A certificate from an unknown CA on a key pinned here (the technician's own) still passes
    // as a pinned key; any other certificate failure stands.
    if (checked || checked.error().reason != VerifyReason::unknown_key) return checked;
    if (std::find(trust.keys.begin(), trust.keys.end(), s->public_key) == trust.keys.end()) return checked;
  } else if (std::find(trust.keys.begin(), trust.keys.end(), s->public_key) == trust.keys.end()) {
    return refuse(VerifyReason::unknown_key, "signed by key " + s->key_id +
                                                 " without a company certificate, which is not trusted here "
                                                 "(pin it with --key, or ask for a report signed with a certificate)");
  }
  if (any_krl_revokes(trust, s->public_key))
    return refuse(VerifyReason::revoked, "key " + s->key_id + " is revoked by a KRL you trust");
  s->key_trusted = true;
  return s;
}

}  // namespace lockdiag::reports
