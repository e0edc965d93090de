// The GUI's background I/O: one thread owns the connection to one lock. The UI thread posts
// requests (connect, refresh, read slots, read events, sync the clock, run a task such as a
// workflow) and reads the latest published DeviceSnapshot; it never waits on the lock.
//
//  - Every request runs on the worker thread, one at a time, in order.
//  - Results are published as an immutable snapshot (big tables behind shared_ptr, so copying a
//    snapshot is cheap) and version() increments; set_notify() wakes the UI's event loop.
//  - cancel() stops what is in flight at its next check; the lock is never left half-way by it
//    (reads are idempotent, and tasks decide what cancel means for them).
//  - When the lock goes away (unplugged, lockfw-sim stopped) the worker keeps trying to reopen
//    it and checks it is the same lock by serial number; tasks can wait for that and resume.
//  - Idle and connected, it refreshes status and session every poll_interval_ms, which is how
//    an unplug is noticed when nothing else is happening.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lockdiag/app/local_time.h"
#include "lockdiag/app/lock_state.h"
#include "lockdiag/drivers/client.h"

namespace lockdiag::app {

// One occupied slot as the GUI shows it. Never a code value: the lock does not have one to give.
struct SlotView {
  int index = 0;
  bool enabled = false;
  bool expired = false;
  drivers::Role role = drivers::Role::kUser;
  drivers::CodeKind kind = drivers::CodeKind::kPersistent;
  std::string schedule;  // in words: "Mon-Fri 08:00-18:00", "until 2026-12-01 12:00"
  uint32_t created = 0;
  uint32_t last_used = 0;  // 0: never
  int use_count = 0;
};

// One event of the lock's log.
struct EventView {
  uint32_t seq = 0;
  uint32_t time = 0;     // lock time, UTC seconds
  drivers::EventType type{};
  int slot = -1;  // -1: the event names no slot
  drivers::Reason reason = drivers::Reason::kNone;
  bool clock_not_set = false;
};

enum class LinkState { kNone, kConnecting, kConnected, kReconnecting, kFailed };
const char* to_string(LinkState s);

struct DeviceSnapshot {
  uint64_t version = 0;
  LinkState link = LinkState::kNone;
  std::string uri;
  std::string error;  // the last failure, in words a technician can act on; empty when fine
  std::optional<drivers::Identity> identity;
  std::optional<drivers::Status> status;
  std::optional<drivers::SessionInfo> session;
  uint32_t status_read_at = 0;  // laptop UTC seconds when status was read (for clock drift)
  LocalTime local_time;          // the lock's zone (or fixed offset), for every time the GUI shows
  std::shared_ptr<const std::vector<SlotView>> slots;    // null: not read yet
  std::shared_ptr<const std::vector<EventView>> events;  // null: not read yet
  bool events_truncated = false;  // the log had wrapped past what was asked for
  std::string busy;  // what is in flight ("Reading the event log"); empty: idle
  size_t progress_done = 0, progress_total = 0;
  int reconnects = 0;
};

// What the worker talks to. The default is the drivers client over a device URI; tests and
// benchmarks substitute a fake lock.
class DeviceBackend {
 public:
  using ProgressFn = std::function<void(size_t done, size_t total)>;
  virtual ~DeviceBackend() = default;
  virtual drivers::Result<drivers::Identity> open(const std::string& uri) = 0;
  virtual void close() = 0;
  // Opens the same lock (same serial number) again; kUnreachable while it is not there.
  virtual drivers::Result<void> reopen() = 0;
  virtual drivers::Result<drivers::Status> status() = 0;
  virtual drivers::Result<drivers::SessionInfo> session() = 0;
  // Protocol 1.4: arm "admin code * 0 #" for this connection (Client::arm_session).
  virtual drivers::Result<drivers::ArmResult> arm_session() { return drivers::ArmResult{}; }
  virtual drivers::Result<std::vector<SlotView>> read_slots(const ProgressFn& progress,
                                                            const drivers::CancelToken& cancel) = 0;
  struct Events {
    std::vector<EventView> events;
    bool truncated = false;
  };
  virtual drivers::Result<Events> read_events(uint32_t from_seq, const ProgressFn& progress,
                                              const drivers::CancelToken& cancel) = 0;
  // Sets the lock's clock; returns what the lock believed before (0: it was not set).
  virtual drivers::Result<uint32_t> set_clock(uint32_t utc, int utc_offset_min) = 0;
  // The protocol client, for workflows; null for fakes that have none.
  virtual drivers::Client* client() = 0;
};

std::unique_ptr<DeviceBackend> make_client_backend();

class DeviceWorker;

// What a task (a workflow run) sees of the worker, on the worker thread.
class TaskContext {
 public:
  explicit TaskContext(DeviceWorker& w) : worker_(w) {}
  DeviceBackend& backend();
  drivers::Client* client();
  void progress(const std::string& what, size_t done, size_t total);
  bool cancelled() const;
  // After a kDisconnected/kUnreachable error: wait until the same lock is back (true) or the
  // wait is cancelled or times out (false). The snapshot shows kReconnecting meanwhile.
  bool wait_reconnect(int timeout_ms);
  // Re-read status and session and publish them.
  void refresh();

 private:
  DeviceWorker& worker_;
};

class DeviceWorker {
 public:
  using Task = std::function<void(TaskContext&)>;
  struct Options {
    int poll_interval_ms = 2000;   // status refresh while idle and connected (0: never)
    int reconnect_period_ms = 300; // how often to look for the lock after it went away
    uint32_t (*now_utc)() = nullptr;  // laptop clock; tests replace it
  };

  explicit DeviceWorker(std::unique_ptr<DeviceBackend> backend = make_client_backend());
  DeviceWorker(std::unique_ptr<DeviceBackend> backend, Options options);
  ~DeviceWorker();
  DeviceWorker(const DeviceWorker&) = delete;
  DeviceWorker& operator=(const DeviceWorker&) = delete;

  // Called (on the worker thread) after every publish: wake the UI's event loop here.
  void set_notify(std::function<void()> notify);

  void connect(const std::string& uri);  // identity, status, session
  void disconnect();                     // also stops a reconnect wait
  void refresh();                        // status + session
  void read_slots();
  void read_events();                    // the whole log
  // Sets the lock's clock with utc_offset_min; with a zone (IANA name, the laptop's for the GUI's
  // quick sync) also the zone from the laptop's tzdata, and the offset it has now, as the CLI's
  // clock-sync does. An unknown zone leaves the fixed offset.
  void sync_clock(int utc_offset_min = 0, const std::string& zone = {});
  void run_task(const std::string& what, Task task);
  void cancel();  // what is in flight now; queued requests still run

  DeviceSnapshot snapshot() const;
  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  bool idle() const;  // nothing queued or in flight
  // Blocks (tests, scripts) until idle or timeout; true when idle.
  bool wait_idle(int timeout_ms) const;

 private:
  friend class TaskContext;
  void post(std::string what, std::function<void()> fn);
  void run();
  template <typename F>
  void publish(F&& edit);
  void fail(const drivers::Error& e, const std::string& doing);
  bool lost(const drivers::Error& e) const;
  bool reconnect_wait(int timeout_ms);
  // Runs a read again after an unplugged cable comes back (reconnect by serial).
  template <typename Read>
  auto read_through_unplug(Read read);
  DeviceBackend::ProgressFn publish_progress();
  void do_refresh();
  uint32_t now() const;

  std::unique_ptr<DeviceBackend> backend_;
  Options options_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;       // worker: new request / stop
  mutable std::condition_variable idle_cv_;  // waiters of wait_idle
  std::deque<std::pair<std::string, std::function<void()>>> queue_;
  bool stop_ = false;
  bool running_ = false;
  DeviceSnapshot snap_;
  std::function<void()> notify_;
  std::atomic<uint64_t> version_{0};
  std::atomic<bool> cancel_{false};
  drivers::CancelToken token_;  // the same cancel, for the drivers client's long reads
  uint32_t zone_session_ = UINT32_MAX;  // worker thread: the session the lock's zone was read in
  bool zone_stale_ = true;              // a clock sync or a task may have changed the zone
  std::atomic<bool> drop_{false};  // disconnect() asked: stop reconnecting
  bool connected_ = false;          // worker thread only
  std::thread thread_;
};

}  // namespace lockdiag::app
