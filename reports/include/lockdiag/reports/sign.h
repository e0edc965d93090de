#pragma once
// Signed report file: {"report":{...},"signature":{...}} in canonical form plus "\n".
#include <string>

#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/error.h"
#include "lockdiag/reports/model.h"

namespace lockdiag::reports {

// Validates the report, signs its canonical bytes and returns the file's bytes.
Result<std::string> sign_report(const Report& report, const SigningKey& key);

// Signed report format 2 (docs/report-format.md): line 1 is the canonical JSON object
// {"format":"lockdiag-signed-report/2","namespace":NS,"principal":P,"report":{...},"signed_at":T}
// and a line feed; then the armored SSH signature (SSHSIG, namespace kReportNamespace, SHA-512)
// of line 1 including its line feed, so `ssh-keygen -Y verify` checks it as it is.
inline constexpr std::string_view kSignedReportFormat2 = "lockdiag-signed-report/2";
// `certificate_blob`: the signer's OpenSSH certificate for `key` (checked to match), or null
// to sign with the bare key. `signed_at`: RFC 3339 UTC.
Result<std::string> sign_report_sshsig(const Report& report, const SigningKey& key, const std::string* certificate_blob,
                                       std::string_view signed_at);

}  // namespace lockdiag::reports
