#include "lockdiag/drivers/client.h"

#include <sys/random.h>

#include <cstring>

#include "decode.h"

namespace lockdiag::drivers {

using namespace lockfw::wire;
using Clock = std::chrono::steady_clock;

Result<Client> Client::open(std::unique_ptr<Transport> transport, ClientOptions options) {
  Client c(std::move(transport), options);
  uint8_t nonce[8];
  if (getrandom(nonce, sizeof nonce, 0) != static_cast<ssize_t>(sizeof nonce))
    return fail(ErrorKind::kIo, "cannot read random bytes for the channel nonce");
  auto answer = c.exchange(kBroadcastCid, kCmdInit, nonce, nonce);
  if (!answer) return std::unexpected(answer.error());
  auto init = decode<InitResponse>(answer->payload, "INIT");
  if (!init) return std::unexpected(init.error());
  if (init->protocol_major != kProtocolMajor)
    return fail(ErrorKind::kProtocol, "the lock speaks service protocol " + std::to_string(init->protocol_major) + "." +
                                          std::to_string(init->protocol_minor) + "; this lockdiag speaks " +
                                          std::to_string(kProtocolMajor) + ".x (update lockdiag)");
  if (init->cid == kReservedCid || init->cid == kBroadcastCid)
    return fail(ErrorKind::kProtocol, "the lock allocated an invalid channel id");
  c.cid_ = init->cid;
  return c;
}

Result<Message> Client::call(uint8_t cmd, std::span<const uint8_t> request) {
  return exchange(cid_, cmd, request);
}

Result<Message> Client::exchange(uint32_t cid, uint8_t cmd, std::span<const uint8_t> request,
                                 std::span<const uint8_t> expect_nonce) {
  if (request.size() > kMaxMessageSize)
    return fail(ErrorKind::kProtocol, "request of " + std::to_string(request.size()) + " bytes exceeds the protocol maximum");
  for (const Report& r : encode_message(cid, cmd, request))
    if (auto w = transport_->write(r); !w) return std::unexpected(w.error());

  const auto deadline = Clock::now() + std::chrono::milliseconds(options_.call_timeout_ms);
  MessageAssembler assembler(cid);
  int stray = 0;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    auto report = transport_->read(static_cast<int>(left));
    if (!report) {
      if (report.error().kind == ErrorKind::kTimeout) break;
      return std::unexpected(report.error());
    }
    switch (assembler.feed(*report)) {
      case MessageAssembler::Status::kIgnored:
        ++stray;
        continue;
      case MessageAssembler::Status::kNeedMore:
        continue;
      case MessageAssembler::Status::kError:
        ++stray;
        assembler.reset();
        continue;
      case MessageAssembler::Status::kComplete:
        break;
    }
    const Message& m = assembler.message();
    if (m.cmd == kCmdKeepalive) {  // the lock is working on it: wait on
      assembler.reset();
      continue;
    }
    if (!expect_nonce.empty() &&
        (m.cmd != kCmdInit || m.payload.size() < expect_nonce.size() ||
         std::memcmp(m.payload.data(), expect_nonce.data(), expect_nonce.size()) != 0)) {
      assembler.reset();  // another program's INIT answer on the broadcast channel
      continue;
    }
    if (m.cmd == kCmdError) {
      auto e = decode<ErrorResponse>(m.payload, "ERROR");
      if (!e) return std::unexpected(e.error());
      Error err{ErrorKind::kLockRefused, describe_lock_error(e->code), e->code, e->detail};
      return std::unexpected(err);
    }
    if (m.cmd != cmd)
      return fail(ErrorKind::kProtocol, "the lock answered command 0x" + hex8(m.cmd) + " to a request 0x" + hex8(cmd));
    return m;
  }
  if (stray > 0)
    return fail(ErrorKind::kProtocol, transport_->describe() + " answered, but not in the lockdiag service protocol (" +
                                          std::to_string(stray) + " unusable reports)");
  return fail(ErrorKind::kTimeout, "no answer from the lock at " + transport_->describe() + " within " +
                                       std::to_string(options_.call_timeout_ms) + " ms");
}

Result<Identity> Client::identity() {
  auto m = call(kCmdGetIdentity);
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
  auto m = call(kCmdGetStatus);
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
  auto m = call(kCmdGetCapabilities);
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
  auto m = call(kCmdGetSession);
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

}  // namespace lockdiag::drivers
