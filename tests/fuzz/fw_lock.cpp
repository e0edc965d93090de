#include "fw_lock.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace lockfw::fuzz {

using namespace wire;

DeviceConfig fuzz_config() {
  DeviceConfig c{};
  c.slot_count = 8;
  c.event_capacity = 150;
  c.state_first_block = 0;
  c.state_blocks = 7;
  c.event_first_block = 7;
  c.event_blocks = 4;
  return c;
}

size_t image_size() {
  const DeviceConfig c = fuzz_config();
  return static_cast<size_t>(kBlockSize) * (c.event_first_block + c.event_blocks);
}

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

FuzzLock::FuzzLock(const std::vector<uint8_t>* image)
    : clock(true, kEpochMs),
      flash(kBlockSize, static_cast<uint32_t>(image_size() / kBlockSize)),
      vl(host::VirtualLock::Options{fuzz_config(), "LD1-FUZZ0001", kEntropySeed}, clock, flash, usb) {
  if (image) std::memcpy(flash.data(), image->data(), std::min(image->size(), flash.size()));
}

namespace {
// The code-hash key of the populated lock. It lives in the lock's secret store, not in its flash
// image, so every lock booted from an image gets it back the way a real part keeps its key.
struct PopulatedKey {
  uint8_t bytes[hal::kSecretSize]{};
  bool have = false;
};
PopulatedKey& populated_key() {
  static PopulatedKey k;
  return k;
}
}  // namespace

std::unique_ptr<FuzzLock> make_lock(const std::vector<uint8_t>* image) {
  auto f = std::make_unique<FuzzLock>(image);
  if (image && populated_key().have) f->vl.ram_secrets().store(hal::kCodeHashKey, populated_key().bytes);
  f->booted = f->vl.boot();
  f->vl.rtc().set(static_cast<uint32_t>(kEpochMs / 1000));
  return f;
}

namespace {

void type(FuzzLock& f, const std::string& keys) { f.vl.keypad(keys); }

bool enroll(FuzzLock& f, uint16_t slot, uint8_t role, const std::string& code, uint8_t kind = kKindPersistent,
            const ScheduleBlock* sched = nullptr) {
  OpenEnrollmentRequest rq{};
  rq.slot = slot;
  rq.role = role;
  rq.kind = kind;
  if (sched) rq.schedule = *sched;
  if (f.vl.call(kCmdOpenEnrollment, &rq, sizeof rq).error != kErrNone) return false;
  type(f, code + "#");
  type(f, code + "#");
  return f.vl.lock().enroll_state() == kEnrollCommitted;
}

std::vector<uint8_t> build_populated() {
  auto f = make_lock(nullptr);
  check(f->booted, "a blank flash boots");
  check(enroll(*f, 0, kRoleAdmin, kAdminCode), "admin enrollment in factory state");
  SetClockRequest clk{static_cast<uint32_t>(kEpochMs / 1000), 60, 0};
  check(f->vl.call(kCmdSetClock, &clk, sizeof clk).error == kErrNone, "set clock");
  check(enroll(*f, 1, kRoleUser, kUserCode), "user enrollment");
  ScheduleBlock week{};
  ScheduleWeekday w{0x3E, 0, 8 * 60, 18 * 60, 0};  // Mon-Fri 08:00-18:00
  std::memcpy(week.b, &w, sizeof w);
  check(enroll(*f, 3, kRoleGuest, kGuestCode, kKindWeekday, &week), "guest enrollment");
  type(*f, std::string(kUserCode) + "#");  // an unlock
  type(*f, "1111#");                        // a wrong code
  f->vl.advance_ms(2000);
  check(f->vl.call(kCmdCloseSession).error == kErrNone, "close session");
  populated_key().have = f->vl.ram_secrets().load(hal::kCodeHashKey, populated_key().bytes);
  check(populated_key().have, "the populated lock keeps its key in the secret store");
  return std::vector<uint8_t>(f->flash.data(), f->flash.data() + f->flash.size());
}

}  // namespace

const std::vector<uint8_t>& populated_image() {
  static const std::vector<uint8_t> image = build_populated();
  return image;
}

std::vector<std::vector<uint8_t>> exchange(FuzzLock& f, uint32_t cid, uint8_t cmd, const void* payload, uint16_t len) {
  f.usb.reports.clear();
  const auto* p = static_cast<const uint8_t*>(payload);
  uint8_t r[kReportSize] = {};
  put_u32_le(r, cid);
  r[4] = static_cast<uint8_t>(cmd | kInitFlag);
  r[5] = static_cast<uint8_t>(len);
  r[6] = static_cast<uint8_t>(len >> 8);
  size_t off = std::min<size_t>(len, kInitDataSize);
  if (off) std::memcpy(r + kInitHeaderSize, p, off);
  f.vl.port().on_report(r);
  for (uint8_t seq = 0; off < len; ++seq) {
    std::memset(r, 0, sizeof r);
    put_u32_le(r, cid);
    r[4] = seq;
    const size_t n = std::min<size_t>(len - off, kContDataSize);
    std::memcpy(r + kContHeaderSize, p + off, n);
    off += n;
    f.vl.port().on_report(r);
  }
  for (int i = 0; i < 16; ++i) f.vl.poll();
  return f.usb.reports;
}

uint32_t open_channel(FuzzLock& f) {
  InitRequest rq{};
  for (uint8_t i = 0; i < sizeof rq.nonce; ++i) rq.nonce[i] = static_cast<uint8_t>(0xA0 + i);
  const auto out = exchange(f, kBroadcastCid, kCmdInit, &rq, sizeof rq);
  f.usb.reports.clear();
  if (out.empty() || out[0][4] != (kCmdInit | kInitFlag)) return 0;
  InitResponse resp{};
  std::memcpy(&resp, out[0].data() + kInitHeaderSize, sizeof resp);
  return resp.cid;
}

bool open_session(FuzzLock& f, uint32_t cid) {
  exchange(f, cid, kCmdArmSession, nullptr, 0);  // 1.4: the session is for the armed channel
  f.usb.reports.clear();
  type(f, std::string(kAdminCode) + "*0#");
  return f.vl.lock().session_state() == kSessionOpen;
}

std::vector<SlotView> slots_of(Lock& lock) {
  std::vector<SlotView> out;
  for (uint16_t i = 0; i < lock.config().slot_count; ++i) {
    SlotData d{};
    if (!lock.read_slot(i, d)) continue;
    SlotView v{};
    v.index = i;
    v.flags = d.flags;
    v.role_kind = d.role_kind;
    std::memcpy(v.schedule, d.schedule, sizeof v.schedule);
    std::memcpy(v.hash, d.hash, sizeof v.hash);
    out.push_back(v);
  }
  return out;
}

}  // namespace lockfw::fuzz
