// Signed report format 2: canonical envelope line + SSHSIG (docs/report-format.md).
#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/sign.h"
#include "lockdiag/reports/ssh.h"
#include "lockdiag/reports/sshsig.h"
#include "lockdiag/reports/timefmt.h"
#include "lockdiag/reports/trust.h"

namespace lockdiag::reports {

Result<std::string> sign_report_sshsig(const Report& report, const SigningKey& key, const std::string* certificate_blob,
                                       std::string_view signed_at) {
  if (!is_rfc3339_utc(signed_at)) return fail("signing time must be RFC 3339 UTC");
  if (auto body = canonical_report(report); !body) return std::unexpected(body.error());
  std::string pub_blob = ssh::key_blob(key.public_key());
  std::string principal;
  if (certificate_blob) {
    auto cert = ssh::parse_certificate(*certificate_blob);
    if (!cert) return fail("the installed certificate: " + cert.error().message);
    if (!(cert->key == key.public_key()))
      return fail("the installed certificate is for another key (" + ssh::fingerprint(cert->key) +
                  "), not this technician key");
    if (cert->principals.empty()) return fail("the installed certificate has no principal");
    principal = cert->principals.front();
    pub_blob = *certificate_blob;
  }
  try {
    nlohmann::json envelope = {{"format", kSignedReportFormat2},
                               {"namespace", kReportNamespace},
                               {"report", to_json(report)},
                               {"signed_at", signed_at}};
    if (!principal.empty()) envelope["principal"] = principal;
    auto line = canonical(envelope);
    if (!line) return std::unexpected(line.error());
    line->push_back('\n');
    return *line + ssh::sshsig_sign(*line, key, pub_blob, kReportNamespace);
  } catch (const std::exception& e) {
    return fail(std::string("cannot encode the signed report: ") + e.what());
  }
}

}  // namespace lockdiag::reports
