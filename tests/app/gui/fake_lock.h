// A fake lock behind the DeviceWorker's backend interface, for the headless GUI tests and the
// GUI benchmark: a full slot table, a 10,000-event log, a service session that "someone at the
// lock" opens, and a cable that can be pulled. It knows the codes its people type (to prove the
// GUI never draws them); it never hands one to the GUI, just as a real lock cannot.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lockdiag/app/device_worker.h"

namespace lockdiag::test {

struct FakeLockState {
  std::mutex mu;
  std::atomic<bool> plugged{true};
  bool session_open = false;
  bool events_truncated = false;  // the log wrapped: the oldest events were overwritten
  bool clock_set = true;
  int32_t clock_offset_s = 415;  // lock clock runs ahead of the laptop
  int battery_mv = 5200;
  std::vector<app::SlotView> slots;
  std::vector<app::EventView> events;
  // The codes the fake people type. Never given to the GUI; the leak test looks for them.
  std::vector<std::string> codes{"482916", "7731", "90210455", "135792", "6048"};
  int opens = 0;  // how many times the GUI opened a connection
};

inline void fill_fake_lock(FakeLockState& s, size_t events = 10000, uint32_t now = 1795000000u) {
  s.slots.clear();
  for (int i = 0; i < 40; ++i) {
    app::SlotView v;
    v.index = i * 3 + (i > 0 ? 1 : 0);
    v.role = i == 0 ? drivers::Role::kAdmin : (i % 7 == 0 ? drivers::Role::kGuest : drivers::Role::kUser);
    v.kind = static_cast<drivers::CodeKind>(i % 5);
    v.enabled = i % 9 != 4;
    v.expired = v.kind == drivers::CodeKind::kTemporaryUntil && i % 2 == 0;
    v.schedule = v.kind == drivers::CodeKind::kWeekday             ? "Mon-Fri 08:00-18:00"
                 : v.kind == drivers::CodeKind::kDateRange         ? "2026-06-01 to 2026-09-30"
                 : v.kind == drivers::CodeKind::kTemporaryUntil    ? "until 2026-12-01 12:00"
                 : v.kind == drivers::CodeKind::kTemporaryFirstUse ? "120 min after first use"
                                                                   : "always";
    v.created = now - 86400u * static_cast<uint32_t>(200 - i);
    v.last_used = i % 6 == 5 ? 0 : now - 3600u * static_cast<uint32_t>(i + 1);
    v.use_count = (i * 37) % 400;
    s.slots.push_back(v);
  }
  s.events.clear();
  s.events.reserve(events);
  uint32_t t = now - static_cast<uint32_t>(events) * 500u;
  for (size_t i = 0; i < events; ++i) {
    app::EventView e;
    e.seq = static_cast<uint32_t>(i + 1);
    t += 300 + static_cast<uint32_t>((i * 7919) % 400);
    e.time = t;
    const size_t r = (i * 2654435761u) % 100;
    if (r < 70) {
      e.type = drivers::EventType::kUnlockCode;
      e.slot = s.slots[(i * 13) % s.slots.size()].index;
    } else if (r < 85) {
      e.type = drivers::EventType::kWrongCode;
    } else if (r < 90) {
      e.type = drivers::EventType::kRejected;
      e.slot = s.slots[(i * 5) % s.slots.size()].index;
      e.reason = static_cast<drivers::Reason>(1 + (i % 5));
    } else if (r < 92) {
      e.type = drivers::EventType::kLockoutStart;
    } else if (r < 94) {
      e.type = drivers::EventType::kLockoutEnd;
    } else if (r < 97) {
      e.type = drivers::EventType::kSessionOpened;
    } else {
      e.type = drivers::EventType::kSessionClosed;
    }
    s.events.push_back(e);
  }
}

class FakeLockBackend final : public app::DeviceBackend {
 public:
  explicit FakeLockBackend(FakeLockState& s) : s_(s) {}
  drivers::Result<drivers::Identity> open(const std::string& uri) override {
    if (!s_.plugged) return drivers::fail(drivers::ErrorKind::kUnreachable, "nothing at " + uri);
    std::lock_guard lk(s_.mu);
    ++s_.opens;
    open_ = true;
    drivers::Identity id;
    id.model = "LD-100 Keypad Deadbolt";
    id.serial = "LD1-FAKE0001";
    id.firmware = "1.0.0";
    id.hw_revision = 3;
    id.slot_count = 250;
    id.event_capacity = 10000;
    return id;
  }
  void close() override { open_ = false; }
  drivers::Result<void> reopen() override {
    if (!s_.plugged) return drivers::fail(drivers::ErrorKind::kUnreachable, "unplugged");
    open_ = true;
    return {};
  }
  drivers::Result<drivers::Status> status() override {
    if (auto e = check()) return std::unexpected(*e);
    std::lock_guard lk(s_.mu);
    drivers::Status st;
    st.withheld = !s_.session_open;
    st.clock_set = s_.clock_set;
    st.battery_mv = s_.battery_mv;
    st.battery_state = s_.battery_mv < 4800 ? drivers::BatteryState::kLow : drivers::BatteryState::kOk;
    st.session = s_.session_open ? drivers::SessionState::kOpen : drivers::SessionState::kNone;
    if (s_.session_open) {
      st.clock_utc = static_cast<uint32_t>(static_cast<int64_t>(std::time(nullptr)) + s_.clock_offset_s);
      st.event_count = static_cast<uint32_t>(s_.events.size());
      st.event_head_seq = static_cast<uint32_t>(s_.events.size() + 1);
    }
    return st;
  }
  drivers::Result<drivers::SessionInfo> session() override {
    if (auto e = check()) return std::unexpected(*e);
    std::lock_guard lk(s_.mu);
    drivers::SessionInfo si;
    si.state = s_.session_open ? drivers::SessionState::kOpen : drivers::SessionState::kNone;
    si.remaining_s = s_.session_open ? 600 : 0;
    return si;
  }
  drivers::Result<std::vector<app::SlotView>> read_slots(const ProgressFn& p, const drivers::CancelToken&) override {
    if (auto e = check(true)) return std::unexpected(*e);
    std::lock_guard lk(s_.mu);
    if (p) p(s_.slots.size(), s_.slots.size());
    return s_.slots;
  }
  drivers::Result<Events> read_events(uint32_t, const ProgressFn& p, const drivers::CancelToken& cancel) override {
    Events out;
    size_t n = 0;
    {
      std::lock_guard lk(s_.mu);
      n = s_.events.size();
    }
    for (size_t i = 0; i < n; i += 1000) {
      if (auto e = check(true)) return std::unexpected(*e);
      if (cancel.cancelled()) return drivers::fail(drivers::ErrorKind::kCancelled, "cancelled");
      if (p) p(i, n);
    }
    std::lock_guard lk(s_.mu);
    out.events = s_.events;
    out.truncated = s_.events_truncated;
    return out;
  }
  drivers::Result<uint32_t> set_clock(uint32_t utc, int) override {
    if (auto e = check(true)) return std::unexpected(*e);
    std::lock_guard lk(s_.mu);
    const uint32_t before = s_.clock_set ? static_cast<uint32_t>(static_cast<int64_t>(utc) + s_.clock_offset_s) : 0;
    s_.clock_offset_s = 0;
    s_.clock_set = true;
    return before;
  }
  drivers::Client* client() override { return nullptr; }

 private:
  std::optional<drivers::Error> check(bool need_session = false) {
    if (!s_.plugged || !open_) {
      open_ = false;
      return drivers::Error{drivers::ErrorKind::kDisconnected, "the lock went away"};
    }
    std::lock_guard lk(s_.mu);
    if (need_session && !s_.session_open)
      return drivers::Error{drivers::ErrorKind::kLockRefused, "open a service session at the lock first", 0x20};
    return std::nullopt;
  }
  FakeLockState& s_;
  bool open_ = false;
};

}  // namespace lockdiag::test
