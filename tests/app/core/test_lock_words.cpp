// app/core's wording of what the lock reports (lock_words.h) covers every value drivers knows,
// in plain words, and the findings say a refusal the way the events do.
#include <doctest/doctest.h>

#include <string>

#include "lockdiag/app/findings.h"
#include "lockdiag/app/lock_words.h"
#include "snake_case_scan.h"

using namespace lockdiag;
using drivers::EventType;
using drivers::Reason;

namespace {

bool known_to_drivers(EventType t) { return std::string(drivers::event_type_name(t)) != "unknown"; }
bool known_to_drivers(Reason r) { return std::string(drivers::reason_name(r)) != "unknown"; }

}  // namespace

TEST_CASE("every event type drivers names has the technician's words, without snake_case") {
  int known = 0;
  for (int v = 0; v < 64; ++v) {
    const auto t = static_cast<EventType>(v);
    if (!known_to_drivers(t)) {
      CHECK(std::string(app::event_label(t)) == "Unknown event");
      continue;
    }
    ++known;
    const std::string label = app::event_label(t);
    INFO("event type " << v << " (" << drivers::event_type_name(t) << "): " << label);
    CHECK(label != "Unknown event");
    CHECK(test::snake_case_words(label).empty());
  }
  CHECK(known == 33);  // 1..33: a new wire type needs a name in drivers and words here
}

TEST_CASE("every reason drivers names has words, and none reads as an identifier") {
  for (int v = 1; v < 64; ++v) {
    const auto r = static_cast<Reason>(v);
    if (!known_to_drivers(r)) continue;
    const std::string label = app::reason_label(r);
    INFO("reason " << v << " (" << drivers::reason_name(r) << "): " << label);
    CHECK(label != "unknown reason");
    CHECK(test::snake_case_words(label).empty());
  }
  CHECK(std::string(app::reason_label(static_cast<Reason>(63))) == "unknown reason");
}

TEST_CASE("roles and kinds in words") {
  CHECK(std::string(app::role_label(drivers::Role::kAdmin)) == "Admin");
  CHECK(std::string(app::role_label(drivers::Role::kGuest)) == "Guest");
  CHECK(std::string(app::kind_label(drivers::CodeKind::kWeekday)) == "Weekly schedule");
  CHECK(std::string(app::kind_label(drivers::CodeKind::kTemporaryFirstUse)) == "Temporary (after first use)");
}

TEST_CASE("the explainer answers a refusal with the reason and the slot, and calls nothing refused otherwise") {
  app::EventView e;
  e.type = EventType::kRejected;
  e.reason = Reason::kOutsideSchedule;
  e.slot = 4;
  CHECK(app::is_refusal(e));
  CHECK(app::explain(e).find("slot 4's schedule") != std::string::npos);
  e.type = EventType::kEnrollAborted;
  e.reason = Reason::kMismatch;
  CHECK(app::explain(e).find(app::reason_label(Reason::kMismatch)) != std::string::npos);
  e.type = EventType::kUnlockCode;
  e.reason = Reason::kNone;
  CHECK_FALSE(app::is_refusal(e));
  CHECK(app::explain(e).find("Nothing was refused") != std::string::npos);
}
