// Signed report format 2: integrity of the envelope line, the SSHSIG over it, the embedded
// certificate's CA signature. Trust decisions live in verify_trust.cpp.
#include "verify_v2.h"

#include <algorithm>

#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/sign.h"
#include "lockdiag/reports/sshsig.h"
#include "lockdiag/reports/timefmt.h"

namespace lockdiag::reports::detail {
namespace {

std::unexpected<VerifyError> refuse(VerifyReason reason, std::string message) {
  return std::unexpected(VerifyError{reason, std::move(message)});
}

}  // namespace

bool looks_like_v2(std::string_view bytes) {
  const auto nl = bytes.find('\n');
  return nl != std::string_view::npos && bytes.substr(nl + 1).starts_with(ssh::kSigBegin);
}

std::expected<Summary, VerifyError> verify_v2(std::string_view bytes, const std::optional<PublicKey>& trusted) {
  const auto nl = bytes.find('\n');
  const std::string_view line = bytes.substr(0, nl + 1);
  const std::string_view armored = bytes.substr(nl + 1);
  auto parsed = parse_json(line.substr(0, nl));
  if (!parsed) {
    if (parsed.error().problem == JsonProblem::duplicate_key || parsed.error().problem == JsonProblem::non_integer)
      return refuse(VerifyReason::not_canonical, "not canonical: " + parsed.error().message);
    return refuse(VerifyReason::malformed_json, "not valid JSON: " + parsed.error().message + " (damaged?)");
  }
  const auto& doc = *parsed;
  if (!doc.is_object() || !doc.contains("format") || !doc["format"].is_string())
    return refuse(VerifyReason::malformed_json, "signed report line has no format");
  if (doc["format"] != kSignedReportFormat2)
    return refuse(VerifyReason::unsupported_version, "signed report format \"" + doc["format"].get<std::string>() +
                                                         "\" is not supported (a newer lockdiag may)");
  for (const auto& [k, v] : doc.items())
    if (k != "format" && k != "namespace" && k != "principal" && k != "report" && k != "signed_at")
      return refuse(VerifyReason::malformed_json, "unknown key \"" + k + "\" in the signed report line");
  auto canon = canonical(doc);
  if (!canon) return refuse(VerifyReason::not_canonical, "not canonical: " + canon.error().message);
  if (*canon != line.substr(0, nl)) {
    const auto diff = std::mismatch(canon->begin(), canon->end(), line.begin(), line.begin() + static_cast<long>(nl));
    return refuse(VerifyReason::not_canonical,
                  "not canonical at byte " + std::to_string(diff.first - canon->begin()) +
                      ": the file was reformatted or edited after signing (signed files are byte-exact)");
  }
  const auto text = [&](const char* k) -> std::string {
    const auto it = doc.find(k);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (text("namespace") != kReportNamespace)
    return refuse(VerifyReason::malformed_json, "namespace must be " + std::string(kReportNamespace));
  if (!is_rfc3339_utc(text("signed_at")))
    return refuse(VerifyReason::malformed_json, "signed_at must be an RFC 3339 UTC time");
  if (!doc["report"].is_object()) return refuse(VerifyReason::malformed_json, "report must be a JSON object");
  const auto rf = doc["report"].find("format");
  if (rf == doc["report"].end() || *rf != kReportFormat)
    return refuse(VerifyReason::unsupported_version, "report body format is not " + std::string(kReportFormat));

  auto sig = ssh::sshsig_parse(armored);
  if (!sig) return refuse(VerifyReason::malformed_json, sig.error().message);
  if (sig->ns != kReportNamespace)
    return refuse(VerifyReason::signature_mismatch,
                  "SSH signature is for namespace " + sig->ns + ", not " + std::string(kReportNamespace));
  Summary s;
  s.format = 2;
  s.signed_at = text("signed_at");
  s.principal = text("principal");
  ssh::Reader r(sig->publickey);
  std::string_view type;
  r.string(type);
  if (type == ssh::kEd25519Cert) {
    auto cert = ssh::parse_certificate(sig->publickey);
    if (!cert) return refuse(VerifyReason::signature_mismatch, "signer certificate: " + cert.error().message);
    s.public_key = cert->key;
    s.certificate = std::move(*cert);
  } else {
    auto key = ssh::parse_key_blob(sig->publickey);
    if (!key) return refuse(VerifyReason::malformed_json, "signer key: " + key.error().message);
    s.public_key = *key;
  }
  s.key_id = s.public_key.key_id();
  if (trusted && !(*trusted == s.public_key))
    return refuse(VerifyReason::unknown_key,
                  "signed by key " + s.key_id + ", not by the trusted key " + trusted->key_id());
  if (!ssh::sshsig_verify(*sig, s.public_key, line, kReportNamespace))
    return refuse(VerifyReason::signature_mismatch,
                  "signature does not match: the report was changed after it was signed by key " + s.key_id);
  auto model = from_json(doc["report"]);
  if (!model) return refuse(VerifyReason::invalid_report, "signed, but not a valid report: " + model.error().message);
  s.report = std::move(*model);
  s.key_trusted = trusted.has_value();
  s.sha256 = sha256_hex(line);
  return s;
}

}  // namespace lockdiag::reports::detail
