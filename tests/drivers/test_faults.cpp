// Thousands of seeded runs through a fault-injecting transport: every client call either
// succeeds with exactly the lock's data or fails with a specific error within its timeout.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <map>

#include "harness.h"
#include "lockfw/wire.h"

using namespace lockdiag;
using namespace lockdiag::drivers;
using namespace lockdiag::test;
namespace wire = lockfw::wire;

namespace {

constexpr int kTimeoutMs = 300;
constexpr int kSliceMs = 25;  // a call may overrun its deadline by one read slice

bool specific(const Error& e) {
  switch (e.kind) {
    case ErrorKind::kTimeout:
    case ErrorKind::kProtocol:
    case ErrorKind::kDisconnected: return !e.message.empty();
    case ErrorKind::kLockRefused:
      // only framing refusals can come from a damaged conversation
      return e.lock_code == wire::kErrInvalidSequence || e.lock_code == wire::kErrMessageTimeout ||
             e.lock_code == wire::kErrChannelBusy || e.lock_code == wire::kErrInvalidChannel;
    default: return false;
  }
}

FaultPlan plan_for(uint64_t seed) {
  FaultPlan p;
  p.seed = seed;
  uint64_t x = seed * 0x2545F4914F6CDD1Dull + 7;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  switch (seed % 9) {
    case 0: p.drop = 0.002 + static_cast<double>(next() % 30) / 1000; break;
    case 1: p.duplicate = 0.002 + static_cast<double>(next() % 30) / 1000; break;
    case 2: p.truncate = 0.002 + static_cast<double>(next() % 30) / 1000; break;
    case 3: p.delay = 0.002 + static_cast<double>(next() % 30) / 1000; break;
    case 4: p.reorder = 0.002 + static_cast<double>(next() % 30) / 1000; break;
    case 5: p.drop_out = 0.01 + static_cast<double>(next() % 50) / 1000; break;
    case 6: p.disconnect_at = static_cast<int64_t>(next() % 400); break;
    case 7: p.duplicate_out = 0.02 + static_cast<double>(next() % 100) / 1000; break;
    default:  // everything at once
      p.drop = p.duplicate = p.truncate = p.delay = p.reorder = 0.004;
      p.drop_out = p.duplicate_out = 0.01;
      if (next() % 2) p.disconnect_at = static_cast<int64_t>(next() % 600);
  }
  p.delay_ms = 5 + static_cast<int>(next() % 400);
  return p;
}

struct Tally {
  std::map<std::string, int> outcomes;
  int runs = 0, successes = 0, failures = 0;
};

}  // namespace

TEST_CASE("fault injection: exact data or a specific error within the timeout") {
  const int runs = std::getenv("LOCKDIAG_FAULT_RUNS") ? std::atoi(std::getenv("LOCKDIAG_FAULT_RUNS")) : 2000;
  FakeLockConfig cfg;
  cfg.events_stored = 600;  // several pages; the full log is the benchmark's business
  cfg.head_seq = 1000;
  Tally tally;
  for (int run = 0; run < runs; ++run) {
    const uint64_t seed = static_cast<uint64_t>(run) + 1;
    const FaultPlan plan = plan_for(seed);
    Bench b(cfg);
    auto ft = std::make_unique<FaultyTransport>(b.transport(), plan);
    FaultyTransport* faults = ft.get();
    ClientOptions o;
    o.call_timeout_ms = kTimeoutMs;
    o.read_retries = 2;
    const auto& lock = b.lock;
    int64_t t0 = lock->now_ms();
    auto c = Client::open(std::move(ft), o);
    ++tally.runs;
    INFO("plan: " << plan.describe());
    // open = INIT + identity: two calls
    CHECK(lock->now_ms() - t0 <= 2 * (kTimeoutMs + kSliceMs));
    if (!c) {
      CHECK(specific(c.error()));
      ++tally.outcomes[std::string("open:") + to_string(c.error().kind)];
      continue;
    }
    auto check = [&](const char* what, auto&& result, auto&& exact, int64_t started, int calls) {
      INFO(what);
      CHECK(lock->now_ms() - started <= calls * (kTimeoutMs + kSliceMs));
      if (result) {
        CHECK(exact(*result));
        ++tally.successes;
        ++tally.outcomes[std::string(what) + ":ok"];
      } else {
        INFO(result.error().message);
        CHECK(specific(result.error()));
        ++tally.failures;
        ++tally.outcomes[std::string(what) + ":" + to_string(result.error().kind)];
        if (faults->counts().disconnected) CHECK(result.error().kind == ErrorKind::kDisconnected);
      }
    };
    t0 = lock->now_ms();
    auto id = c->identity();
    check("identity", id, [&](const Identity& i) { return i.serial == cfg.serial && i.slot_count == 250; }, t0, 1);

    t0 = lock->now_ms();
    auto slots = c->read_slots();
    const auto expected_slots = b.fake.expected_slots();
    check("read_slots", slots, [&](const std::vector<SlotRecord>& s) { return s == expected_slots; }, t0, 8);

    t0 = lock->now_ms();
    auto events = c->read_events(0);
    const auto expected_events = b.fake.expected_events(0);
    check(
        "read_events", events, [&](const EventBatch& e) { return e.events == expected_events && e.truncated; }, t0, 8);

    t0 = lock->now_ms();
    const uint32_t when = 1750000000u + static_cast<uint32_t>(run);
    auto clk = c->set_clock(when, 120);
    check(
        "set_clock", clk,
        [&](const ClockChange& ch) { return !ch.was_set && ch.previous_utc == 0 && b.fake.clock_utc == when; }, t0, 1);
    // a change is carried out at most once per request the client sent, even when the
    // request's report reached the lock twice
    CHECK(b.fake.set_clock_count <= 1);
    CHECK(b.fake.handled_by_cmd[wire::kCmdSetClock] <= 1);

    t0 = lock->now_ms();
    auto enroll = c->open_enrollment(5, Role::kUser);
    // Result<void> has no value to compare: success must have opened it, exactly once
    auto opened = enroll ? Result<bool>(b.fake.enrollment_active) : Result<bool>(std::unexpected(enroll.error()));
    check("open_enrollment", opened, [&](bool active) { return active; }, t0, 1);
    CHECK(b.fake.handled_by_cmd[wire::kCmdOpenEnrollment] <= 1);

    t0 = lock->now_ms();
    std::vector<uint8_t> data(150);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i ^ run);
    auto echo = c->ping(data);
    check("ping", echo, [&](const std::vector<uint8_t>& e) { return e == data; }, t0, 1);

    t0 = lock->now_ms();
    auto pol = c->get_lockout_policy();
    check("lockout_policy", pol, [&](const LockoutPolicy& p) { return p == LockoutPolicy{}; }, t0, 1);
  }
  std::printf("fault injection: %d runs, %d calls succeeded exactly, %d failed with a specific error\n", tally.runs,
              tally.successes, tally.failures);
  for (auto& [k, v] : tally.outcomes) std::printf("  %-28s %d\n", k.c_str(), v);
  CHECK(tally.successes > tally.failures);  // the retries do their job
}

TEST_CASE("no faults: every call succeeds") {
  Bench b;
  auto c = Client::open(std::make_unique<FaultyTransport>(b.transport(), FaultPlan{}));
  REQUIRE(c);
  REQUIRE(c->read_slots());
  REQUIRE(c->read_events(0));
  REQUIRE(c->set_clock(1, 0));
}
