// bench_attestation: GET_ATTESTATION end to end in the firmware core on the host (a lock with
// 250 slots of which 40 occupied: fingerprint HMAC over the slot table, public key derivation,
// Ed25519 signature), and one certificate page. build/default/bin/bench_attestation
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

#include "core/lock.h"
#include "host_hal.h"
#include "lockfw/wire.h"
#include "virtual_lock.h"

using Clock = std::chrono::steady_clock;
using namespace lockfw;
using namespace lockfw::wire;

namespace {

struct NullPort final : hal::UsbPort {
  bool send_report(const uint8_t*) override { return true; }
};

void time_it(const char* name, int runs, const std::function<void()>& op) {
  std::vector<double> us;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    op();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  std::printf("%-40s runs %4d  median %10.1f us  min %10.1f us  max %10.1f us\n", name, runs, us[us.size() / 2],
              us.front(), us.back());
}

}  // namespace

int main() {
  DeviceConfig cfg{};
  host::SimClock clock(true, 1767225600000ll);
  host::FlashSim flash(4096, cfg.event_first_block + cfg.event_blocks);
  NullPort usb;
  host::VirtualLock vl(host::VirtualLock::Options{cfg, "LD1-BENCH001", 7}, clock, flash, usb);
  if (!vl.boot() || !vl.provision_test_only(1700000000)) return 1;
  auto enroll = [&](uint16_t slot, uint8_t role, const char* code) {
    OpenEnrollmentRequest rq{};
    rq.slot = slot;
    rq.role = role;
    rq.kind = kKindPersistent;
    if (vl.call(kCmdOpenEnrollment, &rq, sizeof rq).error) return false;
    vl.keypad(std::string(code) + "#" + code + "#");
    return true;
  };
  if (!enroll(0, kRoleAdmin, "19283746")) return 1;
  char code[9];
  for (uint16_t i = 1; i < 40; ++i) {
    std::snprintf(code, sizeof code, "%08u", 30000000u + i * 7919u);
    if (!enroll(i, kRoleUser, code)) return 1;
  }
  AttestationRequest rq{};
  for (int i = 0; i < 32; ++i) rq.challenge[i] = static_cast<uint8_t>(i);
  if (vl.call(kCmdGetAttestation, &rq, sizeof rq).error) return 1;
  time_it("GET_ATTESTATION statement (40 slots)", 200, [&] { vl.call(kCmdGetAttestation, &rq, sizeof rq); });
  AttestationRequest page{};
  page.part = kAttestPartCertificate;
  time_it("GET_ATTESTATION certificate page", 200, [&] { vl.call(kCmdGetAttestation, &page, sizeof page); });
  return 0;
}
