// TEST ONLY. The manufacturer CA the simulator's "factory" certifies virtual locks with. Its
// private key is public (this file, and packaging/test-only/manufacturer-ca-TEST-ONLY with its
// .pub), so anything it signs proves nothing: lockdiag never trusts it unless a config dir
// says so explicitly (the demo does, and verify then says "TEST-ONLY manufacturer CA").
#pragma once

#include <cstdint>

namespace lockfw::host {

// The Ed25519 seed of packaging/test-only/manufacturer-ca-TEST-ONLY (tests check they agree).
inline constexpr uint8_t kTestOnlyManufacturerCaSeed[32] = {0xbd, 0x3d, 0x2f, 0x6c, 0xc5, 0x50, 0x33, 0xbf,
                                                            0x1d, 0x0e, 0x5a, 0x10, 0x23, 0x6a, 0x49, 0xdd,
                                                            0xec, 0x70, 0xfb, 0x40, 0x40, 0x8a, 0xb5, 0xd3,
                                                            0x02, 0x40, 0x97, 0x67, 0x79, 0x92, 0x44, 0xbd};
inline constexpr const char* kTestOnlyManufacturerCaName = "lockdiag-manufacturer-CA-TEST-ONLY";

}  // namespace lockfw::host
