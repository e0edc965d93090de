// Attestations taken by the workflows (attestation_steps.h).
#include "attestation_steps.h"

#include <sys/random.h>

#include "lockdiag/drivers/attestation.h"
#include "lockdiag/reports/report_attestation.h"
#include "lockdiag/reports/ssh.h"

namespace lockdiag::app {

using nlohmann::json;

std::string report_id_for(const std::string& lock_serial, int64_t job_id) {
  return lock_serial + "-job" + std::to_string(job_id);
}

json take_attestation(JobContext& c, const std::string& phase) {
  auto caps = c.env.client.capabilities();
  if (!caps) return json{{"unavailable", "the lock's capabilities could not be read: " + caps.error().message}};
  if (!(caps->features & drivers::kFeatureAttestationBit))
    return json{{"unavailable", "the lock cannot attest (firmware older than protocol 1.5)"}};
  std::string nonce(drivers::kAttestationChallengeBytes, '\0');
  if (getrandom(nonce.data(), nonce.size(), 0) != static_cast<ssize_t>(nonce.size()))
    return json{{"unavailable", "no random numbers for a challenge on this computer"}};
  const std::string challenge = reports::attestation_challenge(report_id_for(c.job.lock_serial, c.runner.job_id()),
                                                               phase, nonce);
  auto a = c.env.client.get_attestation(
      std::span(reinterpret_cast<const uint8_t*>(challenge.data()), challenge.size()));
  if (!a) {
    std::string why = a.error().message.substr(0, 400);  // the report's field: 1-500 bytes, no control characters
    for (auto& ch : why)
      if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
    return json{{"unavailable", why.empty() ? std::string("the lock gave no attestation") : why}};
  }
  return json{{"nonce", reports::to_hex(std::span(reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size()))},
              {"body", reports::ssh::base64(a->body)},
              {"signature", reports::ssh::base64(a->signature)},
              {"certificate", reports::ssh::base64(a->certificate)}};
}

std::optional<reports::LockAttestations> attestations_from_steps(const std::vector<StepRecord>& steps) {
  std::optional<json> before, after;
  for (const auto& s : steps) {
    if (s.state != StepState::kDone || (s.name != "snapshot_before" && s.name != "snapshot_after")) continue;
    const auto d = json::parse(s.detail_json, nullptr, false);
    if (d.is_discarded() || !d.is_object() || !d.contains("attestation")) continue;
    (s.name == "snapshot_before" ? before : after) = d.at("attestation");
  }
  if (!before) return std::nullopt;  // a job recorded before attestations existed
  json j = {{"before", *before}};
  if (after) j["after"] = *after;
  auto a = reports::attestations_from_json(j);
  if (!a) return std::nullopt;
  return std::move(*a);
}

}  // namespace lockdiag::app
