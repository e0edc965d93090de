// The client backend: DeviceBackend over a drivers::Client, turning its records into views.
#include "lockdiag/app/device_worker.h"

#include <algorithm>

#include "lockdiag/app/connection.h"

namespace lockdiag::app {

namespace {

SlotView to_view(const drivers::SlotRecord& r) {
  SlotView v;
  v.index = r.index;
  v.enabled = r.enabled;
  v.expired = r.expired;
  v.role = r.role;
  v.kind = r.kind;
  v.schedule = describe_schedule(r.schedule);
  v.created = r.created;
  v.last_used = r.last_used;
  v.use_count = r.use_count;
  return v;
}

EventView to_view(const drivers::Event& e) {
  EventView v;
  v.seq = e.seq;
  v.time = e.time;
  v.type = e.type;
  v.slot = e.slot ? static_cast<int>(*e.slot) : -1;
  v.reason = e.reason;
  v.clock_not_set = e.clock_not_set;
  return v;
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
    client_.emplace(std::move(*c));
    return id;
  }
  void close() override {
    // A request for a session this connection armed and nobody answered is withdrawn (an open
    // session is kept: it ends on its timeout or when the admin moves it).
    if (client_)
      if (auto se = client_->session(); se && se->state == drivers::SessionState::kNone) (void)client_->close_session();
    client_.reset();
  }
  // The client finds the same lock again by serial number (drivers: reopen_by_serial).
  drivers::Result<void> reopen() override {
    if (!client_) return lost();
    return client_->reconnect(200);
  }
  drivers::Result<drivers::Status> status() override {
    if (!client_) return lost();
    return client_->status();
  }
  drivers::Result<drivers::SessionInfo> session() override {
    if (!client_) return lost();
    return client_->session();
  }
  drivers::Result<drivers::ArmResult> arm_session() override {
    if (!client_) return lost();
    return client_->arm_session();
  }
  drivers::Result<std::vector<SlotView>> read_slots(const ProgressFn& progress,
                                                    const drivers::CancelToken& cancel) override {
    if (!client_) return lost();
    auto r = client_->read_slots(
        [&](const drivers::Progress& p) {
          if (progress) progress(p.done, p.total);
        },
        &cancel);
    if (!r) return std::unexpected(r.error());
    std::vector<SlotView> out;
    out.reserve(r->size());
    for (const auto& s : *r) out.push_back(to_view(s));
    return out;
  }
  drivers::Result<Events> read_events(uint32_t from, const ProgressFn& progress,
                                      const drivers::CancelToken& cancel) override {
    if (!client_) return lost();
    // Start at the oldest event the lock keeps: the drivers client rejects a first page that
    // does not start at from_seq unless the lock flags it truncated, and this firmware starts
    // its log at 1 without that flag when asked from 0 (reported to the drivers owner).
    if (auto st = client_->status(); st && !st->withheld && st->event_head_seq >= st->event_count)
      from = std::max(from, st->event_head_seq - st->event_count);
    auto r = client_->read_events(
        from,
        [&](const drivers::Progress& p) {
          if (progress) progress(p.done, p.total);
        },
        &cancel);
    if (!r) return std::unexpected(r.error());
    Events out;
    out.truncated = r->truncated;
    out.events.reserve(r->events.size());
    for (const auto& e : r->events) out.events.push_back(to_view(e));
    return out;
  }
  drivers::Result<uint32_t> set_clock(uint32_t utc, int offset_min) override {
    if (!client_) return lost();
    auto r = client_->set_clock(utc, offset_min);
    if (!r) return std::unexpected(r.error());
    return r->was_set ? r->previous_utc : 0u;
  }
  drivers::Client* client() override { return client_ ? &*client_ : nullptr; }

 private:
  static std::unexpected<drivers::Error> lost() {
    return drivers::fail(drivers::ErrorKind::kDisconnected, "the lock is not connected");
  }
  std::optional<drivers::Client> client_;
};

}  // namespace

std::unique_ptr<DeviceBackend> make_client_backend() { return std::make_unique<ClientBackend>(); }

}  // namespace lockdiag::app
