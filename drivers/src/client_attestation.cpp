// GET_ATTESTATION (0x53): the signed statement for a challenge, then the certificate in pages.
#include <cstring>

#include "call_spec.h"
#include "decode.h"
#include "lockdiag/drivers/client.h"

namespace lockdiag::drivers {

using namespace lockfw::wire;

static_assert(kFeatureAttestationBit == kFeatureAttestation);
static_assert(kAttestationChallengeBytes == kAttestChallengeBytes);

Result<LockAttestation> Client::get_attestation(std::span<const uint8_t> challenge) {
  if (challenge.size() != kAttestChallengeBytes)
    return fail(ErrorKind::kBadAddress, "an attestation challenge is 32 bytes");
  std::lock_guard lock(*mu_);
  AttestationRequest rq{};
  rq.part = kAttestPartStatement;
  std::memcpy(rq.challenge, challenge.data(), sizeof rq.challenge);
  auto m = transact(
      {kCmdGetAttestation, std::span(reinterpret_cast<const uint8_t*>(&rq), sizeof rq), true, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  auto h = decode<AttestationStatement>(m->payload, "GET_ATTESTATION");
  if (!h) return std::unexpected(h.error());
  if (h->format != kAttestFormat)
    return fail(ErrorKind::kProtocol,
                "GET_ATTESTATION answer has format " + std::to_string(h->format) + ", expected 1");
  if (m->payload.size() != sizeof *h + h->body_len + kAttestSignatureBytes || h->cert_len == 0)
    return fail(ErrorKind::kProtocol, "GET_ATTESTATION answer does not add up");
  LockAttestation a;
  const auto* p = reinterpret_cast<const char*>(m->payload.data()) + sizeof *h;
  a.body.assign(p, h->body_len);
  a.signature.assign(p + h->body_len, kAttestSignatureBytes);
  const uint16_t total = h->cert_len;
  while (a.certificate.size() < total) {
    AttestationRequest pr{};
    pr.part = kAttestPartCertificate;
    pr.offset = static_cast<uint16_t>(a.certificate.size());
    auto pm = transact(
        {kCmdGetAttestation, std::span(reinterpret_cast<const uint8_t*>(&pr), sizeof pr), true, {}, nullptr});
    if (!pm) return std::unexpected(pm.error());
    auto ph = decode<AttestationCertPage>(pm->payload, "GET_ATTESTATION certificate");
    if (!ph) return std::unexpected(ph.error());
    if (ph->total != total || ph->offset != pr.offset || ph->length == 0 ||
        pm->payload.size() != sizeof *ph + ph->length || ph->offset + ph->length > total)
      return fail(ErrorKind::kProtocol, "GET_ATTESTATION certificate page does not add up");
    a.certificate.append(reinterpret_cast<const char*>(pm->payload.data()) + sizeof *ph, ph->length);
  }
  return a;
}

}  // namespace lockdiag::drivers
