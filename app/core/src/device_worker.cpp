// DeviceWorker: the background I/O thread that owns the lock link and publishes snapshots; the
// backend over drivers::Client is in client_backend.cpp.
#include "lockdiag/app/device_worker.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <tuple>
#include <ctime>

#include "zone_sync.h"

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

}  // namespace

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
  token_.cancel();
  cv_.notify_all();
}

bool DeviceWorker::lost(const drivers::Error& e) const {
  // The drivers client retries timeouts itself; only a lock that went away is waited for.
  return e.kind == drivers::ErrorKind::kDisconnected || e.kind == drivers::ErrorKind::kUnreachable;
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
    token_.reset();
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
  // 1.4: the dashboard asks for "admin code * 0 #" while there is no session: the session it
  // opens must be this connection's, so arm it (refreshed every poll; another program's arm
  // wins until it lapses, and the guidance stays).
  if (se->state == drivers::SessionState::kNone) (void)backend_->arm_session();
  const uint32_t at = now();
  // The lock's zone: once per session, and again after a clock sync or a task.
  std::optional<LocalTime> zone;
  if (!st->withheld && (zone_stale_ || zone_session_ != se->session_id)) {
    drivers::Client* c = se->state == drivers::SessionState::kOpen ? backend_->client() : nullptr;
    zone = c ? lock_local_time(*c, &*st) : LocalTime::fixed(st->utc_offset_min);
    zone_session_ = se->session_id;
    zone_stale_ = false;
  }
  // Publish only what a person would see change: a poll that finds the same lock state (the
  // clocks move together, uptime always moves) wakes nobody, so an idle GUI stays asleep.
  {
    std::lock_guard lk(mu_);
    if (snap_.status && snap_.session && snap_.link == LinkState::kConnected && snap_.error.empty()) {
      const drivers::Status& a = *snap_.status;
      const drivers::Status& b = *st;
      const auto drift_a = clock_drift_s(a, snap_.status_read_at);
      const auto drift_b = clock_drift_s(b, at);
      auto status_key = [](const drivers::Status& x) {
        return std::tuple(x.withheld, x.clock_set, x.factory_state, x.locked_out, x.tamper, x.enrollment_active,
                          x.confirmation_pending, x.battery_state, x.battery_mv, x.session, x.lockout_level,
                          x.utc_offset_min, x.wrong_attempts, x.event_head_seq, x.event_count);
      };
      auto session_key = [](const drivers::SessionInfo& x) {
        return std::tuple(x.state, x.opened_by, x.opened_by_slot, x.session_id, x.enroll_state, x.enroll_reason,
                          x.enroll_slot, x.confirm_state, x.confirm_action, x.confirm_ticket, x.confirm_arg);
      };
      const bool same = status_key(a) == status_key(b) &&
                        (!drift_b || (drift_a && std::llabs(*drift_a - *drift_b) <= 1)) &&
                        session_key(*snap_.session) == session_key(*se) && !b.locked_out &&
                        se->state != drivers::SessionState::kOpen;
      if (same && !zone) return;
    }
  }
  publish([&](DeviceSnapshot& s) {
    s.status = *st;
    s.session = *se;
    s.status_read_at = at;
    if (zone) s.local_time = *zone;
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
  token_.cancel();
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
  token_.cancel();
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

template <typename Read>
auto DeviceWorker::read_through_unplug(Read read) {
  for (;;) {
    auto r = read();
    if (!r && lost(r.error()) && !cancel_ && reconnect_wait(-1)) continue;
    return r;
  }
}

DeviceBackend::ProgressFn DeviceWorker::publish_progress() {
  return [this](size_t done, size_t total) {
    publish([&](DeviceSnapshot& s) {
      s.progress_done = done;
      s.progress_total = total;
    });
  };
}

void DeviceWorker::read_slots() {
  post("Reading the slot table", [this] {
    if (!connected_) return;
    auto r = read_through_unplug([this] { return backend_->read_slots(publish_progress(), token_); });
    if (!r) return fail(r.error(), "Reading the slot table");
    auto rows = std::make_shared<const std::vector<SlotView>>(std::move(*r));
    publish([&](DeviceSnapshot& s) {
      s.slots = rows;
      s.error.clear();
    });
  });
}

void DeviceWorker::read_events() {
  post("Reading the event log", [this] {
    if (!connected_) return;
    auto r = read_through_unplug([this] { return backend_->read_events(0, publish_progress(), token_); });
    if (!r) return fail(r.error(), "Reading the event log");
    auto rows = std::make_shared<const std::vector<EventView>>(std::move(r->events));
    publish([&](DeviceSnapshot& s) {
      s.events = rows;
      s.events_truncated = r->truncated;
      s.error.clear();
    });
  });
}

void DeviceWorker::sync_clock(int utc_offset_min, const std::string& zone) {
  post("Setting the lock's clock", [this, utc_offset_min, zone] {
    if (!connected_) return;
    const uint32_t t = now();
    int offset_min = utc_offset_min;
    std::optional<ZoneTable> table;
    if (!zone.empty())
      if (auto z = load_zone_table(zone, t)) {
        offset_min = z->initial_offset_s / 60;
        table = std::move(*z);
      }
    auto r = backend_->set_clock(t, offset_min);
    if (!r) return fail(r.error(), "Setting the clock");
    if (drivers::Client* c = backend_->client(); c && table)
      if (auto z = sync_zone(*c, *table); !z) return fail(z.error(), "Setting the time zone");
    zone_stale_ = true;
    do_refresh();
  });
}

void DeviceWorker::run_task(const std::string& what, Task task) {
  post(what, [this, task = std::move(task)] {
    TaskContext ctx(*this);
    zone_stale_ = true;
    task(ctx);
  });
}

}  // namespace lockdiag::app
