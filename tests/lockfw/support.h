// Test support for lockfw: a virtual lock on a manual clock and RAM flash, plus helpers that
// speak to the core the way the service port and the keypad do.
#pragma once

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/lock.h"
#include "host_hal.h"
#include "lockfw/wire.h"
#include "virtual_lock.h"

namespace lockfw::test {

using namespace wire;

constexpr int64_t kTestEpochMs = 1767225600000ll;  // 2026-01-01 00:00 UTC, a Thursday

// Collects every IN report the lock sends.
class CapturePort final : public hal::UsbPort {
 public:
  bool send_report(const uint8_t* r) override {
    reports.emplace_back(r, r + kReportSize);
    return true;
  }
  std::vector<std::vector<uint8_t>> reports;
};

// A small lock for fast tests: 1 KiB blocks, few slots, small event ring.
inline DeviceConfig small_config(uint16_t slots = 8) {
  DeviceConfig c{};
  c.slot_count = slots;
  c.event_capacity = 150;
  c.state_first_block = 0;
  c.state_blocks = 7;
  c.event_first_block = 7;
  c.event_blocks = 4;
  return c;
}
constexpr uint32_t kSmallBlock = 1024;

struct Rig {
  explicit Rig(DeviceConfig cfg = small_config(), uint32_t block = kSmallBlock, uint64_t seed = 42)
      : clock(true, kTestEpochMs),
        flash(block, cfg.event_first_block + cfg.event_blocks),
        vl(host::VirtualLock::Options{cfg, "LD1-TEST0001", seed}, clock, flash, usb) {
    REQUIRE(vl.boot());
  }
  host::SimClock clock;
  host::FlashSim flash;
  CapturePort usb;
  host::VirtualLock vl;

  Lock& lock() { return vl.lock(); }
  host::VirtualLock::Result call(uint8_t cmd, const void* req = nullptr, uint16_t len = 0) {
    return vl.call(cmd, req, len);
  }
  template <typename T>
  host::VirtualLock::Result call(uint8_t cmd, const T& req) {
    return vl.call(cmd, &req, sizeof req);
  }
  // "code*0#" arms the rig's channel first (1.4), as lockdiag does before it asks for the code;
  // type_raw() presses keys only.
  // A try that opened no session leaves no arm behind: the host gives up and withdraws it
  // (CLOSE_SESSION, protocol 1.4), as lockdiag does when its wait ends.
  void type(const std::string& keys) {
    const bool arm = keys.size() >= 3 && keys.compare(keys.size() - 3, 3, "*0#") == 0;
    if (arm) call(kCmdArmSession);
    vl.keypad(keys);
    if (arm && vl.lock().session_state() != kSessionOpen) call(kCmdCloseSession);
  }
  void type_raw(const std::string& keys) { vl.keypad(keys); }
  uint64_t unlocks() { return vl.bolt().unlocks(); }

  SessionResponse session() {
    auto r = call(kCmdGetSession);
    SessionResponse s{};
    std::memcpy(&s, r.payload.data(), sizeof s);
    return s;
  }
  StatusResponse status() {
    auto r = call(kCmdGetStatus);
    StatusResponse s{};
    std::memcpy(&s, r.payload.data(), sizeof s);
    return s;
  }
  uint8_t set_clock(uint32_t utc, int16_t offset = 0) {
    SetClockRequest rq{utc, offset, 0};
    return call(kCmdSetClock, rq).error;
  }
  uint8_t open_enrollment(uint16_t slot, uint8_t role, uint8_t kind = kKindPersistent, const void* sched = nullptr) {
    OpenEnrollmentRequest rq{};
    rq.slot = slot;
    rq.role = role;
    rq.kind = kind;
    if (sched) std::memcpy(rq.schedule.b, sched, 8);
    return call(kCmdOpenEnrollment, rq).error;
  }
  // Opens enrollment and types the code twice; returns the enroll state.
  uint8_t enroll(uint16_t slot, uint8_t role, const std::string& code, uint8_t kind = kKindPersistent,
                 const void* sched = nullptr) {
    const uint8_t e = open_enrollment(slot, role, kind, sched);
    if (e != kErrNone) return 0xE0 | e;
    type(code + "#");
    type(code + "#");
    return lock().enroll_state();
  }
  // Factory lock -> admin in slot 0 with `admin`, clock set, session open.
  void onboard(const std::string& admin = "19283746") {
    REQUIRE(enroll(0, kRoleAdmin, admin) == kEnrollCommitted);
    REQUIRE(lock().session_state() == kSessionOpen);
    REQUIRE(set_clock(static_cast<uint32_t>(kTestEpochMs / 1000)) == kErrNone);
  }
  void advance_s(uint64_t s) { vl.advance_ms(s * 1000); }
};

// Decoded READ_EVENTS pages.
struct DecodedEvent {
  uint32_t seq;
  uint32_t time;
  uint8_t type;
  int slot;  // -1 none
  uint8_t extra;
};

inline uint32_t get_leb(const uint8_t*& p) {
  uint32_t v = 0;
  REQUIRE(lockfw::wire::read_leb128(p, p + 5, v));
  return v;
}

inline std::vector<DecodedEvent> decode_page(const std::vector<uint8_t>& page, ReadEventsResponseHead& head) {
  std::memcpy(&head, page.data(), sizeof head);
  std::vector<DecodedEvent> out;
  const uint8_t* p = page.data() + sizeof head;
  uint32_t t = head.base_time;
  for (uint16_t i = 0; i < head.count; ++i) {
    DecodedEvent e{};
    e.seq = head.first_seq + i;
    const uint8_t b = *p++;
    e.type = b & 0x3F;
    const uint32_t zz = get_leb(p);
    const int64_t delta = lockfw::wire::zigzag_decode(zz);
    t = static_cast<uint32_t>(static_cast<int64_t>(t) + delta);
    e.time = t;
    e.slot = (b & kEvHasSlot) ? static_cast<int>(get_leb(p)) : -1;
    e.extra = (b & kEvHasExtra) ? *p++ : 0;
    out.push_back(e);
  }
  CHECK(p == page.data() + page.size());
  return out;
}

inline std::vector<DecodedEvent> read_all_events(Rig& rig, uint32_t from = 0, int* pages = nullptr) {
  std::vector<DecodedEvent> all;
  for (int guard = 0; guard < 100000; ++guard) {
    ReadEventsRequest rq{from, 0, 0};
    auto r = rig.call(kCmdReadEvents, rq);
    REQUIRE(r.error == kErrNone);
    ReadEventsResponseHead h{};
    auto page = decode_page(r.payload, h);
    if (pages) ++*pages;
    all.insert(all.end(), page.begin(), page.end());
    if (!(h.flags & kEventsMore)) break;
    from = h.first_seq + h.count;
  }
  return all;
}

// One READ_SLOTS page in either record format, decoded with wire.h's own reader (compact) or
// layout (fixed); every byte of the page must belong to a record.
struct SlotPageRead {
  ReadSlotsResponseHead head{};
  std::vector<SlotRecordFields> records;
  size_t bytes = 0;  // the whole answer
};
inline SlotPageRead read_slot_page(Rig& rig, uint16_t start, uint8_t format, uint16_t max_bytes = 0) {
  SlotPageRead out;
  auto r = rig.call(kCmdReadSlots, ReadSlotsRequest{start, max_bytes, format, 0});
  REQUIRE(r.error == kErrNone);
  REQUIRE(r.payload.size() >= sizeof out.head);
  std::memcpy(&out.head, r.payload.data(), sizeof out.head);
  out.bytes = r.payload.size();
  CHECK(+out.head.format == format);
  const uint8_t* p = r.payload.data() + sizeof out.head;
  const uint8_t* end = r.payload.data() + r.payload.size();
  CompactSlotCursor cursor{start, 0};
  for (int i = 0; i < out.head.count; ++i) {
    SlotRecordFields f{};
    if (format == kSlotFormatCompact) {
      REQUIRE(read_compact_slot(p, end, cursor, f) == CompactSlotStatus::kOk);
    } else {
      SlotRecordHead h{};
      REQUIRE(end - p >= static_cast<ptrdiff_t>(sizeof h));
      std::memcpy(&h, p, sizeof h);
      p += sizeof h;
      REQUIRE(end - p >= h.schedule_len);
      f = SlotRecordFields{h.index, h.flags, h.role_kind, h.created, h.last_used, h.use_count, {}};
      if (h.schedule_len) std::memcpy(f.schedule.b, p, sizeof f.schedule);
      p += h.schedule_len;
    }
    out.records.push_back(f);
  }
  CHECK(p == end);
  return out;
}
inline std::vector<SlotRecordFields> read_slot_table(Rig& rig, uint8_t format, int* pages = nullptr) {
  std::vector<SlotRecordFields> all;
  for (uint16_t start = 0; start != kNoMoreSlots;) {
    auto page = read_slot_page(rig, start, format);
    if (pages) ++*pages;
    all.insert(all.end(), page.records.begin(), page.records.end());
    REQUIRE((page.head.next_index == kNoMoreSlots || page.head.next_index > start));
    start = page.head.next_index;
  }
  return all;
}
inline bool same_slots(const std::vector<SlotRecordFields>& a, const std::vector<SlotRecordFields>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const SlotRecordFields &x = a[i], &y = b[i];
    if (x.index != y.index || x.flags != y.flags || x.role_kind != y.role_kind || x.created != y.created ||
        x.last_used != y.last_used || x.use_count != y.use_count ||
        std::memcmp(x.schedule.b, y.schedule.b, sizeof x.schedule.b) != 0)
      return false;
  }
  return true;
}

inline int count_type(const std::vector<DecodedEvent>& ev, uint8_t type, uint8_t reason = 0xFF) {
  int n = 0;
  for (const auto& e : ev)
    if (e.type == type && (reason == 0xFF || (e.extra & kReasonMask) == reason)) ++n;
  return n;
}

}  // namespace lockfw::test
