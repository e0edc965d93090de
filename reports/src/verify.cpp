// Offline verification: every way a file can fail has its own reason (docs/report-format.md,
// "Verification"). The checks run in a fixed order; the first failure is reported.
#include "lockdiag/reports/verify.h"

#include <algorithm>

#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/visit.h"
#include "verify_v2.h"

namespace lockdiag::reports {
namespace {

using json = nlohmann::json;

std::unexpected<VerifyError> refuse(VerifyReason reason, std::string message) {
  return std::unexpected(VerifyError{reason, std::move(message)});
}

std::expected<Summary, VerifyError> verify_impl(std::string_view bytes, const std::optional<PublicKey>& trusted) {
  if (bytes.size() > kMaxReportBytes)
    return refuse(VerifyReason::too_large, "file is " + std::to_string(bytes.size()) + " bytes; reports are at most " +
                                               std::to_string(kMaxReportBytes) + " bytes");
  if (!is_valid_utf8(bytes))
    return refuse(VerifyReason::not_utf8, "file is not valid UTF-8 text (damaged or not a report)");
  if (detail::looks_like_v2(bytes)) return detail::verify_v2(bytes, trusted);
  auto parsed = parse_json(bytes);
  if (!parsed) {
    const auto& e = parsed.error();
    switch (e.problem) {
      case JsonProblem::duplicate_key:
      case JsonProblem::non_integer: return refuse(VerifyReason::not_canonical, "not canonical: " + e.message);
      default: return refuse(VerifyReason::malformed_json, "not valid JSON: " + e.message + " (truncated or damaged?)");
    }
  }
  const json& doc = *parsed;
  if (!doc.is_object() || doc.size() != 2 || !doc.contains("report") || !doc.contains("signature")) {
    if (doc.is_object() && doc.contains("format") && !doc.contains("signature"))
      return refuse(VerifyReason::malformed_json, "this is an unsigned report body: it has no signature");
    return refuse(VerifyReason::malformed_json,
                  "not a signed lockdiag report: want exactly the keys report and signature");
  }
  const json& report = doc["report"];
  const json& signature = doc["signature"];
  if (!report.is_object() || !signature.is_object())
    return refuse(VerifyReason::malformed_json, "report and signature must be JSON objects");
  const auto format = report.find("format");
  if (format == report.end() || !format->is_string())
    return refuse(VerifyReason::malformed_json, "report.format is missing");
  if (*format != kReportFormat)
    return refuse(VerifyReason::unsupported_version, "report format \"" + format->get<std::string>() +
                                                         "\" is not supported; this tool verifies " +
                                                         std::string(kReportFormat) + " (a newer lockdiag may)");
  const auto alg = signature.find("alg");
  if (alg == signature.end() || !alg->is_string())
    return refuse(VerifyReason::malformed_json, "signature.alg is missing");
  if (*alg != "ed25519")
    return refuse(VerifyReason::unsupported_version,
                  "signature algorithm \"" + alg->get<std::string>() + "\" is not supported (want ed25519)");

  auto canon = canonical(doc);
  if (!canon) return refuse(VerifyReason::not_canonical, "not canonical: " + canon.error().message);
  canon->push_back('\n');
  if (*canon != bytes) {
    const auto diff = std::mismatch(canon->begin(), canon->end(), bytes.begin(), bytes.end());
    const auto at = static_cast<std::size_t>(diff.first - canon->begin());
    return refuse(VerifyReason::not_canonical,
                  "not canonical at byte " + std::to_string(at) +
                      ": the file was reformatted or edited after signing (signed files are byte-exact)");
  }

  if (signature.size() != 4 || !signature.contains("key_id") || !signature.contains("public_key") ||
      !signature.contains("sig"))
    return refuse(VerifyReason::malformed_json, "signature must hold exactly alg, key_id, public_key and sig");
  PublicKey embedded;
  Signature sig{};
  const auto& pk = signature["public_key"];
  const auto& sg = signature["sig"];
  const auto& id = signature["key_id"];
  if (!pk.is_string() || !from_hex(pk.get<std::string>(), embedded.bytes))
    return refuse(VerifyReason::malformed_json, "signature.public_key must be 64 lowercase hex digits");
  if (!sg.is_string() || !from_hex(sg.get<std::string>(), sig))
    return refuse(VerifyReason::malformed_json, "signature.sig must be 128 lowercase hex digits");
  if (!id.is_string() || id.get<std::string>() != embedded.key_id())
    return refuse(VerifyReason::unknown_key, "signature.key_id does not belong to the embedded public key");
  if (trusted && *trusted != embedded)
    return refuse(VerifyReason::unknown_key,
                  "signed by key " + embedded.key_id() + ", not by the trusted key " + trusted->key_id());

  // The signed bytes: canonical "report". The whole file is canonical, so this is exactly
  // the slice of the file between {"report": and ,"signature":.
  const std::string_view body = std::string_view(*canon).substr(10, canon->size() - 10);
  const auto end = body.rfind(",\"signature\":");
  const std::string_view signed_bytes = body.substr(0, end);
  if (!verify_signature(embedded, signed_bytes, sig))
    return refuse(VerifyReason::signature_mismatch,
                  "signature does not match: the report was changed after it was signed by key " + embedded.key_id());

  auto model = from_json(report);
  if (!model) return refuse(VerifyReason::invalid_report, "signed, but not a valid report: " + model.error().message);
  Summary s;
  s.report = std::move(*model);
  s.key_id = embedded.key_id();
  s.public_key = embedded;
  s.key_trusted = trusted.has_value();
  s.sha256 = sha256_hex(signed_bytes);
  return s;
}

}  // namespace

std::string_view reason_id(VerifyReason r) {
  switch (r) {
    case VerifyReason::unreadable: return "unreadable";
    case VerifyReason::too_large: return "too_large";
    case VerifyReason::not_utf8: return "not_utf8";
    case VerifyReason::malformed_json: return "malformed_json";
    case VerifyReason::unsupported_version: return "unsupported_version";
    case VerifyReason::not_canonical: return "not_canonical";
    case VerifyReason::unknown_key: return "unknown_key";
    case VerifyReason::signature_mismatch: return "signature_mismatch";
    case VerifyReason::invalid_report: return "invalid_report";
    case VerifyReason::certificate_invalid: return "certificate_invalid";
    case VerifyReason::revoked: return "revoked";
    case VerifyReason::attestation_invalid: return "attestation_invalid";
  }
  return "unknown";
}

std::string_view reason_words(VerifyReason r) {
  switch (r) {
    case VerifyReason::unreadable: return "the file cannot be read";
    case VerifyReason::too_large: return "the file is too large to be a report";
    case VerifyReason::not_utf8: return "the file is not a report (not text)";
    case VerifyReason::malformed_json: return "the file is not a report (broken or cut short)";
    case VerifyReason::unsupported_version: return "a report format this lockdiag does not know";
    case VerifyReason::not_canonical: return "the report was edited or reformatted after signing";
    case VerifyReason::unknown_key: return "signed by a key that is not trusted here";
    case VerifyReason::signature_mismatch: return "the report was changed after signing";
    case VerifyReason::invalid_report: return "signed, but its content breaks the report format";
    case VerifyReason::certificate_invalid: return "the technician's certificate does not hold for this report";
    case VerifyReason::revoked: return "the technician's certificate or key has been revoked";
    case VerifyReason::attestation_invalid: return "what the lock signed does not match the report";
  }
  return "it does not verify";
}

std::string Summary::one_line() const {
  std::size_t critical = 0, warning = 0;
  for (const auto& f : report.findings) {
    critical += f.severity == Severity::critical;
    warning += f.severity == Severity::warning;
  }
  std::string signer = report.technician.name + " with key " + key_id +
                       (key_trusted ? "" : " (embedded key, not pinned)");
  if (chain_checked && certificate)
    signer = certificate->key_id + ", certified by " + company + " until " + ssh::time_text(certificate->valid_before) +
             " (CA " + ca_fingerprint + ", serial " + std::to_string(certificate->serial) + "), at " + signed_at;
  return "valid: report " + report.id + " (" + job_title(report.kind) + ", lock " + report.lock.serial + ", " +
         report.finished_at + ") signed by " + signer + "; " + std::to_string(critical) + " critical, " +
         std::to_string(warning) + " warning findings; sha256 " + sha256;
}

std::expected<Summary, VerifyError> verify(std::string_view file_bytes, const std::optional<PublicKey>& trusted) {
  try {
    return verify_impl(file_bytes, trusted);
  } catch (const std::exception& e) {  // allocation failure: refuse, never crash
    return refuse(VerifyReason::malformed_json, std::string("cannot verify: ") + e.what());
  }
}

}  // namespace lockdiag::reports
