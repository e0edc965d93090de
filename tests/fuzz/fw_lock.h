// The lock the firmware fuzz targets drive: lockfw's core (Lock + ServicePort) on the host HAL,
// in memory (manual clock, RAM flash, a port that keeps every IN report). Every target builds
// its lock through make_lock(), so a change to how a Lock is put together (a new HAL part, a
// secret store) is made here once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/lock.h"
#include "host_hal.h"
#include "lockfw/wire.h"
#include "virtual_lock.h"

namespace lockfw::fuzz {

// A small lock (8 slots, 1 KiB blocks, 7 state + 4 event blocks: an 11 KiB flash image) so a
// run is fast and a mutation of an image can reach every block.
DeviceConfig fuzz_config();
constexpr uint32_t kBlockSize = 1024;
constexpr int64_t kEpochMs = 1767225600000ll;  // 2026-01-01 00:00 UTC
constexpr uint64_t kEntropySeed = 42;
size_t image_size();

// The codes of the populated lock. Test material only: the targets check that none of them
// ever appears in what the lock sends.
inline constexpr const char* kAdminCode = "19283746";
inline constexpr const char* kUserCode = "5555";
inline constexpr const char* kGuestCode = "246810";

class CapturePort final : public hal::UsbPort {
 public:
  bool send_report(const uint8_t* r) override {
    reports.emplace_back(r, r + wire::kReportSize);
    return true;
  }
  std::vector<std::vector<uint8_t>> reports;
};

struct FuzzLock {
  explicit FuzzLock(const std::vector<uint8_t>* image);
  host::SimClock clock;
  host::FlashSim flash;
  CapturePort usb;
  host::VirtualLock vl;
  bool booted = false;
};

// A lock booted from `image` (nullptr: blank flash, a factory-fresh lock), RTC set to kEpochMs.
std::unique_ptr<FuzzLock> make_lock(const std::vector<uint8_t>* image);

// The flash image of a lock with an admin (slot 0), a user (slot 1) and a scheduled guest
// (slot 3), some events, clock set, session closed. Built once per process.
const std::vector<uint8_t>& populated_image();

// INIT on the broadcast channel; the channel the lock allocated (0 when it did not answer).
uint32_t open_channel(FuzzLock& f);
// A service session for channel `cid`, opened at the keypad with the admin code.
bool open_session(FuzzLock& f, uint32_t cid);
// One framed request on `cid` (all its reports); the reports of the answer.
std::vector<std::vector<uint8_t>> exchange(FuzzLock& f, uint32_t cid, uint8_t cmd, const void* payload, uint16_t len);

// What a slot is, as the code store has it (occupied slots only).
struct SlotView {
  uint16_t index;
  uint8_t flags, role_kind;
  uint8_t schedule[8];
  uint8_t hash[32];
  bool operator==(const SlotView&) const = default;
};
std::vector<SlotView> slots_of(Lock& lock);

// Aborts (a libFuzzer crash, input saved) with a message when `ok` is false.
void check(bool ok, const char* what);

}  // namespace lockfw::fuzz
