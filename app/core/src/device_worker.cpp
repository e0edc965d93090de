#include "lockdiag/app/device_worker.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <tuple>
#include <ctime>

#include "lockdiag/app/connection.h"
#include "lockfw/wire.h"

namespace lockdiag::app {

const char* to_string(LinkState s) {
  switch (s) {
    case LinkState::kNone: return "not connected";
    case LinkState::kConnecting: return "connecting";
    case LinkState::kConnected: return "connected";
    case LinkState::kReconnecting: return "waiting for the lock to come back";
    case LinkState::kFailed: return "failed";
  }
  return "?";
}

namespace {

uint32_t system_now() { return static_cast<uint32_t>(std::time(nullptr)); }

// ---- Paged reads over Client::call -----------------------------------------------------------
// The drivers client in this build has no read_slots / read_events / set_clock yet (they are
// coming on the drivers branch); until then the worker decodes the pages itself from the shared
// wire header (docs/protocol.md 5.6, 5.7). Replace with the client's methods when they land.

namespace w = lockfw::wire;

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

bool read_leb(const std::vector<uint8_t>& b, size_t& at, uint64_t& out) {
  out = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (at >= b.size()) return false;
    const uint8_t byte = b[at++];
    out |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

std::string two(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

std::string date_time(uint32_t t) {
  std::time_t tt = t;
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%d %H:%M", &tm);
  return b;
}

// A schedule in words for the Slots table.
std::string describe_schedule(uint8_t kind, const uint8_t* s) {
  switch (kind) {
    case w::kKindPersistent: return "always";
    case w::kKindTemporaryUntil: return "until " + date_time(load<uint32_t>(s));
    case w::kKindTemporaryFirstUse: {
      const auto minutes = load<uint16_t>(s);
      const auto first = load<uint32_t>(s + 4);
      return std::to_string(minutes) + " min after first use" + (first ? " (first used " + date_time(first) + ")" : "");
    }
    case w::kKindWeekday: {
      static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
      const uint8_t mask = s[0];
      std::string d;
      if (mask == 0x3E) d = "Mon-Fri";
      else if (mask == 0x7F) d = "every day";
      else if (mask == 0x41) d = "Sat-Sun";
      else
        for (int i = 0; i < 7; ++i)
          if (mask & (1u << i)) d += (d.empty() ? "" : ",") + std::string(days[i]);
      const int a = load<uint16_t>(s + 2), b = load<uint16_t>(s + 4);
      return d + " " + two(a / 60) + ":" + two(a % 60) + "-" + two(b / 60) + ":" + two(b % 60);
    }
    case w::kKindDateRange: return date_time(load<uint32_t>(s)) + " to " + date_time(load<uint32_t>(s + 4));
    default: return "?";
  }
}

drivers::Result<std::vector<SlotView>> call_read_slots(drivers::Client& c, const DeviceBackend::ProgressFn& progress,
                                                       const std::atomic<bool>& cancel, int slot_count) {
  std::vector<SlotView> out;
  uint16_t start = 0;
  for (int pages = 0; pages < 1000; ++pages) {
    if (cancel) return drivers::fail(drivers::ErrorKind::kCancelled, "cancelled");
    w::ReadSlotsRequest req{start, 0};
    auto m = c.call(w::kCmdReadSlots, std::span(reinterpret_cast<const uint8_t*>(&req), sizeof req));
    if (!m) return std::unexpected(m.error());
    const auto& p = m->payload;
    if (p.size() < sizeof(w::ReadSlotsResponseHead)) return drivers::fail(drivers::ErrorKind::kProtocol, "short READ_SLOTS answer");
    const auto head = load<w::ReadSlotsResponseHead>(p.data());
    size_t at = sizeof head;
    for (int i = 0; i < head.count; ++i) {
      if (at + sizeof(w::SlotRecordHead) > p.size()) return drivers::fail(drivers::ErrorKind::kProtocol, "truncated slot record");
      const auto r = load<w::SlotRecordHead>(p.data() + at);
      at += sizeof r;
      uint8_t sched[8] = {};
      if (r.schedule_len) {
        if (r.schedule_len != 8 || at + 8 > p.size()) return drivers::fail(drivers::ErrorKind::kProtocol, "bad schedule block");
        std::memcpy(sched, p.data() + at, 8);
        at += 8;
      }
      SlotView v;
      v.index = r.index;
      v.enabled = r.flags & w::kSlotEnabled;
      v.expired = r.flags & w::kSlotExpired;
      v.role = w::role_of(r.role_kind);
      v.kind = w::kind_of(r.role_kind);
      v.schedule = describe_schedule(v.kind, sched);
      v.created = r.created;
      v.last_used = r.last_used;
      v.use_count = r.use_count;
      out.push_back(std::move(v));
    }
    if (progress) progress(head.next_index == w::kNoMoreSlots ? static_cast<size_t>(slot_count) : head.next_index,
                           static_cast<size_t>(slot_count));
    if (head.next_index == w::kNoMoreSlots) return out;
    if (head.next_index <= start) return drivers::fail(drivers::ErrorKind::kProtocol, "READ_SLOTS did not advance");
    start = head.next_index;
  }
  return drivers::fail(drivers::ErrorKind::kProtocol, "READ_SLOTS never ended");
}

drivers::Result<DeviceBackend::Events> call_read_events(drivers::Client& c, uint32_t from,
                                                        const DeviceBackend::ProgressFn& progress,
                                                        const std::atomic<bool>& cancel) {
  DeviceBackend::Events out;
  size_t total = 0;
  for (int pages = 0; pages < 100000; ++pages) {
    if (cancel) return drivers::fail(drivers::ErrorKind::kCancelled, "cancelled");
    w::ReadEventsRequest req{from, 0, 0};
    auto m = c.call(w::kCmdReadEvents, std::span(reinterpret_cast<const uint8_t*>(&req), sizeof req));
    if (!m) return std::unexpected(m.error());
    const auto& p = m->payload;
    if (p.size() < sizeof(w::ReadEventsResponseHead)) return drivers::fail(drivers::ErrorKind::kProtocol, "short READ_EVENTS answer");
    const auto head = load<w::ReadEventsResponseHead>(p.data());
    if (head.flags & w::kEventsTruncated) out.truncated = true;
    if (total == 0) total = head.head_seq > head.first_seq ? head.head_seq - head.first_seq : 0;
    size_t at = sizeof head;
    int64_t t = head.base_time;
    for (uint32_t i = 0; i < head.count; ++i) {
      if (at >= p.size()) return drivers::fail(drivers::ErrorKind::kProtocol, "truncated event page");
      const uint8_t b0 = p[at++];
      uint64_t zz = 0;
      if (!read_leb(p, at, zz)) return drivers::fail(drivers::ErrorKind::kProtocol, "bad event time");
      t += static_cast<int64_t>(zz >> 1) ^ -static_cast<int64_t>(zz & 1);
      EventView e;
      e.seq = head.first_seq + i;
      e.time = static_cast<uint32_t>(t);
      e.type = b0 & 0x3F;
      if (b0 & w::kEvHasSlot) {
        uint64_t slot = 0;
        if (!read_leb(p, at, slot)) return drivers::fail(drivers::ErrorKind::kProtocol, "bad event slot");
        e.slot = static_cast<int>(slot);
      }
      if (b0 & w::kEvHasExtra) {
        if (at >= p.size()) return drivers::fail(drivers::ErrorKind::kProtocol, "truncated event");
        const uint8_t x = p[at++];
        e.reason = x & w::kReasonMask;
        e.clock_not_set = x & w::kExtraClockNotSet;
      }
      out.events.push_back(e);
    }
    if (progress) progress(out.events.size(), std::max(total, out.events.size()));
    from = head.first_seq + head.count;
    if (!(head.flags & w::kEventsMore) || head.count == 0) return out;
  }
  return drivers::fail(drivers::ErrorKind::kProtocol, "READ_EVENTS never ended");
}

drivers::Result<uint32_t> call_set_clock(drivers::Client& c, uint32_t utc, int offset_min) {
  w::SetClockRequest req{utc, static_cast<int16_t>(offset_min), 0};
  auto m = c.call(w::kCmdSetClock, std::span(reinterpret_cast<const uint8_t*>(&req), sizeof req));
  if (!m) return std::unexpected(m.error());
  if (m->payload.size() < sizeof(w::SetClockResponse)) return drivers::fail(drivers::ErrorKind::kProtocol, "short SET_CLOCK answer");
  const auto r = load<w::SetClockResponse>(m->payload.data());
  return r.was_set ? r.previous_utc : 0u;
}


// The drivers client over a device URI.
class ClientBackend final : public DeviceBackend {
 public:
  drivers::Result<drivers::Identity> open(const std::string& uri) override {
    client_.reset();
    auto c = app::connect(uri);
    if (!c) return std::unexpected(c.error());
    auto id = c->identity();
    if (!id) return std::unexpected(id.error());
    uri_ = uri;
    serial_ = id->serial;
    slot_count_ = id->slot_count;
    client_.emplace(std::move(*c));
    return id;
  }
  void close() override { client_.reset(); }
  drivers::Result<void> reopen() override {
    client_.reset();
    auto c = app::connect(uri_);
    if (!c) return std::unexpected(c.error());
    auto id = c->identity();
    if (!id) return std::unexpected(id.error());
    if (id->serial != serial_)
      return drivers::fail(drivers::ErrorKind::kUnreachable,
                           "a different lock (serial " + id->serial + ") answers at " + uri_ + "; waiting for " +
                               serial_);
    client_.emplace(std::move(*c));
    return {};
  }
  drivers::Result<drivers::Status> status() override {
    if (!client_) return lost();
    return client_->status();
  }
  drivers::Result<drivers::SessionInfo> session() override {
    if (!client_) return lost();
    return client_->session();
  }
  drivers::Result<std::vector<SlotView>> read_slots(const ProgressFn& progress, const std::atomic<bool>& cancel) override {
    if (!client_) return lost();
    return call_read_slots(*client_, progress, cancel, slot_count_);
  }
  drivers::Result<Events> read_events(uint32_t from, const ProgressFn& progress, const std::atomic<bool>& cancel) override {
    if (!client_) return lost();
    return call_read_events(*client_, from, progress, cancel);
  }
  drivers::Result<uint32_t> set_clock(uint32_t utc, int offset_min) override {
    if (!client_) return lost();
    return call_set_clock(*client_, utc, offset_min);
  }
  drivers::Client* client() override { return client_ ? &*client_ : nullptr; }

 private:
  static std::unexpected<drivers::Error> lost() {
    return drivers::fail(drivers::ErrorKind::kDisconnected, "the lock is not connected");
  }
  std::optional<drivers::Client> client_;
  std::string uri_, serial_;
  int slot_count_ = 0;
};

}  // namespace

std::unique_ptr<DeviceBackend> make_client_backend() { return std::make_unique<ClientBackend>(); }

// ---- TaskContext -----------------------------------------------------------------------------

DeviceBackend& TaskContext::backend() { return *worker_.backend_; }
drivers::Client* TaskContext::client() { return worker_.backend_->client(); }
void TaskContext::progress(const std::string& what, size_t done, size_t total) {
  worker_.publish([&](DeviceSnapshot& s) {
    s.busy = what;
    s.progress_done = done;
    s.progress_total = total;
  });
}
bool TaskContext::cancelled() const { return worker_.cancel_.load(); }
bool TaskContext::wait_reconnect(int timeout_ms) { return worker_.reconnect_wait(timeout_ms); }
void TaskContext::refresh() { worker_.do_refresh(); }

// ---- DeviceWorker ----------------------------------------------------------------------------

DeviceWorker::DeviceWorker(std::unique_ptr<DeviceBackend> backend) : DeviceWorker(std::move(backend), Options{}) {}

DeviceWorker::DeviceWorker(std::unique_ptr<DeviceBackend> backend, Options options)
    : backend_(std::move(backend)), options_(options) {
  thread_ = std::thread([this] { run(); });
}

DeviceWorker::~DeviceWorker() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
    queue_.clear();
  }
  cancel_ = true;
  drop_ = true;
  cv_.notify_all();
  thread_.join();
  backend_->close();
}

void DeviceWorker::set_notify(std::function<void()> notify) {
  std::lock_guard lk(mu_);
  notify_ = std::move(notify);
}

uint32_t DeviceWorker::now() const { return options_.now_utc ? options_.now_utc() : system_now(); }

void DeviceWorker::post(std::string what, std::function<void()> fn) {
  {
    std::lock_guard lk(mu_);
    queue_.emplace_back(std::move(what), std::move(fn));
  }
  cv_.notify_all();
}

template <typename F>
void DeviceWorker::publish(F&& edit) {
  std::function<void()> notify;
  {
    std::lock_guard lk(mu_);
    edit(snap_);
    snap_.version = version_.load() + 1;
    version_.store(snap_.version, std::memory_order_release);
    notify = notify_;
  }
  if (notify) notify();
}

DeviceSnapshot DeviceWorker::snapshot() const {
  std::lock_guard lk(mu_);
  return snap_;
}

bool DeviceWorker::idle() const {
  std::lock_guard lk(mu_);
  return queue_.empty() && !running_;
}

bool DeviceWorker::wait_idle(int timeout_ms) const {
  std::unique_lock lk(mu_);
  return idle_cv_.wait_for(lk, std::chrono::milliseconds(timeout_ms), [&] { return queue_.empty() && !running_; });
}

void DeviceWorker::cancel() {
  cancel_ = true;
  cv_.notify_all();
}

bool DeviceWorker::lost(const drivers::Error& e) const {
  return e.kind == drivers::ErrorKind::kDisconnected || e.kind == drivers::ErrorKind::kUnreachable ||
         (e.kind == drivers::ErrorKind::kTimeout && connected_);
}

void DeviceWorker::fail(const drivers::Error& e, const std::string& doing) {
  publish([&](DeviceSnapshot& s) { s.error = doing + ": " + e.message; });
}

void DeviceWorker::run() {
  std::unique_lock lk(mu_);
  for (;;) {
    const auto poll = std::chrono::milliseconds(options_.poll_interval_ms > 0 ? options_.poll_interval_ms : 3600000);
    const bool woke = cv_.wait_for(lk, poll, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    if (!woke) {  // idle poll
      if (!connected_ || options_.poll_interval_ms <= 0) continue;
      running_ = true;
      lk.unlock();
      do_refresh();
      lk.lock();
      running_ = false;
      idle_cv_.notify_all();
      continue;
    }
    auto [what, fn] = std::move(queue_.front());
    queue_.pop_front();
    running_ = true;
    cancel_ = false;
    lk.unlock();
    publish([&](DeviceSnapshot& s) {
      s.busy = what;
      s.progress_done = s.progress_total = 0;
    });
    fn();
    publish([&](DeviceSnapshot& s) {
      s.busy.clear();
      s.progress_done = s.progress_total = 0;
    });
    lk.lock();
    running_ = false;
    idle_cv_.notify_all();
  }
}

void DeviceWorker::do_refresh() {
  auto st = backend_->status();
  if (!st && lost(st.error()) && reconnect_wait(-1)) st = backend_->status();
  if (!st) return fail(st.error(), "Reading status");
  auto se = backend_->session();
  if (!se) return fail(se.error(), "Reading the service session");
  const uint32_t at = now();
  // Publish only what a person would see change: a poll that finds the same lock state (the
  // clocks move together, uptime always moves) wakes nobody, so an idle GUI stays asleep.
  {
    std::lock_guard lk(mu_);
    if (snap_.status && snap_.session && snap_.link == LinkState::kConnected && snap_.error.empty()) {
      const drivers::Status& a = *snap_.status;
      const drivers::Status& b = *st;
      const int64_t drift_a = static_cast<int64_t>(a.clock_utc) - snap_.status_read_at;
      const int64_t drift_b = static_cast<int64_t>(b.clock_utc) - at;
      auto status_key = [](const drivers::Status& x) {
        return std::tuple(x.withheld, x.clock_set, x.factory_state, x.locked_out, x.tamper, x.enrollment_active,
                          x.confirmation_pending, x.battery_state, x.battery_mv, x.session, x.lockout_level,
                          x.utc_offset_min, x.wrong_attempts, x.event_head_seq, x.event_count);
      };
      auto session_key = [](const drivers::SessionInfo& x) {
        return std::tuple(x.state, x.opened_by, x.opened_by_slot, x.session_id, x.enroll_state, x.enroll_reason,
                          x.enroll_slot, x.confirm_state, x.confirm_action, x.confirm_ticket, x.confirm_arg);
      };
      const bool same = status_key(a) == status_key(b) && (!b.clock_set || std::llabs(drift_a - drift_b) <= 1) &&
                        session_key(*snap_.session) == session_key(*se) && !b.locked_out &&
                        se->state != drivers::SessionState::kOpen;
      if (same) return;
    }
  }
  publish([&](DeviceSnapshot& s) {
    s.status = *st;
    s.session = *se;
    s.status_read_at = at;
    if (s.link == LinkState::kReconnecting) s.link = LinkState::kConnected;
  });
}

// Waits for the same lock to come back. timeout_ms < 0: until disconnect() or the worker stops.
bool DeviceWorker::reconnect_wait(int timeout_ms) {
  publish([&](DeviceSnapshot& s) { s.link = LinkState::kReconnecting; });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  for (;;) {
    auto ok = backend_->reopen();
    if (ok) {
      publish([&](DeviceSnapshot& s) {
        s.link = LinkState::kConnected;
        s.error.clear();
        ++s.reconnects;
      });
      return true;
    }
    if (ok.error().kind != drivers::ErrorKind::kUnreachable && ok.error().kind != drivers::ErrorKind::kDisconnected &&
        ok.error().kind != drivers::ErrorKind::kTimeout) {
      publish([&](DeviceSnapshot& s) { s.error = ok.error().message; });
    }
    if (drop_ || cancel_ || (timeout_ms >= 0 && std::chrono::steady_clock::now() >= deadline)) return false;
    {
      std::unique_lock lk(mu_);
      if (stop_) return false;
      // Wake early for a disconnect() or stop; everything else waits its turn.
      cv_.wait_for(lk, std::chrono::milliseconds(options_.reconnect_period_ms),
                   [&] { return stop_ || drop_.load() || cancel_.load(); });
      if (stop_ || drop_ || cancel_) return false;
    }
  }
}

void DeviceWorker::connect(const std::string& uri) {
  drop_ = true;  // stop a reconnect wait for the previous lock
  cancel_ = true;
  post("Connecting to " + uri, [this, uri] {
    drop_ = false;
    connected_ = false;
    backend_->close();
    publish([&](DeviceSnapshot& s) {
      DeviceSnapshot fresh;
      fresh.link = LinkState::kConnecting;
      fresh.uri = uri;
      s = std::move(fresh);
    });
    auto id = backend_->open(uri);
    if (!id) {
      publish([&](DeviceSnapshot& s) {
        s.link = LinkState::kFailed;
        s.error = "Cannot open " + uri + ": " + id.error().message;
      });
      return;
    }
    connected_ = true;
    publish([&](DeviceSnapshot& s) {
      s.link = LinkState::kConnected;
      s.identity = *id;
    });
    do_refresh();
  });
}

void DeviceWorker::disconnect() {
  drop_ = true;
  cancel_ = true;
  post("Disconnecting", [this] {
    connected_ = false;
    backend_->close();
    publish([&](DeviceSnapshot& s) { s = DeviceSnapshot{}; });
  });
}

void DeviceWorker::refresh() {
  post("Reading status", [this] {
    if (connected_) do_refresh();
  });
}

void DeviceWorker::read_slots() {
  post("Reading the slot table", [this] {
    if (!connected_) return;
    for (;;) {
      auto r = backend_->read_slots(
          [this](size_t d, size_t t) {
            publish([&](DeviceSnapshot& s) {
              s.progress_done = d;
              s.progress_total = t;
            });
          },
          cancel_);
      if (!r && lost(r.error()) && !cancel_ && reconnect_wait(-1)) continue;
      if (!r) return fail(r.error(), "Reading the slot table");
      auto rows = std::make_shared<const std::vector<SlotView>>(std::move(*r));
      publish([&](DeviceSnapshot& s) {
        s.slots = rows;
        s.error.clear();
      });
      return;
    }
  });
}

void DeviceWorker::read_events() {
  post("Reading the event log", [this] {
    if (!connected_) return;
    for (;;) {
      auto r = backend_->read_events(
          0,
          [this](size_t d, size_t t) {
            publish([&](DeviceSnapshot& s) {
              s.progress_done = d;
              s.progress_total = t;
            });
          },
          cancel_);
      if (!r && lost(r.error()) && !cancel_ && reconnect_wait(-1)) continue;
      if (!r) return fail(r.error(), "Reading the event log");
      auto rows = std::make_shared<const std::vector<EventView>>(std::move(r->events));
      publish([&](DeviceSnapshot& s) {
        s.events = rows;
        s.events_truncated = r->truncated;
        s.error.clear();
      });
      return;
    }
  });
}

void DeviceWorker::sync_clock(int utc_offset_min) {
  post("Setting the lock's clock", [this, utc_offset_min] {
    if (!connected_) return;
    auto r = backend_->set_clock(now(), utc_offset_min);
    if (!r) return fail(r.error(), "Setting the clock");
    do_refresh();
  });
}

void DeviceWorker::run_task(const std::string& what, Task task) {
  post(what, [this, task = std::move(task)] {
    TaskContext ctx(*this);
    task(ctx);
  });
}

}  // namespace lockdiag::app
