// What GET_ATTESTATION (protocol 1.5, docs/protocol.md) brings back, as raw bytes: the host
// checks them with lockdiag::reports::verify_attestation (the drivers do not judge trust).
#pragma once

#include <cstdint>
#include <string>

namespace lockdiag::drivers {

inline constexpr uint32_t kFeatureAttestationBit = 1u << 31;  // Capabilities::features
inline constexpr std::size_t kAttestationChallengeBytes = 32;

struct LockAttestation {
  std::string body;         // "lockdiag-attestation-v1" structure, SSH encoding
  std::string signature;    // 64-byte Ed25519 signature of body by the device key
  std::string certificate;  // ssh-ed25519-cert-v01 blob: the manufacturer's certificate for the device key
};

}  // namespace lockdiag::drivers
