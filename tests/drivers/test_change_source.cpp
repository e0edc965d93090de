// Every change in the event log names its source (keypad slot, or service
// session number) and policy/schedule changes carry old and new values; the firmware's records
// decoded by the driver, an old log without them, and garbled records refused cleanly.
#include <doctest/doctest.h>

#include <memory>
#include <utility>

#include "lockdiag/drivers/client.h"
#include "lockdiag/drivers/event_source.h"
#include "loopback.h"
#include "support.h"

using namespace lockdiag;
using namespace lockdiag::drivers;
using namespace lockdiag::test;
namespace wire = lockfw::wire;

namespace {
const std::string kAdmin = "19283746";

// The change events of a read, with what the driver attached.
struct Folded {
  std::vector<Event> events;
  std::map<uint32_t, ChangeInfo> info;
  const Event* last(uint8_t type) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
      if (std::to_underlying(it->type) == type) return &*it;
    return nullptr;
  }
  ChangeInfo of(uint8_t type) const {
    const Event* e = last(type);
    REQUIRE_MESSAGE(e != nullptr, "no event of type " << int(type));
    auto it = info.find(e->seq);
    return it == info.end() ? ChangeInfo{} : it->second;
  }
};

Folded read_folded(Client& c) {
  auto b = c.read_events(0);
  REQUIRE_MESSAGE(b, (b ? "" : b.error().message));
  Folded f;
  f.events = b->events;
  f.info = fold_change_sources(f.events);
  for (const auto& e : f.events) {  // every record the lock wrote was attached
    CHECK(e.type != drivers::EventType::kChangedBy);
    CHECK(e.type != drivers::EventType::kOldValue);
    CHECK(e.type != drivers::EventType::kNewValue);
  }
  return f;
}

Event ev(uint32_t seq, uint8_t type, std::optional<uint16_t> slot = std::nullopt, uint8_t reason = 0,
         uint32_t t = 1000) {
  Event e;
  e.seq = seq;
  e.time = t;
  e.type = static_cast<drivers::EventType>(type);
  e.slot = slot;
  e.reason = static_cast<drivers::Reason>(reason);
  return e;
}
}  // namespace

TEST_CASE("each kind of change names its source: the keypad at onboarding, the service session after") {
  using namespace lockfw::test;
  Rig rig;
  rig.onboard(kAdmin);  // factory state: the first admin typed their code at the keypad, slot 0
  REQUIRE(rig.call(wire::kCmdCloseSession).error == wire::kErrNone);
  auto lock = std::make_shared<LoopbackLock>(rig.lock());
  auto c = Client::open(std::make_unique<LoopbackTransport>(lock));
  REQUIRE(c);
  REQUIRE(c->arm_session());
  rig.type_raw(kAdmin + "*0#");
  auto s = c->session();
  REQUIRE(s);
  REQUIRE(s->state == drivers::SessionState::kOpen);
  const ChangeSource service{ChangeSource::Kind::kService, static_cast<uint16_t>(s->session_id & 0xFFFF)};

  // Enrollment from the service port, the code typed at the keypad (twice).
  REQUIRE(c->open_enrollment(4, drivers::Role::kUser));
  rig.type_raw("5550123#");
  rig.type_raw("5550123#");
  REQUIRE(c->set_slot_enabled(4, false));
  REQUIRE(c->set_slot_enabled(4, true));
  drivers::Schedule weekday;
  weekday.kind = drivers::CodeKind::kWeekday;
  weekday.days_mask = 0x3E;
  weekday.start_minute = 9 * 60;
  weekday.end_minute = 17 * 60;
  REQUIRE(c->set_schedule(4, weekday));
  auto policy = c->get_lockout_policy();
  REQUIRE(policy);
  drivers::LockoutPolicy stricter = *policy;
  stricter.wrong_code_limit = 3;
  REQUIRE(c->set_lockout_policy(stricter));
  REQUIRE(c->set_clock(1767225600u, 60));
  auto pending = c->delete_slot(4);
  REQUIRE(pending);
  rig.type_raw(kAdmin + "#");  // the admin confirms at the lock

  const Folded f = read_folded(*c);
  // Onboarding: the code added at the keypad, by the admin's own slot.
  {
    const Event* first_add = nullptr;
    for (const auto& e : f.events)
      if (e.type == drivers::EventType::kCodeAdded) {
        first_add = &e;
        break;
      }
    REQUIRE(first_add != nullptr);
    REQUIRE(f.info.count(first_add->seq));
    CHECK(f.info.at(first_add->seq).by == ChangeSource{ChangeSource::Kind::kKeypad, 0});
    CHECK(describe_change_source(*f.info.at(first_add->seq).by) == "by keypad slot 0");
  }
  for (const uint8_t type : {wire::kEvCodeAdded, wire::kEvCodeDisabled, wire::kEvCodeEnabled, wire::kEvScheduleChanged,
                             wire::kEvPolicyChanged, wire::kEvClockSet, wire::kEvCodeDeleted}) {
    CAPTURE(int(type));
    const auto info = f.of(type);
    REQUIRE(info.by.has_value());
    CHECK(*info.by == service);
  }
  CHECK(describe_change_source(service) == "by service session " + std::to_string(service.id));
  // Policy: only the field that changed, old and new.
  const auto pol = f.of(wire::kEvPolicyChanged).values;
  REQUIRE(pol.size() == 1);
  CHECK(pol[0] == ValueChange{wire::kFieldWrongCodeLimit, static_cast<uint16_t>(policy->wrong_code_limit), 3});
  CHECK(describe_policy_changes(pol).at(0) ==
        "policy: lockout after " + std::to_string(policy->wrong_code_limit) + " -> 3 wrong codes");
  // Schedule: both schedules, whole.
  drivers::Schedule old_s, new_s;
  REQUIRE(schedule_change(f.of(wire::kEvScheduleChanged).values, old_s, new_s));
  CHECK(old_s == drivers::Schedule{});
  CHECK(new_s == weekday);
  // Changes without values carry none.
  CHECK(f.of(wire::kEvClockSet).values.empty());
  CHECK(f.of(wire::kEvCodeDeleted).values.empty());
}

TEST_CASE("an old-format log (no source records) decodes exactly as before") {
  std::vector<Event> old{ev(1, wire::kEvCodeAdded, 3), ev(2, wire::kEvPolicyChanged), ev(3, wire::kEvUnlockCode, 3),
                         ev(4, wire::kEvScheduleChanged, 3), ev(5, wire::kEvClockSet)};
  const auto copy = old;
  const auto info = fold_change_sources(old);
  CHECK(info.empty());
  CHECK(old == copy);
}

TEST_CASE("garbled or hostile source records are refused: kept as plain events, attached to nothing, bounded") {
  SUBCASE("a source with no change before it, a gap, another time, an unknown source, no slot") {
    std::vector<Event> e{ev(1, wire::kEvChangedBy, 3, wire::kReasonByService),           // nothing before
                         ev(2, wire::kEvUnlockCode, 1),
                         ev(3, wire::kEvChangedBy, 3, wire::kReasonByKeypad),
                         ev(4, wire::kEvPolicyChanged),
                         ev(6, wire::kEvChangedBy, 3, wire::kReasonByService),  // gap
                         ev(7, wire::kEvClockSet),
                         ev(8, wire::kEvChangedBy, 3, wire::kReasonByService, 999),   // time
                         ev(9, wire::kEvCodeAdded, 1),
                         ev(10, wire::kEvChangedBy, 3, 63),                        // reason
                         ev(11, wire::kEvCodeAdded, 1),
                         ev(12, wire::kEvChangedBy, std::nullopt, wire::kReasonByService)};
    const size_t n = e.size();
    const auto info = fold_change_sources(e);
    CHECK(info.empty());
    CHECK(e.size() == n);
  }
  SUBCASE("values: unpaired, mismatched fields, a policy field on a schedule, repeated fields, a flood") {
    std::vector<Event> e{ev(1, wire::kEvPolicyChanged),
                         ev(2, wire::kEvChangedBy, 7, wire::kReasonByService),
                         ev(3, wire::kEvOldValue, 5, wire::kFieldWrongCodeLimit),
                         ev(4, wire::kEvNewValue, 3, wire::kFieldWrongCodeLimit),
                         ev(5, wire::kEvOldValue, 5, wire::kFieldWrongCodeLimit),  // the same field again: refused
                         ev(6, wire::kEvNewValue, 9, wire::kFieldWrongCodeLimit)};
    uint32_t seq = 7;
    for (int k = 0; k < 5000; ++k) {  // a hostile lock's flood after the change
      e.push_back(ev(seq++, wire::kEvOldValue, 1, static_cast<uint8_t>(1 + k % 6)));
      e.push_back(ev(seq++, wire::kEvNewValue, 2, static_cast<uint8_t>(1 + k % 6)));
    }
    e.push_back(ev(seq++, wire::kEvScheduleChanged, 2));
    e.push_back(ev(seq++, wire::kEvChangedBy, 7, wire::kReasonByService));
    e.push_back(ev(seq++, wire::kEvOldValue, 5, wire::kFieldDisableS));   // a policy field on a schedule
    e.push_back(ev(seq++, wire::kEvNewValue, 6, wire::kFieldDisableS));
    e.push_back(ev(seq++, wire::kEvOldValue, 0, wire::kFieldScheduleKind));  // unpaired (last)
    const size_t n = e.size();
    const auto info = fold_change_sources(e);
    REQUIRE(info.size() == 2);
    const auto& pol = info.at(1).values;
    CHECK(pol.size() <= kMaxValueChanges);
    CHECK(pol.at(0) == ValueChange{wire::kFieldWrongCodeLimit, 5, 3});
    for (size_t i = 0; i < pol.size(); ++i)
      for (size_t j = i + 1; j < pol.size(); ++j) CHECK(pol[i].field != pol[j].field);
    CHECK(info.at(seq - 5).values.empty());
    drivers::Schedule a, b;
    CHECK_FALSE(schedule_change(info.at(seq - 5).values, a, b));  // incomplete: no schedule made up
    // Only what was attached left the list; the rest is kept, as plain events.
    size_t attached = 2;  // two CHANGED_BY
    for (const auto& [seq_, ci] : info) attached += 2 * ci.values.size();
    CHECK(e.size() == n - attached);
  }
}
