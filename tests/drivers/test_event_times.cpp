// Event and record times on the wire: every encoder/decoder pair over the
// whole u32 range, in both directions: wire.h's time helpers, the firmware's READ_EVENTS
// encoder against a strict (1.1) decoder and against the client's decoder, and the client's
// decoder against a 1.1 lock that wraps its deltas.
#include <doctest/doctest.h>

#include <cstring>
#include <random>

#include "harness.h"
#include "lockdiag/drivers/client.h"
#include "lockfw/wire.h"
#include "support.h"  // tests/lockfw: a real lockfw core on a virtual lock

using namespace lockdiag;
using namespace lockdiag::drivers;
using namespace lockdiag::test;
namespace wire = lockfw::wire;

namespace {

// The edges of u32 time and of the clock's bounds, then random times.
std::vector<uint32_t> sample_times(size_t random_count, uint32_t seed) {
  std::vector<uint32_t> t = {0u,          1u,          0x7FFFFFFEu, 0x7FFFFFFFu, 0x80000000u, 0x80000001u,
                             0xFFFFFFFEu, 0xFFFFFFFFu, 1577836800u, 4102444799u, 4102444800u, 1767225600u};
  std::mt19937 rng(seed);
  for (size_t i = 0; i < random_count; ++i) t.push_back(static_cast<uint32_t>(rng()));
  return t;
}

// Every ordered pair of `edges` once, back to back, then the random tail: a sequence in which
// each pair appears as consecutive times (a -> b and b -> a).
std::vector<uint32_t> pair_sequence(const std::vector<uint32_t>& edges, size_t edge_count) {
  std::vector<uint32_t> seq;
  for (size_t i = 0; i < edge_count; ++i)
    for (size_t j = 0; j < edge_count; ++j) {
      seq.push_back(edges[i]);
      seq.push_back(edges[j]);
    }
  seq.insert(seq.end(), edges.begin() + static_cast<ptrdiff_t>(edge_count), edges.end());
  return seq;
}

}  // namespace

TEST_CASE("wire.h time helpers round-trip every pair of u32 times, both directions") {
  const auto t = sample_times(2000, 11);
  size_t pairs = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    for (size_t j = 0; j < t.size(); j += (i < 12 || j < 12) ? 1 : 97) {
      for (auto [v, ref] : {std::pair{t[i], t[j]}, std::pair{t[j], t[i]}}) {
        uint8_t buf[8];
        const uint8_t* p = buf;
        uint32_t out = 0;
        size_t n = wire::put_time_delta(buf, v, ref);
        REQUIRE(wire::read_time_delta(p, buf + n, ref, out));
        REQUIRE(out == v);
        REQUIRE(p == buf + n);
        p = buf;
        n = wire::put_time_after(buf, v, ref);
        REQUIRE(wire::read_time_after(p, buf + n, ref, out));
        REQUIRE(out == v);
        ++pairs;
      }
    }
  }
  MESSAGE(pairs << " pairs");
}

TEST_CASE("the client reads a 1.1 lock's wrapped event deltas exactly") {
  const auto edges = sample_times(300, 12);
  FakeLockConfig cfg;
  cfg.event_times = pair_sequence(edges, 12);
  cfg.event_capacity = static_cast<uint32_t>(cfg.event_times.size());
  cfg.head_seq = 100000;
  Bench b(cfg);
  auto c = b.client();
  REQUIRE(c);
  auto batch = c->read_events(0);
  REQUIRE(batch);  // 1.1 client: "READ_EVENTS page has an event time out of range"
  REQUIRE(batch->events.size() == cfg.event_times.size());
  for (size_t i = 0; i < cfg.event_times.size(); ++i) {
    CAPTURE(i);
    CHECK(batch->events[i].time == cfg.event_times[i]);
  }
}

TEST_CASE("the firmware's event pages decode exactly with a strict decoder and with the client's") {
  using namespace lockfw::test;
  lockfw::DeviceConfig cfg = small_config();
  cfg.event_capacity = 700;
  Rig rig(cfg, 4096);
  rig.onboard();
  const auto times = pair_sequence(sample_times(250, 13), 12);
  const uint32_t first = rig.lock().events().head_seq();
  for (uint32_t t : times) {
    rig.vl.rtc().set(t);
    rig.lock().key_override();  // one event at exactly this time
  }
  rig.vl.rtc().set(static_cast<uint32_t>(kTestEpochMs / 1000));

  // Strict decoding, as a 1.1 client did it: 64-bit sums that must stay within u32.
  uint32_t from = first;
  std::vector<uint32_t> strict;
  int pages = 0;
  for (;;) {
    auto r = rig.call(wire::kCmdReadEvents, wire::ReadEventsRequest{from, 0, 0});
    REQUIRE(r.error == wire::kErrNone);
    wire::ReadEventsResponseHead h{};
    std::memcpy(&h, r.payload.data(), sizeof h);
    const uint8_t* p = r.payload.data() + sizeof h;
    const uint8_t* end = r.payload.data() + r.payload.size();
    int64_t t = h.base_time;
    for (uint16_t i = 0; i < h.count; ++i) {
      const uint8_t b0 = *p++;
      uint32_t zz = 0, slot = 0;
      REQUIRE(wire::read_leb128(p, end, zz));
      t += wire::zigzag_decode(zz);
      REQUIRE(t >= 0);
      REQUIRE(t <= 0xFFFFFFFFll);  // 1.1 firmware: wrapped deltas leave the u32 range
      if (b0 & wire::kEvHasSlot) REQUIRE(wire::read_leb128(p, end, slot));
      if (b0 & wire::kEvHasExtra) ++p;
      if ((b0 & 0x3F) == wire::kEvKeyOverride) strict.push_back(static_cast<uint32_t>(t));
    }
    ++pages;
    if (!(h.flags & wire::kEventsMore)) break;
    from = h.first_seq + h.count;
  }
  CHECK(strict == times);
  MESSAGE(times.size() << " events in " << pages << " pages");

  // The client over the real ServicePort.
  auto lock = std::make_shared<LoopbackLock>(rig.lock());
  auto c = Client::open(std::make_unique<LoopbackTransport>(lock));
  REQUIRE(c);
  REQUIRE(c->arm_session());  // 1.4: the session is the armed channel's
  rig.type_raw("19283746*0#");
  auto batch = c->read_events(first);
  REQUIRE(batch);
  std::vector<uint32_t> client;
  for (const auto& e : batch->events)
    if (e.type == drivers::EventType::kKeyOverride) client.push_back(e.time);
  CHECK(client == times);
}

TEST_CASE("SET_CLOCK refuses 2100 and later, as documented") {
  using namespace lockfw::test;
  Rig rig;
  rig.onboard();
  CHECK(rig.set_clock(4102444799u) == wire::kErrNone);  // 2099-12-31 23:59:59
  CHECK(rig.set_clock(4102444800u) == wire::kErrInvalidTime);
  CHECK(rig.set_clock(0xFFFFFFFFu) == wire::kErrInvalidTime);
  CHECK(rig.set_clock(1577836799u) == wire::kErrInvalidTime);
}
