// The simulator's factory step (docs/firmware.md, "Device key and provisioning"): the lock
// makes its device key inside itself; the factory certifies the public key with the
// manufacturer CA (here the TEST-ONLY one) as an OpenSSH certificate whose principal is the
// serial; the certificate is a public provisioning record the port hands the lock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockfw::host {

struct DeviceCertRequest {
  uint8_t public_key[32];
  std::string serial;          // the only principal
  uint64_t cert_serial = 1;    // the manufacturer's certificate serial
  uint64_t valid_after = 0;    // unix seconds
  uint64_t valid_before = ~0ull;
  uint8_t nonce[32] = {};
};

// An ssh-ed25519-cert-v01@openssh.com host certificate (PROTOCOL.certkeys), key id "lock
// SERIAL", signed by the CA seed with the firmware's Ed25519.
std::vector<uint8_t> issue_device_certificate(const DeviceCertRequest& r, const uint8_t ca_seed[32]);

// The 32-byte public key inside such a certificate; false when it is not one.
bool device_certificate_key(const std::vector<uint8_t>& cert, uint8_t pk[32]);

}  // namespace lockfw::host

namespace lockfw::host {

class VirtualLock;

// lockfw-sim's first start is the lock's manufacture: device key into the secret store, the
// TEST-ONLY certificate into cert_path (STATE.devcert, public, 0644). Later starts load it.
// A file at cert_path that is not a certificate for this lock's key is left alone and the
// lock stays unprovisioned. Answers a warning for stderr, or "" when provisioned.
std::string provision_sim(VirtualLock& vl, const std::string& cert_path, uint64_t now_unix);

}  // namespace lockfw::host
