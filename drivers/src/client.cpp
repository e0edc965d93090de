// Typed commands: the Client methods that build a request, run it through the transaction
// layer (client_channel.cpp) and decode the answer.
#include "lockdiag/drivers/client.h"

#include <algorithm>
#include <cstring>

#include "call_spec.h"
#include "client_helpers.h"
#include "decode.h"

namespace lockdiag::drivers {

using namespace lockfw::wire;

// ---- open commands ------------------------------------------------------------------------

Result<Identity> Client::identity() {
  std::lock_guard lock(*mu_);
  auto id = identity_locked();
  if (id && identity_.serial.empty()) identity_ = *id;
  return id;
}

Result<Identity> Client::identity_locked() {
  auto m = transact({kCmdGetIdentity, {}, true, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  auto r = decode<IdentityResponse>(m->payload, "IDENTITY");
  if (!r) return std::unexpected(r.error());
  Identity id;
  id.protocol_major = r->protocol_major;
  id.protocol_minor = r->protocol_minor;
  id.firmware = std::to_string(r->fw_major) + "." + std::to_string(r->fw_minor) + "." + std::to_string(r->fw_patch);
  id.model = fixed_string(r->model, sizeof r->model);
  id.serial = fixed_string(r->serial, sizeof r->serial);
  id.hw_revision = r->hw_revision;
  id.slot_count = r->slot_count;
  id.event_capacity = r->event_capacity;
  return id;
}

Result<Status> Client::status() {
  std::lock_guard lock(*mu_);
  auto m = transact({kCmdGetStatus, {}, true, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  auto r = decode<StatusResponse>(m->payload, "STATUS");
  if (!r) return std::unexpected(r.error());
  Status s;
  s.withheld = r->flags & kStatusWithheld;
  s.clock_set = r->flags & kStatusClockSet;
  s.factory_state = r->flags & kStatusFactoryState;
  s.locked_out = r->flags & kStatusLockedOut;
  s.tamper = r->flags & kStatusTamper;
  s.enrollment_active = r->flags & kStatusEnrollmentActive;
  s.confirmation_pending = r->flags & kStatusConfirmationPending;
  s.battery_state = r->battery_state == kBatteryCritical ? BatteryState::kCritical
                    : r->battery_state == kBatteryLow    ? BatteryState::kLow
                                                         : BatteryState::kOk;
  s.battery_mv = r->battery_mv;
  s.session = to_session_state(r->session_state);
  s.lockout_level = r->lockout_level;
  s.lockout_remaining_s = r->lockout_remaining_s;
  s.clock_utc = r->clock_utc;
  s.utc_offset_min = r->utc_offset_min;
  s.wrong_attempts = r->wrong_attempts;
  s.uptime_s = r->uptime_s;
  s.event_head_seq = r->event_head_seq;
  s.event_count = r->event_count;
  return s;
}

Result<Capabilities> Client::capabilities() {
  std::lock_guard lock(*mu_);
  auto m = transact({kCmdGetCapabilities, {}, true, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  auto r = decode<CapabilitiesResponse>(m->payload, "CAPABILITIES");
  if (!r) return std::unexpected(r.error());
  Capabilities c;
  c.slot_count = r->slot_count;
  c.min_code_len = r->min_code_len;
  c.max_code_len = r->max_code_len;
  c.event_capacity = r->event_capacity;
  c.features = r->features;
  c.max_admins = r->max_admins;
  c.min_wrong_limit = r->min_wrong_limit;
  c.max_wrong_limit = r->max_wrong_limit;
  c.min_disable_s = r->min_disable_s;
  c.max_disable_s = r->max_disable_s;
  c.session_timeout_s = r->session_timeout_s;
  c.confirmation_timeout_s = r->confirmation_timeout_s;
  c.enrollment_timeout_s = r->enrollment_timeout_s;
  c.max_response = r->max_response;
  return c;
}

Result<SessionInfo> Client::session() {
  std::lock_guard lock(*mu_);
  auto m = transact({kCmdGetSession, {}, true, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  auto r = decode<SessionResponse>(m->payload, "SESSION");
  if (!r) return std::unexpected(r.error());
  SessionInfo s;
  s.state = to_session_state(r->state);
  s.opened_by = r->opened_by;
  s.opened_by_slot = r->opened_by_slot == 0xFFFF ? -1 : r->opened_by_slot;
  s.session_id = r->session_id;
  s.remaining_s = r->remaining_s;
  s.enroll_state = static_cast<EnrollState>(r->enroll_state);
  s.enroll_reason = static_cast<Reason>(r->enroll_reason);
  s.enroll_slot = r->enroll_slot;
  s.confirm_state = static_cast<ConfirmState>(r->confirm_state);
  s.confirm_action = r->confirm_action;
  s.confirm_ticket = r->confirm_ticket;
  s.confirm_arg = r->confirm_arg;
  return s;
}

Result<std::vector<uint8_t>> Client::ping(std::span<const uint8_t> data) {
  std::lock_guard lock(*mu_);
  auto m = transact({kCmdPing, data, true,
                     [&](const Message& msg) {
                       return msg.payload.size() == data.size() &&
                              std::equal(data.begin(), data.end(), msg.payload.begin());
                     },
                     nullptr});
  if (!m) return std::unexpected(m.error());
  return std::move(m->payload);
}

// ---- paged reads ---------------------------------------------------------------------------

namespace {
std::unexpected<Error> read_took_too_long(const char* what, int total_ms, size_t pages) {
  return fail(ErrorKind::kProtocol, std::string("reading the ") + what + " took longer than " +
                                        std::to_string(total_ms / 1000) + " s (" + std::to_string(pages) +
                                        " pages); stopped. The lock keeps answering without finishing: a faulty "
                                        "or hostile lock");
}
}  // namespace

Result<std::vector<SlotRecord>> Client::read_slots(ProgressFn progress, const CancelToken* cancel) {
  std::lock_guard lock(*mu_);
  const int64_t read_deadline = transport_->now_ms() + options_.read_total_ms;
  size_t pages = 0;
  std::vector<SlotRecord> out;
  Progress p;
  p.total = static_cast<size_t>(identity_.slot_count);
  uint16_t start = 0;
  for (;;) {
    if (cancelled(cancel)) return cancelled_error();
    if (transport_->now_ms() > read_deadline) return read_took_too_long("slot table", options_.read_total_ms, pages);
    ++pages;
    ReadSlotsRequest req{start, 0, kSlotFormatCompact, 0};  // a 1.0 lock ignores the format: fixed records
    auto m = transact({kCmdReadSlots, bytes_of(req), true,
                       [start](const Message& msg) {
                         ReadSlotsResponseHead h;
                         if (msg.payload.size() < sizeof h) return true;  // decode reports it
                         std::memcpy(&h, msg.payload.data(), sizeof h);
                         return h.start_index == start;
                       },
                       cancel, false});
    if (!m) {
      if (m.error().kind == ErrorKind::kDisconnected && options_.reconnect_timeout_ms > 0) {
        auto rc = reconnect_locked(options_.reconnect_timeout_ms, cancel, progress, p);
        if (rc) continue;
        return std::unexpected(rc.error());
      }
      return std::unexpected(m.error());
    }
    auto page = decode_slot_page(m->payload, start, identity_.slot_count);
    if (!page) return std::unexpected(page.error());
    if (identity_.slot_count > 0 && out.size() + page->records.size() > static_cast<size_t>(identity_.slot_count))
      return fail(ErrorKind::kProtocol, "the lock announced " + std::to_string(identity_.slot_count) +
                                            " slots but sent more records; stopped reading (a faulty or hostile lock)");
    out.insert(out.end(), page->records.begin(), page->records.end());
    if (page->next_index == kNoMoreSlots) break;
    start = page->next_index;
    p.done = start;
    if (progress) progress(p);
  }
  p.done = p.total;
  if (progress) progress(p);
  return out;
}

Result<EventPage> Client::event_page_locked(uint32_t from_seq, uint16_t max_count, const CancelToken* cancel,
                                            bool first_page) {
  ReadEventsRequest req{from_seq, 0, max_count};
  auto m = transact({kCmdReadEvents, bytes_of(req), true,
                     [from_seq, first_page](const Message& msg) {
                       ReadEventsResponseHead h;
                       if (msg.payload.size() < sizeof h) return true;  // decode reports it
                       std::memcpy(&h, msg.payload.data(), sizeof h);
                       if (h.first_seq == from_seq || h.count == 0) return true;
                       // The first page may start later: the log begins after from_seq, or
                       // wrapped past it. Later pages continue exactly where the last ended
                       // unless the ring overwrote that meanwhile (TRUNCATED).
                       if (first_page || (h.flags & kEventsTruncated)) return h.first_seq > from_seq;
                       return false;  // a stale answer to an earlier page request
                     },
                     cancel, false});
  if (!m) return std::unexpected(m.error());
  return decode_event_page(*m);
}

Result<EventPage> Client::read_event_page(uint32_t from_seq, uint16_t max_count, const CancelToken* cancel) {
  std::lock_guard lock(*mu_);
  return event_page_locked(from_seq, max_count, cancel, true);
}

Result<EventBatch> Client::read_events(uint32_t from_seq, ProgressFn progress, const CancelToken* cancel) {
  std::lock_guard lock(*mu_);
  EventBatch b;
  b.from_seq = from_seq;
  b.next_seq = from_seq;
  Progress p;
  p.next_seq = from_seq;
  bool first = true;
  const int64_t read_deadline = transport_->now_ms() + options_.read_total_ms;
  const uint32_t limit = event_read_limit(identity_.event_capacity);
  for (;;) {
    if (cancelled(cancel)) return cancelled_error();
    if (transport_->now_ms() > read_deadline)
      return read_took_too_long("event log", options_.read_total_ms, static_cast<size_t>(b.pages));
    auto page = event_page_locked(b.next_seq, 0, cancel, first);
    if (!page) {
      if (page.error().kind == ErrorKind::kDisconnected && options_.reconnect_timeout_ms > 0) {
        auto rc = reconnect_locked(options_.reconnect_timeout_ms, cancel, progress, p);
        if (!rc) return std::unexpected(rc.error());
        b.reconnects = p.reconnects;
        continue;  // resume from b.next_seq: nothing of the lost page was kept
      }
      return std::unexpected(page.error());
    }
    ++b.pages;
    b.encoded_bytes += page->encoded_bytes;
    if (page->truncated) b.truncated = true;
    if (first) {
      b.first_seq = page->first_seq;
      first = false;
    } else if (page->first_seq != b.next_seq && !page->truncated) {
      return fail(ErrorKind::kProtocol,
                  "READ_EVENTS skipped from " + std::to_string(b.next_seq) + " to " + std::to_string(page->first_seq));
    }
    if (b.events.size() + page->events.size() > limit)
      return fail(ErrorKind::kProtocol, "the lock announced an event log of " +
                                            std::to_string(identity_.event_capacity) + " events but sent more than " +
                                            std::to_string(limit) +
                                            " in one read; stopped reading (a faulty or hostile lock)");
    b.head_seq = page->head_seq;
    b.events.insert(b.events.end(), page->events.begin(), page->events.end());
    b.next_seq = page->next_seq;
    p.done = b.events.size();
    p.total = page->head_seq > b.first_seq ? page->head_seq - b.first_seq : b.events.size();
    p.next_seq = b.next_seq;
    if (progress) progress(p);
    if (!page->more) break;
  }
  return b;
}

// ---- session commands ----------------------------------------------------------------------

Result<Fingerprint> Client::get_fingerprint() {
  std::lock_guard lock(*mu_);
  auto m = transact({kCmdGetFingerprint, {}, true, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  auto r = decode<FingerprintResponse>(m->payload, "FINGERPRINT");
  if (!r) return std::unexpected(r.error());
  Fingerprint f;
  f.algorithm = r->algorithm;
  f.occupied_count = r->occupied_count;
  f.secret_epoch = r->secret_epoch;
  std::memcpy(f.digest.data(), r->digest, f.digest.size());
  return f;
}

Result<ClockChange> Client::set_clock(uint32_t utc, int utc_offset_min) {
  std::lock_guard lock(*mu_);
  if (utc_offset_min < -1440 || utc_offset_min > 1440)
    return fail(ErrorKind::kBadAddress, "UTC offset " + std::to_string(utc_offset_min) + " min is out of range");
  SetClockRequest req{utc, static_cast<int16_t>(utc_offset_min), 0};
  auto m = transact({kCmdSetClock, bytes_of(req), false, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  auto r = decode<SetClockResponse>(m->payload, "SET_CLOCK");
  if (!r) return std::unexpected(r.error());
  return ClockChange{r->previous_utc, r->was_set != 0};
}

namespace {
Result<PendingConfirmation> decode_pending(const Message& m, const char* what) {
  auto r = decode<lockfw::wire::PendingConfirmation>(m.payload, what);
  if (!r) return std::unexpected(r.error());
  return drivers::PendingConfirmation{r->ticket, r->timeout_s};
}
}  // namespace

Result<void> Client::open_enrollment(uint16_t slot, Role role, const Schedule& schedule) {
  std::lock_guard lock(*mu_);
  OpenEnrollmentRequest req{};
  req.slot = slot;
  req.role = static_cast<uint8_t>(role);
  req.kind = static_cast<uint8_t>(schedule.kind);
  const auto block = encode_schedule(schedule);
  std::memcpy(req.schedule.b, block.data(), block.size());
  auto m = transact({kCmdOpenEnrollment, bytes_of(req), false, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  return {};
}

Result<void> Client::abort_enrollment() {
  std::lock_guard lock(*mu_);
  auto m = transact({kCmdAbortEnrollment, {}, false, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  return {};
}

Result<PendingConfirmation> Client::delete_slot(uint16_t slot) {
  std::lock_guard lock(*mu_);
  SlotRequest req{slot, 0};
  auto m = transact({kCmdDeleteSlot, bytes_of(req), false, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  return decode_pending(*m, "DELETE_SLOT");
}

Result<void> Client::set_slot_enabled(uint16_t slot, bool enabled) {
  std::lock_guard lock(*mu_);
  SetSlotEnabledRequest req{slot, static_cast<uint8_t>(enabled ? 1 : 0), 0};
  auto m = transact({kCmdSetSlotEnabled, bytes_of(req), false, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  return {};
}

Result<void> Client::set_schedule(uint16_t slot, const Schedule& schedule) {
  std::lock_guard lock(*mu_);
  SetScheduleRequest req{};
  req.slot = slot;
  req.kind = static_cast<uint8_t>(schedule.kind);
  const auto block = encode_schedule(schedule);
  std::memcpy(req.schedule.b, block.data(), block.size());
  auto m = transact({kCmdSetSchedule, bytes_of(req), false, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  return {};
}

Result<LockoutPolicy> Client::get_lockout_policy() {
  std::lock_guard lock(*mu_);
  auto m = transact({kCmdGetLockoutPolicy, {}, true, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  // A 1.1 lock answers the first 8 bytes; 1.2 appended the daily cap and the quiet period.
  if (m->payload.size() < lockfw::wire::kLockoutPolicyV11Size)
    return fail(ErrorKind::kProtocol, "LOCKOUT_POLICY answer is " + std::to_string(m->payload.size()) +
                                          " bytes, expected at least " +
                                          std::to_string(lockfw::wire::kLockoutPolicyV11Size));
  lockfw::wire::LockoutPolicy r{};
  std::memcpy(&r, m->payload.data(), std::min(m->payload.size(), sizeof r));
  return drivers::LockoutPolicy{r.wrong_code_limit, r.doubling != 0,   r.disable_s,
                                r.max_disable_s,    r.daily_wrong_cap, r.level_quiet_h};
}

Result<void> Client::set_lockout_policy(const LockoutPolicy& policy) {
  std::lock_guard lock(*mu_);
  if (policy.wrong_code_limit < 1 || policy.wrong_code_limit > 255 || policy.disable_s < 0 ||
      policy.disable_s > 0xFFFF || policy.max_disable_s < 0 || policy.max_disable_s > 0xFFFF)
    return fail(ErrorKind::kBadAddress, "lockout policy out of range (1-255 tries, 0-65535 s)");
  if (policy.daily_wrong_cap < 0 || policy.daily_wrong_cap > lockfw::wire::kMaxDailyWrongCap ||
      policy.level_quiet_h < 0 || policy.level_quiet_h > lockfw::wire::kMaxLevelQuietH)
    return fail(ErrorKind::kBadAddress,
                "lockout policy out of range (daily cap 1-200 wrong entries, quiet period 1-24 h)");
  lockfw::wire::LockoutPolicy req{static_cast<uint8_t>(policy.wrong_code_limit),
                                  static_cast<uint8_t>(policy.doubling ? 1 : 0),
                                  static_cast<uint16_t>(policy.disable_s),
                                  static_cast<uint16_t>(policy.max_disable_s),
                                  0,
                                  static_cast<uint8_t>(policy.daily_wrong_cap),
                                  static_cast<uint8_t>(policy.level_quiet_h),
                                  0};
  // Only what the lock knows: a 1.1 lock gets its 8-byte layout (it ignores longer ones anyway).
  std::span<const uint8_t> body = bytes_of(req);
  if (policy.daily_wrong_cap == 0 && policy.level_quiet_h == 0) body = body.first(lockfw::wire::kLockoutPolicyV11Size);
  auto m = transact({kCmdSetLockoutPolicy, body, false, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  return {};
}

Result<PendingConfirmation> Client::factory_reset(bool full_wipe) {
  std::lock_guard lock(*mu_);
  FactoryResetRequest req{static_cast<uint8_t>(full_wipe ? kResetFullWipe : 0), {0, 0, 0}};
  auto m = transact({kCmdFactoryReset, bytes_of(req), false, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  return decode_pending(*m, "FACTORY_RESET");
}

Result<void> Client::cancel_confirmation() {
  std::lock_guard lock(*mu_);
  auto m = transact({kCmdCancelConfirmation, {}, false, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  return {};
}

Result<void> Client::close_session() {
  std::lock_guard lock(*mu_);
  auto m = transact({kCmdCloseSession, {}, false, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  return {};
}

}  // namespace lockdiag::drivers
