#include "provision.h"

#include <cstring>

#include "core/ed25519.h"

namespace lockfw::host {

namespace {

constexpr char kCertType[] = "ssh-ed25519-cert-v01@openssh.com";
constexpr char kKeyType[] = "ssh-ed25519";
constexpr uint32_t kHostCert = 2;

void u32(std::vector<uint8_t>& o, uint32_t v) {
  for (int i = 3; i >= 0; --i) o.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void u64(std::vector<uint8_t>& o, uint64_t v) {
  u32(o, static_cast<uint32_t>(v >> 32));
  u32(o, static_cast<uint32_t>(v));
}
void str(std::vector<uint8_t>& o, const void* p, size_t n) {
  u32(o, static_cast<uint32_t>(n));
  const auto* b = static_cast<const uint8_t*>(p);
  o.insert(o.end(), b, b + n);
}
void str(std::vector<uint8_t>& o, const std::vector<uint8_t>& v) { str(o, v.data(), v.size()); }

std::vector<uint8_t> key_blob(const uint8_t pk[32]) {
  std::vector<uint8_t> b;
  str(b, kKeyType, sizeof kKeyType - 1);
  str(b, pk, 32);
  return b;
}

}  // namespace

std::vector<uint8_t> issue_device_certificate(const DeviceCertRequest& r, const uint8_t ca_seed[32]) {
  std::vector<uint8_t> c;
  str(c, kCertType, sizeof kCertType - 1);
  str(c, r.nonce, sizeof r.nonce);
  str(c, r.public_key, 32);
  u64(c, r.cert_serial);
  u32(c, kHostCert);
  const std::string key_id = "lock " + r.serial;
  str(c, key_id.data(), key_id.size());
  std::vector<uint8_t> principals;
  str(principals, r.serial.data(), r.serial.size());
  str(c, principals);
  u64(c, r.valid_after);
  u64(c, r.valid_before);
  str(c, nullptr, 0);  // critical options
  str(c, nullptr, 0);  // extensions
  str(c, nullptr, 0);  // reserved
  uint8_t ca_pk[32];
  crypto::ed25519_public_key(ca_pk, ca_seed);
  str(c, key_blob(ca_pk));
  uint8_t sig[64];
  crypto::ed25519_sign(sig, c.data(), c.size(), ca_seed, ca_pk);
  std::vector<uint8_t> s;
  str(s, kKeyType, sizeof kKeyType - 1);
  str(s, sig, sizeof sig);
  str(c, s);
  return c;
}

bool device_certificate_key(const std::vector<uint8_t>& cert, uint8_t pk[32]) {
  constexpr size_t kOff = 4 + 32 + 4 + 32 + 4;
  if (cert.size() < kOff + 32 || std::memcmp(cert.data() + 4, kCertType, sizeof kCertType - 1) != 0) return false;
  std::memcpy(pk, cert.data() + kOff, 32);
  return true;
}

}  // namespace lockfw::host

#include "test_only_manufacturer_ca.h"
#include "virtual_lock.h"

namespace lockfw::host {

void VirtualLock::set_device_certificate(std::vector<uint8_t> cert) {
  device_cert_ = std::move(cert);
  if (lock_) lock_->set_device_certificate(device_cert_.data(), static_cast<uint16_t>(device_cert_.size()));
}

bool VirtualLock::provision_test_only(uint64_t valid_after) {
  DeviceCertRequest r;
  if (!lock_ || !lock_->provision_device_key(r.public_key)) return false;
  uint8_t have[32];
  if (device_certificate_key(device_cert_, have) && std::memcmp(have, r.public_key, 32) == 0) return true;
  r.serial = options_.serial;
  r.valid_after = valid_after;
  entropy_->fill(r.nonce, sizeof r.nonce);
  uint8_t serial[8];
  entropy_->fill(serial, sizeof serial);
  r.cert_serial = 0;
  for (const uint8_t b : serial) r.cert_serial = (r.cert_serial << 8) | b;
  set_device_certificate(issue_device_certificate(r, kTestOnlyManufacturerCaSeed));
  return true;
}

}  // namespace lockfw::host

#include <cstdio>
#include <fstream>
#include <iterator>

namespace lockfw::host {

std::string provision_sim(VirtualLock& vl, const std::string& cert_path, uint64_t now_unix) {
  std::ifstream in(cert_path, std::ios::binary);
  if (in) {
    std::vector<uint8_t> cert((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    uint8_t have[32], key[32];
    if (!vl.lock().provision_device_key(key))
      return "the secret store holds no device key: attestation is not provisioned";
    if (!device_certificate_key(cert, have) || std::memcmp(have, key, 32) != 0)
      return cert_path +
             " is not the certificate of this lock's device key (left untouched): attestation is not provisioned";
    vl.set_device_certificate(std::move(cert));
    return "";
  }
  if (!vl.provision_test_only(now_unix)) return "the secret store took no device key: attestation is not provisioned";
  const std::string tmp = cert_path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    const auto& c = vl.device_certificate();
    out.write(reinterpret_cast<const char*>(c.data()), static_cast<std::streamsize>(c.size()));
    if (!out) return "could not write " + tmp + " (the lock attests until it restarts)";
  }
  if (std::rename(tmp.c_str(), cert_path.c_str()) != 0) return "could not rename " + tmp + " to " + cert_path;
  return "";
}

}  // namespace lockfw::host
