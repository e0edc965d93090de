// Slot labels known from earlier jobs (app/core slot_labels.h): enrolments name a slot,
// deletions and factory resets forget, unfinished steps change nothing.
#include <doctest/doctest.h>

#include "lockdiag/app/slot_labels.h"
#include "run_process.h"

using namespace lockdiag::app;
using lockdiag::test::TempDir;

namespace {

struct Store {
  TempDir dir;
  JobStore s = open();
  int seq = 0;

  JobStore open() {
    auto r = JobStore::open(dir.path() / "jobs.sqlite");
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
    return std::move(*r);
  }
  int64_t job(const std::string& kind, const std::string& serial = "LD1-0001") {
    REQUIRE(s.upsert_lock({serial, "LD-100", "1.0.0", std::nullopt}).has_value());
    JobRecord j;
    j.kind = kind;
    j.lock_serial = serial;
    j.site = "Flat 3";
    j.customer = "Harbour Lettings";
    j.technician = "Sam Okafor";
    auto id = s.create_job(j);
    REQUIRE(id.has_value());
    seq = 0;
    return *id;
  }
  void step(int64_t id, const std::string& name, const std::string& detail, StepState state = StepState::kDone) {
    ++seq;
    REQUIRE(s.begin_step(id, seq, name).has_value());
    if (state != StepState::kStarted) REQUIRE(s.finish_step(id, seq, state, "x", true, detail).has_value());
  }
  std::map<int, SlotLabel> labels(const std::string& serial = "LD1-0001") {
    auto r = known_slot_labels(s, serial);
    REQUIRE(r.has_value());
    return *r;
  }
};

}  // namespace

TEST_CASE("an enrolment names its slot; a later rotation renames it; a deletion forgets it") {
  Store st;
  CHECK(st.labels().empty());
  const auto reset = st.job("reset_onboarding");
  st.step(reset, "factory_reset", "{}");
  st.step(reset, "enroll_admin", R"({"slot":0,"person":"admin"})");
  st.step(reset, "enroll_user_1", R"({"slot":1,"person":"Alice"})");
  st.step(reset, "enroll_user_2", R"({"slot":2,"person":"Bob"})");
  auto l = st.labels();
  REQUIRE(l.size() == 3);
  CHECK(l[1].label == "Alice");
  CHECK(l[1].job_id == reset);
  CHECK(l[0].label == "admin");

  const auto rotation = st.job("rotation");
  st.step(rotation, "rotate_slot_1", R"x({"slot":1,"person":"Alice (new tenant)"})x");
  st.step(rotation, "rotate_slot_2", R"({"slot":2,"person":"Carol"})", StepState::kFailed);  // not done
  const auto audit = st.job("handoff_audit");
  st.step(audit, "delete_slot_2", R"({"slot":2})");
  st.step(audit, "delete_slot_0", R"({"slot":0})", StepState::kStarted);  // cut off: still there
  l = st.labels();
  CHECK(l.size() == 2);
  CHECK(l[1].label == "Alice (new tenant)");
  CHECK(l[1].job_id == rotation);
  CHECK(l.count(2) == 0);
  CHECK(l[0].label == "admin");

  // Another lock's jobs say nothing about this one.
  const auto other = st.job("reset_onboarding", "LD1-0002");
  st.step(other, "enroll_user_5", R"({"slot":5,"person":"Dave"})");
  CHECK(st.labels().count(5) == 0);
  CHECK(st.labels("LD1-0002").at(5).label == "Dave");
  CHECK(st.labels("").empty());  // no lock named: nothing, not every lock's

  // A later factory reset forgets every slot, even when nothing is enrolled after it.
  const auto again = st.job("reset_onboarding");
  st.step(again, "factory_reset", "{}");
  CHECK(st.labels().empty());
}

TEST_CASE("a step detail that is not what a slot step writes is skipped, not trusted") {
  Store st;
  const auto id = st.job("rotation");
  st.step(id, "enroll_user_3", "not json");
  st.step(id, "enroll_user_4", R"({"slot":"4","person":"Eve"})");
  st.step(id, "enroll_user_6", R"({"slot":6})");
  st.step(id, "enroll_user_7", R"({"slot":7,"person":7})");
  CHECK(st.labels().empty());
}
