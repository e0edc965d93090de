#include "lockdiag/drivers/client.h"

#include <sys/random.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "call_spec.h"
#include "decode.h"

namespace lockdiag::drivers {

using namespace lockfw::wire;

namespace {

constexpr int kReadSliceMs = 20;  // how often a waiting call looks at its CancelToken

// Stands in for a transport that went away and could not be reopened, so the client stays
// usable: every call fails with kDisconnected.
class GoneTransport final : public Transport {
 public:
  explicit GoneTransport(std::string uri) : uri_(std::move(uri)) {}
  Result<void> write(const Report&) override { return fail(ErrorKind::kDisconnected, "the lock at " + uri_ + " is gone"); }
  Result<Report> read(int) override { return fail(ErrorKind::kDisconnected, "the lock at " + uri_ + " is gone"); }
  std::string describe() const override { return uri_; }
 private:
  std::string uri_;
};

Result<void> random_nonce(uint8_t (&nonce)[8]) {
  if (getrandom(nonce, sizeof nonce, 0) != static_cast<ssize_t>(sizeof nonce))
    return fail(ErrorKind::kIo, "cannot read random bytes for the channel nonce");
  return {};
}

template <typename T>
std::span<const uint8_t> bytes_of(const T& v) {
  return {reinterpret_cast<const uint8_t*>(&v), sizeof v};
}

bool cancelled(const CancelToken* c) { return c && c->cancelled(); }

std::unexpected<Error> cancelled_error() { return fail(ErrorKind::kCancelled, "cancelled"); }

// Framing-level refusals: the lock dropped the request before its service layer saw it.
bool not_executed(uint8_t code) { return code == kErrInvalidChannel || code == kErrChannelBusy; }
bool garbled_request(uint8_t code) { return code == kErrInvalidSequence || code == kErrMessageTimeout; }

}  // namespace


Client::Client(std::unique_ptr<Transport> t, ClientOptions o)
    : transport_(std::move(t)), options_(std::move(o)), mu_(std::make_unique<std::recursive_mutex>()) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

uint32_t Client::channel() const {
  std::lock_guard lock(*mu_);
  return cid_;
}
std::string Client::serial() const {
  std::lock_guard lock(*mu_);
  return identity_.serial;
}
int Client::slot_count() const {
  std::lock_guard lock(*mu_);
  return identity_.slot_count;
}

Result<Client> Client::open(std::unique_ptr<Transport> transport, ClientOptions options) {
  Client c(std::move(transport), std::move(options));
  c.uri_ = c.transport_->describe();
  if (auto a = c.allocate_channel(c.transport_->now_ms() + c.options_.call_timeout_ms, nullptr); !a)
    return std::unexpected(a.error());
  auto id = c.identity_locked();
  if (!id) return std::unexpected(id.error());
  c.identity_ = *id;
  return c;
}

Result<Message> Client::exchange(uint32_t cid, uint8_t cmd, std::span<const uint8_t> request, int64_t deadline,
                                 const std::function<bool(const Message&)>& accept, const CancelToken* cancel,
                                 std::span<const uint8_t> expect_nonce) {
  if (request.size() > kMaxMessageSize)
    return fail(ErrorKind::kProtocol, "request of " + std::to_string(request.size()) + " bytes exceeds the protocol maximum");
  // A 1.1 lock drops a request whose reports reach it twice when the request is numbered;
  // every send (a retry too) gets the next number. INIT is never numbered.
  uint8_t txn = 0;
  if (number_requests_ && cmd != kCmdInit) txn = txn_ = static_cast<uint8_t>(txn_ % kTxnMax + 1);
  for (const Report& r : encode_message(cid, cmd, request, txn))
    if (auto w = transport_->write(r); !w) {
      dirty_ = true;
      return std::unexpected(w.error());
    }

  MessageAssembler assembler(cid);
  int stray = 0, garbled = 0;
  bool ours = false;
  std::string bad_report;  // what the transport said about the last report it could not use
  for (;;) {
    if (cancelled(cancel)) {
      dirty_ = true;  // the answer may still come: drop it at the next resync
      return cancelled_error();
    }
    const int64_t left = deadline - transport_->now_ms();
    if (left <= 0) break;
    auto report = transport_->read(static_cast<int>(std::min<int64_t>(left, kReadSliceMs)));
    if (!report) {
      if (report.error().kind == ErrorKind::kTimeout) continue;
      if (report.error().kind == ErrorKind::kProtocol) {  // a short or oversized report
        bad_report = report.error().message;
        ++garbled;
        dirty_ = true;
        assembler.reset();
        continue;
      }
      dirty_ = true;
      return std::unexpected(report.error());
    }
    switch (assembler.feed(*report)) {
      case MessageAssembler::Status::kIgnored:
        ++stray;  // another program's channel
        continue;
      case MessageAssembler::Status::kNeedMore:
        ours = true;
        continue;
      case MessageAssembler::Status::kError:
        ++garbled;
        ours = true;
        dirty_ = true;
        assembler.reset();
        continue;
      case MessageAssembler::Status::kComplete:
        break;
    }
    ours = true;
    const Message m = assembler.message();
    assembler.reset();
    if (m.cmd == kCmdKeepalive) continue;  // the lock is working on it: wait on
    if (m.cmd == kCmdError) {
      auto e = decode<ErrorResponse>(m.payload, "ERROR");
      if (!e) return std::unexpected(e.error());
      Error err{ErrorKind::kLockRefused, describe_lock_error(e->code), e->code, e->detail};
      return std::unexpected(err);
    }
    if (!expect_nonce.empty() &&
        (m.cmd != kCmdInit || m.payload.size() < expect_nonce.size() ||
         std::memcmp(m.payload.data(), expect_nonce.data(), expect_nonce.size()) != 0)) {
      continue;  // an older answer, or another program's INIT answer on the broadcast channel
    }
    if (m.cmd != cmd || (accept && !accept(m))) {
      ++garbled;  // a stale answer to an earlier request on this channel
      dirty_ = true;
      continue;
    }
    return m;
  }
  // Only reports that were never ours: whatever is there does not speak this protocol.
  if (!ours && stray + garbled > 0)
    return fail(ErrorKind::kProtocol, transport_->describe() + " answered, but not in the lockdiag service protocol (" +
                                          std::to_string(stray + garbled) + " unusable reports" +
                                          (bad_report.empty() ? std::string() : "; " + bad_report) + ")");
  std::string msg = "no answer from the lock at " + transport_->describe() + " within the call's timeout (" +
                    std::to_string(options_.call_timeout_ms) + " ms)";
  if (garbled > 0) msg += "; " + std::to_string(garbled) + " damaged or stale reports were dropped";
  return fail(ErrorKind::kTimeout, msg);
}

Result<void> Client::allocate_channel(int64_t deadline, const CancelToken* cancel) {
  uint8_t nonce[8];
  if (auto n = random_nonce(nonce); !n) return n;
  auto answer = exchange(kBroadcastCid, kCmdInit, nonce, deadline, {}, cancel, nonce);
  if (!answer) return std::unexpected(answer.error());
  auto init = decode<InitResponse>(answer->payload, "INIT");
  if (!init) return std::unexpected(init.error());
  if (init->protocol_major != kProtocolMajor)
    return fail(ErrorKind::kProtocol, "the lock speaks service protocol " + std::to_string(init->protocol_major) + "." +
                                          std::to_string(init->protocol_minor) + "; this lockdiag speaks " +
                                          std::to_string(kProtocolMajor) + ".x (update lockdiag)");
  if (init->cid == kReservedCid || init->cid == kBroadcastCid)
    return fail(ErrorKind::kProtocol, "the lock allocated an invalid channel id");
  cid_ = init->cid;
  number_requests_ = init->protocol_minor >= 1;
  dirty_ = false;
  return {};
}

Result<void> Client::resync(int64_t deadline, const CancelToken* cancel) {
  uint8_t nonce[8];
  if (auto n = random_nonce(nonce); !n) return n;
  // INIT on our own channel: the lock drops any partial message of ours and answers in order,
  // so everything that arrives before this answer is stale and is dropped with it.
  auto answer = exchange(cid_, kCmdInit, nonce, deadline, {}, cancel, nonce);
  if (!answer) {
    if (answer.error().kind == ErrorKind::kLockRefused && answer.error().lock_code == kErrInvalidChannel)
      return allocate_channel(deadline, cancel);  // the lock forgot our channel (evicted)
    return std::unexpected(answer.error());
  }
  auto init = decode<InitResponse>(answer->payload, "INIT");
  if (!init) return std::unexpected(init.error());
  if (init->cid != cid_) return fail(ErrorKind::kProtocol, "the lock moved this program to another channel on resync");
  dirty_ = false;
  return {};
}

Result<Message> Client::transact(const CallSpec& spec) {
  const int64_t start = transport_->now_ms();
  const int64_t deadline = start + options_.call_timeout_ms;
  const int attempts = 1 + std::max(0, options_.read_retries);
  std::optional<Error> last;
  for (int a = 0; a < attempts; ++a) {
    if (cancelled(spec.cancel)) return cancelled_error();
    // Commands that change the lock start from a clean channel, so a stale answer can never be
    // taken for theirs.
    Result<void> ready = cid_ == 0 ? allocate_channel(deadline, spec.cancel)
                         : (dirty_ || !spec.idempotent) ? resync(deadline, spec.cancel)
                                                        : Result<void>{};
    Result<Message> r = ready ? Result<Message>{} : std::unexpected(ready.error());
    if (ready) {
      const int64_t now = transport_->now_ms();
      const int64_t left = deadline - now;
      if (left <= 0) break;
      // Idempotent reads split what is left between the remaining attempts.
      const int64_t attempt_deadline =
          spec.idempotent ? now + std::max<int64_t>(left / (attempts - a), std::min<int64_t>(left, 50)) : deadline;
      r = exchange(cid_, spec.cmd, spec.request, attempt_deadline, spec.accept, spec.cancel);
      if (r) return r;
    }
    const Error& e = r.error();
    last = e;
    const bool sent = static_cast<bool>(ready);  // the request (may have) reached the lock
    switch (e.kind) {
      case ErrorKind::kLockRefused:
        if (e.lock_code == kErrInvalidChannel) {
          cid_ = 0;
          continue;
        }
        if (not_executed(e.lock_code)) continue;
        if (garbled_request(e.lock_code) && (spec.idempotent || !sent)) {
          dirty_ = true;
          continue;
        }
        return std::unexpected(e);
      case ErrorKind::kTimeout:
      case ErrorKind::kProtocol:
        dirty_ = true;
        if (spec.idempotent || !sent) continue;
        {
          Error u = e;
          u.message += "; the change may or may not have been made: read the lock's state before trying again";
          return std::unexpected(u);
        }
      case ErrorKind::kDisconnected:
        if (spec.idempotent && spec.auto_reconnect && options_.reconnect_timeout_ms > 0 && !in_reconnect_) {
          Progress p;
          auto rc = reconnect_locked(options_.reconnect_timeout_ms, spec.cancel, {}, p);
          if (rc) continue;
          return std::unexpected(rc.error());
        }
        return std::unexpected(e);
      default:
        return std::unexpected(e);
    }
  }
  if (last) return std::unexpected(*last);
  return fail(ErrorKind::kTimeout, "no answer from the lock at " + transport_->describe() + " within " +
                                       std::to_string(options_.call_timeout_ms) + " ms");
}

Result<Message> Client::call(uint8_t cmd, std::span<const uint8_t> request) {
  std::lock_guard lock(*mu_);
  return transact({cmd, request, false, {}, nullptr});
}

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
  s.enroll_state = r->enroll_state;
  s.enroll_reason = r->enroll_reason;
  s.enroll_slot = r->enroll_slot;
  s.confirm_state = r->confirm_state;
  s.confirm_action = r->confirm_action;
  s.confirm_ticket = r->confirm_ticket;
  s.confirm_arg = r->confirm_arg;
  return s;
}

Result<std::vector<uint8_t>> Client::ping(std::span<const uint8_t> data) {
  std::lock_guard lock(*mu_);
  auto m = transact({kCmdPing, data, true,
                     [&](const Message& msg) {
                       return msg.payload.size() == data.size() && std::equal(data.begin(), data.end(), msg.payload.begin());
                     },
                     nullptr});
  if (!m) return std::unexpected(m.error());
  return std::move(m->payload);
}

// ---- paged reads ---------------------------------------------------------------------------

std::array<uint8_t, 8> encode_schedule(const Schedule& s) {
  std::array<uint8_t, 8> b{};
  switch (s.kind) {
    case CodeKind::kPersistent: break;
    case CodeKind::kTemporaryUntil: {
      ScheduleUntil u{s.end_time, 0};
      std::memcpy(b.data(), &u, 8);
      break;
    }
    case CodeKind::kTemporaryFirstUse: {
      ScheduleFirstUse f{s.first_use_minutes, 0, s.first_used_at};
      std::memcpy(b.data(), &f, 8);
      break;
    }
    case CodeKind::kWeekday: {
      ScheduleWeekday w{s.days_mask, 0, s.start_minute, s.end_minute, 0};
      std::memcpy(b.data(), &w, 8);
      break;
    }
    case CodeKind::kDateRange: {
      ScheduleDateRange d{s.start_time, s.end_time};
      std::memcpy(b.data(), &d, 8);
      break;
    }
  }
  return b;
}

Schedule decode_schedule(uint8_t kind, const uint8_t* b) {
  Schedule s;
  s.kind = static_cast<CodeKind>(kind);
  if (!b) return s;
  switch (kind) {
    case kKindTemporaryUntil: {
      ScheduleUntil u;
      std::memcpy(&u, b, 8);
      s.end_time = u.end_time;
      break;
    }
    case kKindTemporaryFirstUse: {
      ScheduleFirstUse f;
      std::memcpy(&f, b, 8);
      s.first_use_minutes = f.minutes;
      s.first_used_at = f.first_used_at;
      break;
    }
    case kKindWeekday: {
      ScheduleWeekday w;
      std::memcpy(&w, b, 8);
      s.days_mask = w.days_mask;
      s.start_minute = w.start_minute;
      s.end_minute = w.end_minute;
      break;
    }
    case kKindDateRange: {
      ScheduleDateRange d;
      std::memcpy(&d, b, 8);
      s.start_time = d.start_time;
      s.end_time = d.end_time;
      break;
    }
    default: break;
  }
  return s;
}

namespace {

SlotRecord to_record(const SlotRecordFields& f) {
  SlotRecord r;
  r.index = f.index;
  r.enabled = f.flags & kSlotEnabled;
  r.expired = f.flags & kSlotExpired;
  r.first_use_started = f.flags & kSlotFirstUseStarted;
  r.retained_across_reset = f.flags & kSlotRetainedAcrossReset;
  r.role = static_cast<Role>(role_of(f.role_kind));
  const uint8_t kind = kind_of(f.role_kind);
  r.kind = static_cast<CodeKind>(kind);
  r.created = f.created;
  r.last_used = f.last_used;
  r.use_count = f.use_count;
  r.schedule = decode_schedule(kind, kind == kKindPersistent ? nullptr : f.schedule.b);
  return r;
}

std::string slot_where(uint16_t start, int i) {
  return "READ_SLOTS page from slot " + std::to_string(start) + ", record " + std::to_string(i + 1);
}

const char* compact_problem(CompactSlotStatus st) {
  switch (st) {
    case CompactSlotStatus::kTruncated: return "is cut short";
    case CompactSlotStatus::kReservedBits: return "has reserved bits set";
    case CompactSlotStatus::kNotOccupied: return "is for an empty slot";
    case CompactSlotStatus::kUnknownKind: return "has an unknown code kind";
    case CompactSlotStatus::kIndexRange: return "has a slot index out of range";
    case CompactSlotStatus::kValueRange: return "has a number too large for its field";
    case CompactSlotStatus::kOk: break;
  }
  return "is damaged";
}

// 1.0 records: SlotRecordHead + ScheduleBlock when schedule_len says so.
Result<void> decode_fixed_records(const ReadSlotsResponseHead& head, const uint8_t* p, const uint8_t* end,
                                  uint16_t start, std::vector<SlotRecordFields>& out) {
  for (int i = 0; i < head.count; ++i) {
    if (end - p < static_cast<ptrdiff_t>(sizeof(SlotRecordHead)))
      return fail(ErrorKind::kProtocol, slot_where(start, i) + ": the page holds fewer records than it announces");
    SlotRecordHead h;
    std::memcpy(&h, p, sizeof h);
    p += sizeof h;
    if (end - p < h.schedule_len) return fail(ErrorKind::kProtocol, slot_where(start, i) + " (slot " + std::to_string(h.index) + ") is cut short");
    const uint8_t* sched = h.schedule_len >= sizeof(ScheduleBlock) ? p : nullptr;
    p += h.schedule_len;
    if (!(h.flags & kSlotOccupied)) continue;  // 1.0 hosts skip these too
    SlotRecordFields f{};
    f.index = h.index;
    f.flags = h.flags;
    f.role_kind = h.role_kind;
    f.created = h.created;
    f.last_used = h.last_used;
    f.use_count = h.use_count;
    if (sched) std::memcpy(f.schedule.b, sched, sizeof f.schedule);
    out.push_back(f);
  }
  return {};
}

// 1.1 compact records; the page ends with its last record.
Result<void> decode_compact_records(const ReadSlotsResponseHead& head, const uint8_t* p, const uint8_t* end,
                                    uint16_t start, std::vector<SlotRecordFields>& out) {
  CompactSlotCursor cursor{start, 0};
  for (int i = 0; i < head.count; ++i) {
    if (p >= end)
      return fail(ErrorKind::kProtocol, slot_where(start, i) + ": the page holds fewer records than it announces (" +
                                            std::to_string(head.count) + ")");
    SlotRecordFields f{};
    const CompactSlotStatus st = read_compact_slot(p, end, cursor, f);
    if (st != CompactSlotStatus::kOk) return fail(ErrorKind::kProtocol, slot_where(start, i) + " " + compact_problem(st));
    out.push_back(f);
  }
  if (p != end)
    return fail(ErrorKind::kProtocol, "READ_SLOTS page from slot " + std::to_string(start) + " has " +
                                          std::to_string(end - p) + " bytes after its last record");
  return {};
}

}  // namespace

Result<SlotPage> decode_slot_page(std::span<const uint8_t> payload, uint16_t start, int slot_count) {
  auto head = decode<ReadSlotsResponseHead>(payload, "READ_SLOTS");
  if (!head) return std::unexpected(head.error());
  SlotPage page;
  page.next_index = head->next_index;
  page.format = head->format;
  if (head->start_index != start)
    return fail(ErrorKind::kProtocol, "READ_SLOTS page starts at slot " + std::to_string(head->start_index) +
                                          ", asked for " + std::to_string(start));
  if (head->next_index != kNoMoreSlots && head->next_index <= start)
    return fail(ErrorKind::kProtocol, "READ_SLOTS page from slot " + std::to_string(start) + " made no progress");
  if (head->next_index != kNoMoreSlots && slot_count > 0 && head->next_index > slot_count)
    return fail(ErrorKind::kProtocol, "READ_SLOTS page points to slot " + std::to_string(head->next_index) +
                                          " past the " + std::to_string(slot_count) + " slots the lock announced");
  const uint8_t* p = payload.data() + sizeof(ReadSlotsResponseHead);
  const uint8_t* end = payload.data() + payload.size();
  std::vector<SlotRecordFields> fields;
  fields.reserve(head->count);
  Result<void> ok;
  if (head->format == kSlotFormatFixed)
    ok = decode_fixed_records(*head, p, end, start, fields);
  else if (head->format == kSlotFormatCompact)
    ok = decode_compact_records(*head, p, end, start, fields);
  else
    return fail(ErrorKind::kProtocol, "READ_SLOTS page uses record format " + std::to_string(head->format) +
                                          ", which this lockdiag does not know; update lockdiag");
  if (!ok) return std::unexpected(ok.error());
  int prev = static_cast<int>(start) - 1;
  page.records.reserve(fields.size());
  for (const SlotRecordFields& f : fields) {
    if (f.index <= prev || (slot_count > 0 && f.index >= slot_count) ||
        (head->next_index != kNoMoreSlots && f.index >= head->next_index))
      return fail(ErrorKind::kProtocol, "READ_SLOTS record index " + std::to_string(f.index) + " is out of order");
    prev = f.index;
    const uint8_t kind = kind_of(f.role_kind);
    if (kind >= kKindCount)
      return fail(ErrorKind::kProtocol, "READ_SLOTS record for slot " + std::to_string(f.index) + " has unknown kind " +
                                            std::to_string(kind));
    page.records.push_back(to_record(f));
  }
  return page;
}

Result<EventPage> decode_event_page(const Message& m) {
  auto head = decode<ReadEventsResponseHead>(m.payload, "READ_EVENTS");
  if (!head) return std::unexpected(head.error());
  EventPage page;
  page.first_seq = head->first_seq;
  page.head_seq = head->head_seq;
  page.more = head->flags & kEventsMore;
  page.truncated = head->flags & kEventsTruncated;
  const uint8_t* p = m.payload.data() + sizeof(ReadEventsResponseHead);
  const uint8_t* const begin = p;
  const uint8_t* end = m.payload.data() + m.payload.size();
  // Times add modulo 2^32: a 1.1 lock wraps a delta of 2^31 s or more (a clock set far
  // ahead or back), and modular arithmetic undoes exactly that. A 1.2 lock re-anchors instead.
  uint32_t time = head->base_time;
  // Every event takes at least two bytes: a count the page cannot hold is refused before
  // anything is allocated for it.
  if (static_cast<size_t>(head->count) * 2 > static_cast<size_t>(end - p))
    return fail(ErrorKind::kProtocol, "READ_EVENTS page announces " + std::to_string(head->count) +
                                          " events but holds only " + std::to_string(end - p) + " bytes");
  if (static_cast<uint64_t>(head->first_seq) + head->count > 0xFFFFFFFFull)
    return fail(ErrorKind::kProtocol, "READ_EVENTS page runs past the largest sequence number (a faulty lock)");
  page.events.reserve(head->count);
  for (uint32_t i = 0; i < head->count; ++i) {
    if (p >= end) return fail(ErrorKind::kProtocol, "READ_EVENTS page holds fewer events than it announces");
    const uint8_t b0 = *p++;
    uint32_t zz = 0;
    if (!read_leb128(p, end, zz)) return fail(ErrorKind::kProtocol, "READ_EVENTS page has a damaged timestamp");
    time += static_cast<uint32_t>(zigzag_decode(zz));
    Event e;
    e.seq = head->first_seq + i;
    e.time = time;
    e.type = b0 & 0x3F;
    if (b0 & kEvHasSlot) {
      uint32_t slot = 0;
      if (!read_leb128(p, end, slot) || slot > 0xFFFF)
        return fail(ErrorKind::kProtocol, "READ_EVENTS page has a damaged slot index");
      e.slot = static_cast<uint16_t>(slot);
    }
    if (b0 & kEvHasExtra) {
      if (p >= end) return fail(ErrorKind::kProtocol, "READ_EVENTS page is cut short");
      const uint8_t x = *p++;
      e.reason = x & kReasonMask;
      e.clock_not_set = x & kExtraClockNotSet;
    }
    page.events.push_back(e);
  }
  page.encoded_bytes = static_cast<size_t>(p - begin);
  page.next_seq = head->first_seq + head->count;
  if (page.more && head->count == 0) return fail(ErrorKind::kProtocol, "READ_EVENTS page is empty but says there is more");
  return page;
}

uint32_t event_read_limit(uint32_t announced_capacity) {
  // Events logged while the read runs may push a full ring past its capacity: allow a margin.
  const uint64_t cap = announced_capacity ? announced_capacity : kMaxEventsPerRead;
  return static_cast<uint32_t>(std::min<uint64_t>(cap + cap / 8 + 256, kMaxEventsPerRead));
}

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
      return fail(ErrorKind::kProtocol, "READ_EVENTS skipped from " + std::to_string(b.next_seq) + " to " +
                                            std::to_string(page->first_seq));
    }
    if (b.events.size() + page->events.size() > limit)
      return fail(ErrorKind::kProtocol, "the lock announced an event log of " + std::to_string(identity_.event_capacity) +
                                            " events but sent more than " + std::to_string(limit) +
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
                                          " bytes, expected at least " + std::to_string(lockfw::wire::kLockoutPolicyV11Size));
  lockfw::wire::LockoutPolicy r{};
  std::memcpy(&r, m->payload.data(), std::min(m->payload.size(), sizeof r));
  return drivers::LockoutPolicy{r.wrong_code_limit, r.doubling != 0, r.disable_s, r.max_disable_s, r.daily_wrong_cap,
                                r.level_quiet_h};
}

Result<void> Client::set_lockout_policy(const LockoutPolicy& policy) {
  std::lock_guard lock(*mu_);
  if (policy.wrong_code_limit < 1 || policy.wrong_code_limit > 255 || policy.disable_s < 0 || policy.disable_s > 0xFFFF ||
      policy.max_disable_s < 0 || policy.max_disable_s > 0xFFFF)
    return fail(ErrorKind::kBadAddress, "lockout policy out of range (1-255 tries, 0-65535 s)");
  if (policy.daily_wrong_cap < 0 || policy.daily_wrong_cap > lockfw::wire::kMaxDailyWrongCap || policy.level_quiet_h < 0 ||
      policy.level_quiet_h > lockfw::wire::kMaxLevelQuietH)
    return fail(ErrorKind::kBadAddress, "lockout policy out of range (daily cap 1-200 wrong entries, quiet period 1-24 h)");
  lockfw::wire::LockoutPolicy req{static_cast<uint8_t>(policy.wrong_code_limit), static_cast<uint8_t>(policy.doubling ? 1 : 0),
                                  static_cast<uint16_t>(policy.disable_s), static_cast<uint16_t>(policy.max_disable_s), 0,
                                  static_cast<uint8_t>(policy.daily_wrong_cap), static_cast<uint8_t>(policy.level_quiet_h), 0};
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

// ---- reconnect -----------------------------------------------------------------------------

Result<void> Client::reconnect(int timeout_ms, const CancelToken* cancel) {
  std::lock_guard lock(*mu_);
  Progress p;
  return reconnect_locked(timeout_ms, cancel, {}, p);
}

Result<void> Client::reconnect_locked(int timeout_ms, const CancelToken* cancel, const ProgressFn& progress, Progress& p) {
  using SteadyClock = std::chrono::steady_clock;
  const TransportFactory factory = options_.reopen ? options_.reopen : reopen_by_serial(uri_, identity_.serial);
  in_reconnect_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{in_reconnect_};
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  p.reconnecting = true;
  if (progress) progress(p);
  // Close first: libusb claims the interface exclusively, and a dead handle helps nobody.
  transport_ = std::make_unique<GoneTransport>(uri_);
  cid_ = 0;
  std::optional<Error> last;
  for (;;) {
    if (cancelled(cancel)) return cancelled_error();
    auto t = factory();
    if (t) {
      transport_ = std::move(*t);
      cid_ = 0;
      auto ready = allocate_channel(transport_->now_ms() + options_.call_timeout_ms, cancel);
      auto id = ready ? identity_locked() : Result<Identity>(std::unexpected(ready.error()));
      if (id) {
        if (!identity_.serial.empty() && id->serial != identity_.serial) {
          transport_ = std::make_unique<GoneTransport>(uri_);
          cid_ = 0;
          return fail(ErrorKind::kUnreachable, "a different lock (serial " + id->serial + ") is at " + uri_ +
                                                   "; expected serial " + identity_.serial);
        }
        ++p.reconnects;
        p.reconnecting = false;
        if (progress) progress(p);
        return {};
      }
      last = id.error();
      transport_ = std::make_unique<GoneTransport>(uri_);
      cid_ = 0;
      if (id.error().kind == ErrorKind::kCancelled) return std::unexpected(id.error());
    } else {
      last = t.error();
      const auto k = t.error().kind;
      if (k != ErrorKind::kUnreachable && k != ErrorKind::kDisconnected && k != ErrorKind::kTimeout &&
          k != ErrorKind::kIo)
        return std::unexpected(t.error());
    }
    if (SteadyClock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Error e{ErrorKind::kDisconnected, "the lock " + identity_.serial + " did not come back within " +
                                        std::to_string(timeout_ms / 1000.0).substr(0, 4) + " s"};
  if (last) e.message += " (" + last->message + ")";
  return std::unexpected(e);
}

}  // namespace lockdiag::drivers
