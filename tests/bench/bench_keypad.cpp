// Instructions of one keypad check with 250 occupied slots, counted by
// callgrind (docs/benchmarks.md, "Keypad check"). Run without arguments: the program runs
// itself under `valgrind --tool=callgrind` once per case, prints the counts and exits
// non-zero when a case costs more than 100,000 instructions. The count covers the check
// only (Lock::check_code: one HMAC, then every slot compared), not the lock's setup.
#include <valgrind/callgrind.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "core/lock.h"
#include "host_hal.h"
#include "lockfw/wire.h"
#include "virtual_lock.h"

using namespace lockfw;
using namespace lockfw::wire;

namespace {

constexpr long kBudget = 100000;

class NullPort final : public hal::UsbPort {
 public:
  bool send_report(const uint8_t*) override { return true; }
};

std::string code_for(uint16_t slot) {  // 8 digits, distinct per slot (benchmark data, not a PIN)
  char b[16];
  std::snprintf(b, sizeof b, "%08u", 31000000u + slot * 7919u);
  return b;
}

// One measured case: 250 occupied slots, then the check of `which` (first, last, none).
int measure(const char* which) {
  DeviceConfig cfg{};
  cfg.slot_count = 250;
  host::SimClock clock(true, 1767225600000ll);
  host::FlashSim flash(4096, cfg.event_first_block + cfg.event_blocks);
  NullPort usb;
  host::VirtualLock vl(host::VirtualLock::Options{cfg, "LD1-BENCH001", 99}, clock, flash, usb);
  if (!vl.boot()) return 2;
  for (uint16_t i = 0; i < cfg.slot_count; ++i) {
    if (i > 0) {
      OpenEnrollmentRequest rq{};
      rq.slot = i;
      rq.role = kRoleUser;
      rq.kind = kKindPersistent;
      if (vl.call(kCmdOpenEnrollment, &rq, sizeof rq).error != kErrNone) return 3;
    } else {
      OpenEnrollmentRequest rq{};
      rq.role = kRoleAdmin;
      rq.kind = kKindPersistent;
      if (vl.call(kCmdOpenEnrollment, &rq, sizeof rq).error != kErrNone) return 3;
    }
    vl.keypad(code_for(i) + "#" + code_for(i) + "#");
    if (vl.lock().enroll_state() != kEnrollCommitted) return 4;
  }
  const std::string code = std::strcmp(which, "first") == 0  ? code_for(0)
                           : std::strcmp(which, "last") == 0 ? code_for(249)
                                                             : std::string("99999999");
  const int want = std::strcmp(which, "first") == 0 ? 0 : std::strcmp(which, "last") == 0 ? 249 : -1;
  CALLGRIND_ZERO_STATS;
  CALLGRIND_TOGGLE_COLLECT;
  const int got = vl.lock().check_code(code.data(), static_cast<uint8_t>(code.size()));
  CALLGRIND_TOGGLE_COLLECT;
  return got == want ? 0 : 5;
}

long run_case(const char* self, const char* which) {
  char tmpl[] = "/tmp/bench_keypad.XXXXXX";
  const int fd = mkstemp(tmpl);
  if (fd < 0) return -1;
  close(fd);
  const std::string cmd = std::string("valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file=") + tmpl +
                          " " + self + " --measure " + which + " >/dev/null 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream in(tmpl);
  std::string line;
  long total = -1;
  while (std::getline(in, line))
    if (line.rfind("totals:", 0) == 0 || line.rfind("summary:", 0) == 0)
      total = std::atol(line.c_str() + line.find(':') + 1);
  std::remove(tmpl);
  return rc == 0 ? total : -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--measure") == 0) return measure(argv[2]);
  if (RUNNING_ON_VALGRIND) return 2;
  int failed = 0;
  long counts[3] = {};
  const char* cases[3] = {"first", "last", "none"};
  for (int k = 0; k < 3; ++k) {
    counts[k] = run_case(argv[0], cases[k]);
    const bool ok = counts[k] > 0 && counts[k] <= kBudget;
    std::printf("keypad check, 250 slots, code of %s slot: %ld instructions (budget %ld) %s\n",
                k == 2 ? "no" : cases[k], counts[k], kBudget, ok ? "ok" : "FAIL");
    if (!ok) failed = 1;
  }
  std::printf("first vs last slot: %+ld instructions\n", counts[1] - counts[0]);
  return failed;
}
