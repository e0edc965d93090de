// The typed client against a fake lock behind the real lockfw ServicePort.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "harness.h"
#include "lockdiag/drivers/link_model.h"
#include "lockfw/wire.h"

using namespace lockdiag;
using namespace lockdiag::drivers;
using namespace lockdiag::test;
namespace wire = lockfw::wire;

TEST_CASE("open allocates a channel and learns the serial") {
  Bench b;
  auto c = b.client();
  REQUIRE(c);
  CHECK(c->channel() != 0);
  CHECK(c->channel() != wire::kBroadcastCid);
  CHECK(c->serial() == "LD1-FAKE0001");
  CHECK(c->slot_count() == 250);
  auto id = c->identity();
  REQUIRE(id);
  CHECK(id->firmware == "1.2.3");
}

TEST_CASE("read_slots returns every occupied slot exactly, with progress") {
  Bench b;
  auto c = b.client();
  REQUIRE(c);
  std::vector<Progress> seen;
  auto slots = c->read_slots([&](const Progress& p) { seen.push_back(p); });
  REQUIRE(slots);
  CHECK(*slots == b.fake.expected_slots());
  CHECK(slots->size() == 250);
  REQUIRE(seen.size() >= 2);
  CHECK(seen.back().done == 250);
  CHECK(seen.back().total == 250);
  for (size_t i = 1; i < seen.size(); ++i) CHECK(seen[i].done >= seen[i - 1].done);
}

TEST_CASE("read_slots skips empty slots") {
  FakeLockConfig cfg;
  cfg.occupied = 17;
  Bench b(cfg);
  auto c = b.client();
  REQUIRE(c);
  auto slots = c->read_slots();
  REQUIRE(slots);
  CHECK(slots->size() == 17);
  CHECK(*slots == b.fake.expected_slots());
}

TEST_CASE("read_events decodes the compact encoding across pages and from a wrapped ring") {
  Bench b;
  auto c = b.client();
  REQUIRE(c);
  SUBCASE("from 0: the ring has wrapped, the batch says so") {
    auto batch = c->read_events(0);
    REQUIRE(batch);
    CHECK(batch->truncated);
    CHECK(batch->first_seq == b.fake.oldest_seq());
    CHECK(batch->next_seq == 12345);
    CHECK(batch->head_seq == 12345);
    CHECK(batch->events.size() == 10000);
    CHECK(batch->events == b.fake.expected_events(0));
    CHECK(batch->pages > 10);
    CHECK(static_cast<double>(batch->encoded_bytes) / 10000.0 < 6.0);
  }
  SUBCASE("from a sequence number in the middle") {
    auto batch = c->read_events(12000);
    REQUIRE(batch);
    CHECK_FALSE(batch->truncated);
    CHECK(batch->events == b.fake.expected_events(12000));
  }
  SUBCASE("from the head: nothing new") {
    auto batch = c->read_events(12345);
    REQUIRE(batch);
    CHECK(batch->events.empty());
    CHECK(batch->next_seq == 12345);
  }
  SUBCASE("one page at a time") {
    auto page = c->read_event_page(5000, 10);
    REQUIRE(page);
    CHECK(page->events.size() == 10);
    CHECK(page->more);
    CHECK(page->next_seq == 5010);
    auto exp = b.fake.expected_events(5000);
    CHECK(std::equal(page->events.begin(), page->events.end(), exp.begin()));
  }
}

TEST_CASE("typed wrappers for the session commands") {
  Bench b;
  auto c = b.client();
  REQUIRE(c);
  auto fp = c->get_fingerprint();
  REQUIRE(fp);
  CHECK(fp->occupied_count == 250);
  CHECK(fp->hex().size() == 64);

  auto clk = c->set_clock(1750000000, 60);
  REQUIRE(clk);
  CHECK_FALSE(clk->was_set);
  CHECK(b.fake.clock_utc == 1750000000);
  CHECK(b.fake.utc_offset == 60);
  clk = c->set_clock(1750000100, 60);
  REQUIRE(clk);
  CHECK(clk->was_set);
  CHECK(clk->previous_utc == 1750000000);

  Schedule wk;
  wk.kind = CodeKind::kWeekday;
  wk.days_mask = 0x3E;
  wk.start_minute = 480;
  wk.end_minute = 1020;
  CHECK(c->open_enrollment(42, Role::kGuest, wk));
  auto again = c->open_enrollment(43, Role::kUser);
  REQUIRE_FALSE(again);
  CHECK(again.error().kind == ErrorKind::kLockRefused);
  CHECK(again.error().lock_code == wire::kErrEnrollmentActive);
  CHECK(c->abort_enrollment());

  auto del = c->delete_slot(5);
  REQUIRE(del);
  CHECK(del->ticket == 1);
  CHECK(del->timeout_s == 60);
  CHECK(c->cancel_confirmation());
  auto none = c->cancel_confirmation();
  REQUIRE_FALSE(none);
  CHECK(none.error().lock_code == wire::kErrNoConfirmation);

  CHECK(c->set_slot_enabled(3, false));
  CHECK(c->set_schedule(3, wk));
  auto slots = c->read_slots();
  REQUIRE(slots);
  CHECK_FALSE((*slots)[3].enabled);
  CHECK((*slots)[3].schedule == wk);

  LockoutPolicy p{7, false, 30, 600};
  CHECK(c->set_lockout_policy(p));
  auto got = c->get_lockout_policy();
  REQUIRE(got);
  CHECK(*got == p);
  auto bad = c->set_lockout_policy({0, true, 1, 1});
  REQUIRE_FALSE(bad);

  auto reset = c->factory_reset(true);
  REQUIRE(reset);
  CHECK(reset->ticket == 2);
  auto out_of_range = c->delete_slot(999);
  REQUIRE_FALSE(out_of_range);
  CHECK(out_of_range.error().lock_code == wire::kErrSlotOutOfRange);
  auto pending = c->delete_slot(4);
  REQUIRE_FALSE(pending);
  CHECK(pending.error().lock_code == wire::kErrConfirmationPending);

  CHECK(c->close_session());
  auto refused = c->read_slots();
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::kLockRefused);
  CHECK(refused.error().lock_code == wire::kErrSessionRequired);
  CHECK(refused.error().message.find("service session") != std::string::npos);
}

TEST_CASE("ping carries multi-report messages both ways") {
  Bench b;
  auto c = b.client();
  REQUIRE(c);
  for (size_t n : {size_t{0}, size_t{1}, size_t{57}, size_t{58}, size_t{116}, size_t{117}, size_t{256}}) {
    std::vector<uint8_t> data(n);
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 31 + n);
    auto echo = c->ping(data);
    REQUIRE(echo);
    CHECK(*echo == data);
  }
}

TEST_CASE("a stray answer on the channel is dropped and the next call resyncs") {
  Bench b;
  auto t = std::make_unique<LoopbackTransport>(b.lock);
  auto* raw = t.get();
  auto c = Client::open(std::move(t));
  REQUIRE(c);
  // Someone (a crashed earlier call) asked for the status on our channel and never read it.
  for (const Report& r : encode_message(c->channel(), wire::kCmdGetStatus, {})) REQUIRE(raw->write(r));
  auto id = c->identity();
  REQUIRE(id);
  CHECK(id->serial == "LD1-FAKE0001");
  auto st = c->status();
  REQUIRE(st);
  CHECK(st->session == SessionState::kOpen);
}

TEST_CASE("an evicted channel is allocated again") {
  Bench b;
  auto c = b.client();
  REQUIRE(c);
  const uint32_t first = c->channel();
  // Eight other programs come and go; the lock's channel table forgets ours.
  for (int i = 0; i < 9; ++i) REQUIRE(b.client());
  auto id = c->identity();
  REQUIRE(id);
  CHECK(c->channel() != first);
}

TEST_CASE("a non-idempotent call is sent once and not retried after a timeout") {
  Bench b;
  ClientOptions o;
  o.call_timeout_ms = 300;
  // open on a clean line, then lose every answer
  struct Switch final : Transport {
    std::unique_ptr<Transport> inner;
    bool lose = false;
    Result<void> write(const Report& r) override { return inner->write(r); }
    Result<Report> read(int t) override {
      if (lose) {
        (void)inner->read(t);
        return fail(ErrorKind::kTimeout, "lost");
      }
      return inner->read(t);
    }
    std::string describe() const override { return "switch"; }
    int64_t now_ms() const override { return inner->now_ms(); }
  };
  auto sw = std::make_unique<Switch>();
  sw->inner = b.transport();
  auto* s = sw.get();
  auto c = Client::open(std::move(sw), o);
  REQUIRE(c);
  s->lose = true;
  const int64_t t0 = b.lock->now_ms();
  auto r = c->set_clock(1234, 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::kTimeout);
  CHECK(b.lock->now_ms() - t0 <= 300 + 25);
  CHECK(b.fake.set_clock_count <= 1);
  s->lose = false;
  auto st = c->status();
  REQUIRE(st);
}

TEST_CASE("disconnected mid-message is a clean error; reconnect by serial resumes a paged read") {
  Bench b;
  FaultPlan plan;
  plan.disconnect_at = 200;  // in the middle of the event read
  int opened = 0;
  ClientOptions o;
  o.call_timeout_ms = 500;
  o.reopen = [&]() -> Result<std::unique_ptr<Transport>> {
    ++opened;
    return std::unique_ptr<Transport>(std::make_unique<LoopbackTransport>(b.lock));
  };
  SUBCASE("without reconnect: kDisconnected, and every later call too") {
    o.reconnect_timeout_ms = 0;
    auto c = Client::open(std::make_unique<FaultyTransport>(b.transport(), plan), o);
    REQUIRE(c);
    auto batch = c->read_events(0);
    REQUIRE_FALSE(batch);
    CHECK(batch.error().kind == ErrorKind::kDisconnected);
    auto st = c->status();
    REQUIRE_FALSE(st);
    CHECK(st.error().kind == ErrorKind::kDisconnected);
    // explicit reconnect brings it back
    REQUIRE(c->reconnect(1000));
    CHECK(c->status());
  }
  SUBCASE("with reconnect: the read carries on from where it stopped") {
    o.reconnect_timeout_ms = 2000;
    auto c = Client::open(std::make_unique<FaultyTransport>(b.transport(), plan), o);
    REQUIRE(c);
    std::vector<Progress> seen;
    auto batch = c->read_events(0, [&](const Progress& p) { seen.push_back(p); });
    REQUIRE(batch);
    CHECK(batch->reconnects == 1);
    CHECK(opened == 1);
    CHECK(batch->events == b.fake.expected_events(0));
    CHECK(std::any_of(seen.begin(), seen.end(), [](const Progress& p) { return p.reconnecting; }));
  }
  SUBCASE("a different lock on that port is refused") {
    FakeLockConfig other;
    other.serial = "LD1-OTHER";
    FakeLock fake2(other);
    auto lock2 = std::make_shared<LoopbackLock>(fake2);
    o.reconnect_timeout_ms = 2000;
    o.reopen = [&]() -> Result<std::unique_ptr<Transport>> {
      return std::unique_ptr<Transport>(std::make_unique<LoopbackTransport>(lock2));
    };
    auto c = Client::open(std::make_unique<FaultyTransport>(b.transport(), plan), o);
    REQUIRE(c);
    auto batch = c->read_events(0);
    REQUIRE_FALSE(batch);
    CHECK(batch.error().message.find("different lock") != std::string::npos);
  }
}

namespace {
// Real time per report, so a long read takes long enough for another thread to act.
struct Slow final : Transport {
  std::unique_ptr<Transport> inner;
  Result<void> write(const Report& r) override { return inner->write(r); }
  Result<Report> read(int t) override {
    std::this_thread::sleep_for(std::chrono::microseconds(300));
    return inner->read(t);
  }
  std::string describe() const override { return "slow"; }
  int64_t now_ms() const override { return inner->now_ms(); }
};
}  // namespace

TEST_CASE("cancellation from a UI thread, and calls from two threads") {
  Bench b;
  auto slow = std::make_unique<Slow>();
  slow->inner = b.transport();
  auto c = Client::open(std::move(slow));
  REQUIRE(c);
  CancelToken cancel;
  std::atomic<size_t> progress{0};
  std::thread ui([&] {
    while (progress.load() < 1000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    cancel.cancel();
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto batch = c->read_events(0, [&](const Progress& p) { progress = p.done; }, &cancel);
  ui.join();
  const auto took = std::chrono::steady_clock::now() - t0;
  REQUIRE_FALSE(batch);
  CHECK(batch.error().kind == ErrorKind::kCancelled);
  CHECK(progress.load() < 10000);
  CHECK(took < std::chrono::seconds(5));

  // the client is usable again, and two threads may share it
  std::atomic<int> ok{0};
  std::thread other([&] {
    for (int i = 0; i < 20; ++i)
      if (c->status()) ++ok;
  });
  auto slots = c->read_slots();
  other.join();
  REQUIRE(slots);
  CHECK(*slots == b.fake.expected_slots());
  CHECK(ok.load() == 20);
}

TEST_CASE("a cancelled token stops a call before it starts") {
  Bench b;
  auto c = b.client();
  REQUIRE(c);
  CancelToken t;
  t.cancel();
  auto r = c->read_slots({}, &t);
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::kCancelled);
}

TEST_CASE("schedules round-trip through the wire block") {
  Schedule s;
  s.kind = CodeKind::kDateRange;
  s.start_time = 1700000000;
  s.end_time = 1700086400;
  auto b = encode_schedule(s);
  CHECK(decode_schedule(static_cast<uint8_t>(s.kind), b.data()) == s);
  s = {};
  s.kind = CodeKind::kTemporaryFirstUse;
  s.first_use_minutes = 2880;
  b = encode_schedule(s);
  CHECK(decode_schedule(static_cast<uint8_t>(s.kind), b.data()) == s);
}
