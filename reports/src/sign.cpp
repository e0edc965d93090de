#include "lockdiag/reports/sign.h"

#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/codec.h"

namespace lockdiag::reports {

Result<std::string> sign_report(const Report& report, const SigningKey& key) {
  auto body = canonical_report(report);
  if (!body) return std::unexpected(body.error());
  const Signature sig = key.sign(*body);
  try {
    const nlohmann::json envelope = {{"report", to_json(report)},
                                     {"signature",
                                      {{"alg", "ed25519"},
                                       {"key_id", key.public_key().key_id()},
                                       {"public_key", key.public_key().hex()},
                                       {"sig", to_hex(sig)}}}};
    auto bytes = canonical(envelope);
    if (!bytes) return std::unexpected(bytes.error());
    bytes->push_back('\n');
    return bytes;
  } catch (const std::exception& e) {
    return fail(std::string("cannot encode the signed report: ") + e.what());
  }
}

}  // namespace lockdiag::reports
