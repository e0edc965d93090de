// The service-port wire protocol, attestation addition (docs/protocol.md, "1.5: attestation").
// Included by wire.h; kept apart so the addition merges as one block.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lockfw/wire_framing.h"

namespace lockfw::wire {

// GET_ATTESTATION (session): part 0 answers the lock's signed statement for the host's
// challenge; part 1 answers a page of the manufacturer's certificate for the device key.
inline constexpr uint8_t kCmdGetAttestation = 0x53;
// Taken counting down from the top of the free range (issue 11's additions count up).
inline constexpr uint32_t kFeatureAttestation = 1u << 31;
// The lock has no device key, or no certificate for it (not provisioned at the factory).
inline constexpr uint8_t kErrNotProvisioned = 0x3F;

inline constexpr uint8_t kAttestPartStatement = 0;
inline constexpr uint8_t kAttestPartCertificate = 1;
inline constexpr size_t kAttestChallengeBytes = 32;
inline constexpr size_t kAttestSignatureBytes = 64;
inline constexpr uint8_t kAttestFormat = 1;  // body = "lockdiag-attestation-v1" (docs/protocol.md)

struct LOCKFW_PACKED AttestationRequest {
  uint8_t part;      // kAttestPart*
  uint8_t reserved;  // 0
  uint16_t offset;   // part 1: first certificate byte of the page; part 0: 0
  uint8_t challenge[kAttestChallengeBytes];  // part 0: the host's random challenge
};

// Part 0: this header, body_len bytes of body, then the 64-byte Ed25519 signature of body.
struct LOCKFW_PACKED AttestationStatement {
  uint8_t format;     // kAttestFormat
  uint8_t reserved;
  uint16_t body_len;
  uint16_t cert_len;  // total certificate size, fetched with part 1
  uint16_t reserved2;
};

// Part 1: this header, then length bytes of the certificate starting at offset.
struct LOCKFW_PACKED AttestationCertPage {
  uint16_t total;
  uint16_t offset;
  uint16_t length;
  uint16_t reserved;
};

static_assert(sizeof(AttestationRequest) == 36);
static_assert(sizeof(AttestationStatement) == 8);
static_assert(sizeof(AttestationCertPage) == 8);

}  // namespace lockfw::wire
