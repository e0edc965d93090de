// Issue 11 item 2 (protocol 1.4): the service session belongs to the channel that armed it.
// A second program on the laptop (another channel id) attacks a session lockdiag holds.
#include <algorithm>
#include <cstring>

#include "core/bytes.h"
#include "support.h"

using namespace lockfw;
using namespace lockfw::test;

namespace {
const std::string kAdmin = "19283746";
const std::string kGuest = "5555";
constexpr uint32_t kA = 0x1111AAAAu;  // lockdiag's channel
constexpr uint32_t kB = 0x2222BBBBu;  // the other program's channel

Reply call_on(Rig& rig, uint32_t cid, uint8_t cmd, const void* req = nullptr, uint16_t len = 0,
              std::vector<uint8_t>* out = nullptr) {
  std::vector<uint8_t> buf(1024);
  rig.lock().set_channel(cid);
  const Reply r = rig.lock().handle(cmd, static_cast<const uint8_t*>(req), len, buf.data(),
                                    static_cast<uint16_t>(buf.size()));
  if (out) out->assign(buf.begin(), buf.begin() + (r.error ? 0 : r.length));
  return r;
}
SessionResponse session_on(Rig& rig, uint32_t cid) {
  std::vector<uint8_t> out;
  REQUIRE(call_on(rig, cid, kCmdGetSession, nullptr, 0, &out).error == kErrNone);
  SessionResponse s{};
  std::memcpy(&s, out.data(), sizeof s);
  return s;
}
StatusResponse status_on(Rig& rig, uint32_t cid) {
  std::vector<uint8_t> out;
  REQUIRE(call_on(rig, cid, kCmdGetStatus, nullptr, 0, &out).error == kErrNone);
  StatusResponse s{};
  std::memcpy(&s, out.data(), sizeof s);
  return s;
}

// Onboarded lock (admin slot 0, guest slot 1, clock set), no session open.
void guest_lock(Rig& rig) {
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleGuest, kGuest) == kEnrollCommitted);
  REQUIRE(rig.call(kCmdCloseSession).error == kErrNone);
}

// Everything a privileged command could change: slots, settings, the log head.
struct Snapshot {
  std::vector<uint8_t> slots, settings;
  uint32_t head = 0;
  bool operator==(const Snapshot&) const = default;
};
Snapshot snapshot(Rig& rig) {
  Snapshot s;
  for (uint16_t i = 0; i < rig.lock().config().slot_count; ++i) {
    SlotData d{};
    if (!rig.lock().read_slot(i, d)) continue;
    const auto* p = reinterpret_cast<const uint8_t*>(&d);
    s.slots.insert(s.slots.end(), p, p + sizeof d);
  }
  const Settings& st = rig.lock().state().settings();
  const auto* p = reinterpret_cast<const uint8_t*>(&st);
  s.settings.assign(p, p + sizeof st);
  s.head = rig.lock().events().head_seq();
  return s;
}

// Every privileged command, with a request that would succeed for the session's owner.
struct Attack {
  uint8_t cmd;
  std::vector<uint8_t> req;
};
template <typename T>
std::vector<uint8_t> bytes(const T& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  return {p, p + sizeof v};
}
std::vector<Attack> attacks() {
  std::vector<Attack> a;
  a.push_back({kCmdCloseSession, {}});
  a.push_back({kCmdGetAttestation, std::vector<uint8_t>(32, 0x5A)});  // 1.5 (a challenge; refused before it is read)
  a.push_back({kCmdReadSlots, bytes(ReadSlotsRequest{0, 0, 0, 0})});
  a.push_back({kCmdReadEvents, bytes(ReadEventsRequest{0, 0, 0})});
  a.push_back({kCmdGetFingerprint, {}});
  a.push_back({kCmdSetClock, bytes(SetClockRequest{static_cast<uint32_t>(kTestEpochMs / 1000 - 365 * 86400), 0, 0})});
  OpenEnrollmentRequest oe{};
  oe.slot = 2;
  oe.role = kRoleAdmin;
  a.push_back({kCmdOpenEnrollment, bytes(oe)});
  a.push_back({kCmdAbortEnrollment, {}});
  a.push_back({kCmdDeleteSlot, bytes(SlotRequest{1, 0})});
  a.push_back({kCmdSetSlotEnabled, bytes(SetSlotEnabledRequest{1, 0, 0})});
  SetScheduleRequest ss{};
  ss.slot = 1;
  ss.kind = kKindPersistent;
  a.push_back({kCmdSetSchedule, bytes(ss)});
  a.push_back({kCmdSetLockoutPolicy, bytes(LockoutPolicy{255, 0, 1, 1, 0, 200, 1, 0})});
  a.push_back({kCmdFactoryReset, bytes(FactoryResetRequest{kResetFullWipe, {}})});
  a.push_back({kCmdGetLockoutPolicy, {}});
  a.push_back({kCmdCancelConfirmation, {}});
  a.push_back({kCmdSetTimeZone, std::vector<uint8_t>(sizeof(TimeZoneBlock), 0)});
  a.push_back({kCmdGetTimeZone, {}});
  return a;
}
}  // namespace

TEST_CASE("a second channel tries every privileged command while the first holds the session") {
  Rig rig;
  guest_lock(rig);
  REQUIRE(call_on(rig, kA, kCmdArmSession).error == kErrNone);
  rig.type_raw(kAdmin + "*0#");
  REQUIRE(session_on(rig, kA).state == kSessionOpen);
  const Snapshot before = snapshot(rig);
  // Every command needs_session() names, none left out of the attack list.
  std::vector<uint8_t> attacked;
  for (const Attack& at : attacks()) attacked.push_back(at.cmd);
  for (int c = 0x40; c <= 0x7F; ++c)
    if (needs_session(static_cast<uint8_t>(c)) && rig.call(static_cast<uint8_t>(c)).error != kErrInvalidCommand) {
      INFO("command " << c);
      CHECK(std::find(attacked.begin(), attacked.end(), c) != attacked.end());
    }
  for (const Attack& at : attacks()) {
    INFO("command " << int(at.cmd));
    const Reply r = call_on(rig, kB, at.cmd, at.req.data(), static_cast<uint16_t>(at.req.size()));
    CHECK(+r.error == kErrSessionRequired);
    CHECK(r.detail == kSessionDetailOtherChannel);
  }
  CHECK(snapshot(rig) == before);  // nothing changed, nothing logged
  // B learns nothing it could not learn without a session.
  CHECK(session_on(rig, kB).state == kSessionNone);
  CHECK(session_on(rig, kB).opened_by_slot == 0xFFFF);
  CHECK((status_on(rig, kB).flags & kStatusWithheld) != 0);
  CHECK(status_on(rig, kB).clock_utc == 0);
  // A still holds its session and can do what B could not.
  CHECK(session_on(rig, kA).state == kSessionOpen);
  CHECK((status_on(rig, kA).flags & kStatusWithheld) == 0);
  CHECK(call_on(rig, kA, kCmdSetSlotEnabled, &attacks()[8].req[0], 4).error == kErrNone);
}

TEST_CASE("code * 0 # with no armed channel opens nothing, checks no code and counts nothing") {
  Rig rig;
  guest_lock(rig);
  const uint32_t head = rig.lock().events().head_seq();
  rig.type_raw(kAdmin + "*0#");
  CHECK(rig.lock().session_state() == kSessionNone);
  rig.type_raw("00000000*0#");  // a wrong "admin code": not checked, so no guess
  CHECK(rig.lock().state().settings().wrong_attempts == 0);
  CHECK(rig.lock().session_state() == kSessionNone);
  REQUIRE(call_on(rig, kA, kCmdArmSession).error == kErrNone);
  rig.type_raw(kAdmin + "*0#");
  REQUIRE(session_on(rig, kA).state == kSessionOpen);
  std::vector<uint8_t> page;
  ReadEventsRequest rq{head, 0, 0};
  REQUIRE(call_on(rig, kA, kCmdReadEvents, &rq, sizeof rq, &page).error == kErrNone);
  ReadEventsResponseHead h{};
  int rejected = 0;
  for (const auto& e : decode_page(page, h))
    if (e.type == kEvRejected && (e.extra & kReasonMask) == kReasonNotArmed) ++rejected;
  CHECK(rejected == 2);
}

TEST_CASE("first arm holds: a later program cannot take the arm, only the admin moves a session") {
  Rig rig;
  guest_lock(rig);
  REQUIRE(call_on(rig, kA, kCmdArmSession).error == kErrNone);
  Reply r = call_on(rig, kB, kCmdArmSession);
  CHECK(+r.error == kErrSessionElsewhere);
  CHECK(r.detail == kSessionDetailArmed);
  CHECK(call_on(rig, kA, kCmdArmSession).error == kErrNone);  // re-arming refreshes
  rig.type_raw(kAdmin + "*0#");
  CHECK(session_on(rig, kA).state == kSessionOpen);
  CHECK(session_on(rig, kB).state == kSessionNone);
  r = call_on(rig, kB, kCmdReadSlots, nullptr, 0);
  CHECK(+r.error == kErrSessionRequired);
  // The arm was used up by the session: B may arm now, but only the admin's code moves the
  // session (a lockdiag that died without CLOSE_SESSION does not block the next one).
  REQUIRE(call_on(rig, kB, kCmdArmSession).error == kErrNone);
  CHECK(session_on(rig, kA).state == kSessionOpen);  // arming alone takes nothing
  CHECK(call_on(rig, kA, kCmdGetLockoutPolicy).error == kErrNone);
  rig.type_raw(kAdmin + "*0#");
  CHECK(session_on(rig, kB).state == kSessionOpen);
  r = call_on(rig, kA, kCmdGetLockoutPolicy);
  CHECK(+r.error == kErrSessionRequired);
  CHECK(r.detail == kSessionDetailOtherChannel);
}

TEST_CASE(
    "CLOSE_SESSION from the armed channel withdraws its arm (a host that gave up); from anyone else it does nothing") {
  Rig rig;
  guest_lock(rig);
  REQUIRE(call_on(rig, kA, kCmdArmSession).error == kErrNone);
  Reply r = call_on(rig, kB, kCmdCloseSession);  // not B's arm: refused as before 1.4, A's arm holds
  CHECK(+r.error == kErrSessionRequired);
  CHECK(+call_on(rig, kB, kCmdArmSession).error == kErrSessionElsewhere);
  CHECK(call_on(rig, kA, kCmdCloseSession).error == kErrNone);  // A stops waiting
  rig.type_raw(kAdmin + "*0#");  // nobody armed now: opens nothing
  CHECK(session_on(rig, kA).state == kSessionNone);
  CHECK(+call_on(rig, kA, kCmdCloseSession).error == kErrSessionRequired);  // nothing left to withdraw
  REQUIRE(call_on(rig, kB, kCmdArmSession).error == kErrNone);  // the next program need not wait
  rig.type_raw(kAdmin + "*0#");
  CHECK(session_on(rig, kB).state == kSessionOpen);
  // B holds the session and then arms again: CLOSE_SESSION closes the session, as it always did.
  REQUIRE(call_on(rig, kB, kCmdArmSession).error == kErrNone);
  CHECK(call_on(rig, kB, kCmdCloseSession).error == kErrNone);
  CHECK(session_on(rig, kB).state == kSessionNone);
}

TEST_CASE("an arm lapses after the session timeout; then another channel may arm") {
  Rig rig;
  guest_lock(rig);
  REQUIRE(call_on(rig, kA, kCmdArmSession).error == kErrNone);
  rig.advance_s(rig.lock().config().session_timeout_s + 1);
  rig.type_raw(kAdmin + "*0#");
  CHECK(rig.lock().session_state() == kSessionNone);  // A's arm lapsed
  CHECK(call_on(rig, kB, kCmdArmSession).error == kErrNone);
}

TEST_CASE("the session ends on timeout and on CLOSE_SESSION; then its channel needs a new arm") {
  Rig rig;
  guest_lock(rig);
  REQUIRE(call_on(rig, kA, kCmdArmSession).error == kErrNone);
  rig.type_raw(kAdmin + "*0#");
  REQUIRE(session_on(rig, kA).state == kSessionOpen);
  rig.advance_s(rig.lock().config().session_timeout_s + 1);
  rig.vl.poll();
  CHECK(rig.lock().session_state() == kSessionNone);
  Reply r = call_on(rig, kA, kCmdReadSlots);
  CHECK(+r.error == kErrSessionRequired);
  CHECK(r.detail == kSessionDetailNotArmed);
  rig.type_raw(kAdmin + "*0#");  // the arm was used: no second session from it
  CHECK(rig.lock().session_state() == kSessionNone);
  REQUIRE(call_on(rig, kA, kCmdArmSession).error == kErrNone);
  r = call_on(rig, kA, kCmdReadSlots);
  CHECK(r.detail == kSessionDetailArmed);
  rig.type_raw(kAdmin + "*0#");
  REQUIRE(session_on(rig, kA).state == kSessionOpen);
  CHECK(call_on(rig, kB, kCmdCloseSession).error == kErrSessionRequired);  // B cannot end it
  CHECK(session_on(rig, kA).state == kSessionOpen);
  CHECK(call_on(rig, kA, kCmdCloseSession).error == kErrNone);
  CHECK(rig.lock().session_state() == kSessionNone);
}

TEST_CASE("a 1.3 host that never arms: open commands work, the rest says the lock needs a newer host") {
  Rig rig;
  guest_lock(rig);
  std::vector<uint8_t> out;
  REQUIRE(call_on(rig, kA, kCmdGetIdentity, nullptr, 0, &out).error == kErrNone);
  IdentityResponse id{};
  std::memcpy(&id, out.data(), sizeof id);
  CHECK(+id.protocol_minor >= 4);  // 1.4 binds sessions (1.5 after the attestation merge)
  REQUIRE(call_on(rig, kA, kCmdGetCapabilities, nullptr, 0, &out).error == kErrNone);
  CapabilitiesResponse caps{};
  std::memcpy(&caps, out.data(), sizeof caps);
  CHECK((caps.features & kFeatureChannelSession) != 0);
  CHECK((status_on(rig, kA).flags & kStatusWithheld) != 0);
  rig.type_raw(kAdmin + "*0#");  // the technician does what the 1.3 lockdiag says
  CHECK(session_on(rig, kA).state == kSessionNone);
  const Reply r = call_on(rig, kA, kCmdReadSlots);
  CHECK(+r.error == kErrSessionRequired);
  CHECK(r.detail == kSessionDetailNotArmed);
}

TEST_CASE("factory onboarding: the first admin's session belongs to the channel that asked for it") {
  Rig rig;
  OpenEnrollmentRequest rq{};
  rq.slot = 0;
  rq.role = kRoleAdmin;
  REQUIRE(call_on(rig, kA, kCmdOpenEnrollment, &rq, sizeof rq).error == kErrNone);
  // B's attempt to open its own enrollment is refused and does not steal the outcome.
  CHECK(call_on(rig, kB, kCmdOpenEnrollment, &rq, sizeof rq).error == kErrEnrollmentActive);
  rig.type_raw(kAdmin + "#");
  rig.type_raw(kAdmin + "#");
  REQUIRE(rig.lock().enroll_state() == kEnrollCommitted);
  CHECK(session_on(rig, kA).state == kSessionOpen);
  CHECK(session_on(rig, kB).state == kSessionNone);
  CHECK(call_on(rig, kB, kCmdGetLockoutPolicy).error == kErrSessionRequired);
  CHECK(call_on(rig, kA, kCmdGetLockoutPolicy).error == kErrNone);
}

// Through the real service port: channel ids come from INIT; when the table recycles the
// channel that holds the session (or the arm), the session (arm) ends.
namespace {
uint32_t init_channel(Rig& rig) {
  uint8_t r[kReportSize] = {};
  store_u32(r, kBroadcastCid);
  r[4] = kCmdInit | kInitFlag;
  r[5] = sizeof(InitRequest);
  for (int i = 0; i < 8; ++i) r[kInitHeaderSize + i] = static_cast<uint8_t>(i + 1);
  rig.usb.reports.clear();
  rig.vl.port().on_report(r);
  for (const auto& in : rig.usb.reports)
    if (in[4] == (kCmdInit | kInitFlag)) {
      InitResponse resp{};
      std::memcpy(&resp, in.data() + kInitHeaderSize, sizeof resp);
      return resp.cid;
    }
  FAIL("no INIT answer");
  return 0;
}
uint8_t port_call(Rig& rig, uint32_t cid, uint8_t cmd) {
  uint8_t r[kReportSize] = {};
  store_u32(r, cid);
  r[4] = static_cast<uint8_t>(cmd | kInitFlag);
  rig.usb.reports.clear();
  rig.vl.port().on_report(r);
  REQUIRE(!rig.usb.reports.empty());
  const auto& in = rig.usb.reports.front();
  return in[4] == (kCmdError | kInitFlag) ? in[kInitHeaderSize] : uint8_t{kErrNone};
}
}  // namespace

TEST_CASE("recycling the channel that holds the session or the arm ends it") {
  Rig rig;
  guest_lock(rig);
  const uint32_t a = init_channel(rig);
  REQUIRE(port_call(rig, a, kCmdArmSession) == kErrNone);
  rig.type_raw(kAdmin + "*0#");
  REQUIRE(rig.lock().session_state() == kSessionOpen);
  CHECK(port_call(rig, a, kCmdGetLockoutPolicy) == kErrNone);
  const uint32_t head = rig.lock().events().head_seq();
  for (int i = 0; i < 8; ++i) init_channel(rig);  // eight newer channels: a's entry is reused
  CHECK(rig.lock().session_state() == kSessionNone);
  CHECK(rig.lock().events().head_seq() == head + 1);  // SESSION_CLOSED, reason CHANNEL_RECYCLED
  // A recycled arm is gone too: the admin's code opens nothing for anybody.
  const uint32_t c = init_channel(rig);
  REQUIRE(port_call(rig, c, kCmdArmSession) == kErrNone);
  for (int i = 0; i < 8; ++i) init_channel(rig);
  rig.type_raw(kAdmin + "*0#");
  CHECK(rig.lock().session_state() == kSessionNone);
  // The recycle event, read by a fresh armed channel.
  REQUIRE(call_on(rig, kA, kCmdArmSession).error == kErrNone);
  rig.type_raw(kAdmin + "*0#");
  std::vector<uint8_t> page;
  ReadEventsRequest rq{head, 0, 1};
  REQUIRE(call_on(rig, kA, kCmdReadEvents, &rq, sizeof rq, &page).error == kErrNone);
  ReadEventsResponseHead h{};
  const auto ev = decode_page(page, h);
  REQUIRE(ev.size() == 1);
  CHECK(+ev[0].type == kEvSessionClosed);
  CHECK(+(ev[0].extra & kReasonMask) == kReasonChannelRecycled);
}
