// Framing, both sides: the host's encoder/assembler against the firmware's assembler/sender.
#include <doctest/doctest.h>

#include <cstring>
#include <deque>
#include <vector>

#include "core/framing.h"
#include "lockdiag/drivers/framing.h"

using namespace lockfw::wire;
using lockdiag::drivers::encode_message;
using lockdiag::drivers::MessageAssembler;
using lockdiag::drivers::Report;

namespace {

std::vector<uint8_t> pattern(size_t n, uint8_t salt) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 31 + salt + (i >> 8));
  return v;
}

struct CapturePort final : lockfw::hal::UsbPort {
  std::deque<Report> sent;
  size_t refuse_after = SIZE_MAX;  // simulate a busy endpoint
  bool send_report(const uint8_t* r) override {
    if (sent.size() >= refuse_after) return false;
    Report rep;
    std::copy(r, r + kReportSize, rep.begin());
    sent.push_back(rep);
    return true;
  }
};

// A device-side assembler that can hold the largest message the protocol allows.
struct Device {
  lockfw::ChannelTable channels;
  std::vector<uint8_t> buffer = std::vector<uint8_t>(kMaxMessageSize);
  lockfw::RequestAssembler assembler{buffer.data(), static_cast<uint16_t>(kMaxMessageSize)};
  uint32_t cid = channels.allocate(42);
};

}  // namespace

TEST_CASE("every message size from 0 to the maximum survives host -> device") {
  Device dev;
  for (size_t n = 0; n <= kMaxMessageSize; ++n) {
    const auto payload = pattern(n, static_cast<uint8_t>(n));
    const auto reports = encode_message(dev.cid, kCmdPing, payload);
    REQUIRE(reports.size() == (n <= kInitDataSize ? 1 : 1 + (n - kInitDataSize + kContDataSize - 1) / kContDataSize));
    lockfw::RxResult last{};
    for (size_t i = 0; i < reports.size(); ++i) {
      last = dev.assembler.on_report(reports[i].data(), 0, dev.channels);
      if (i + 1 < reports.size()) REQUIRE(last.kind == lockfw::RxResult::kNothing);
    }
    REQUIRE(last.kind == lockfw::RxResult::kMessage);
    REQUIRE(last.frame.cid == dev.cid);
    REQUIRE(last.frame.cmd == kCmdPing);
    REQUIRE(last.frame.length == n);
    REQUIRE(std::equal(payload.begin(), payload.end(), last.frame.payload));
  }
}

TEST_CASE("every message size from 0 to the maximum survives device -> host") {
  const uint32_t cid = 0x12345678;
  for (size_t n = 0; n <= kMaxMessageSize; ++n) {
    const auto payload = pattern(n, 7);
    CapturePort port;
    lockfw::ResponseSender sender;
    sender.start(cid, kCmdGetIdentity, payload.data(), static_cast<uint16_t>(n));
    REQUIRE(sender.pump(port));
    MessageAssembler host(cid);
    MessageAssembler::Status st = MessageAssembler::Status::kNeedMore;
    for (const auto& r : port.sent) st = host.feed(r);
    REQUIRE(st == MessageAssembler::Status::kComplete);
    REQUIRE(host.message().cmd == kCmdGetIdentity);
    REQUIRE(host.message().payload == payload);
  }
}

TEST_CASE("a busy endpoint delays the response, it does not lose it") {
  const auto payload = pattern(1000, 3);
  CapturePort port;
  port.refuse_after = 3;
  lockfw::ResponseSender sender;
  sender.start(9, kCmdReadEvents, payload.data(), 1000);
  CHECK_FALSE(sender.pump(port));
  CHECK(port.sent.size() == 3);
  port.refuse_after = SIZE_MAX;
  CHECK(sender.pump(port));
  MessageAssembler host(9);
  MessageAssembler::Status st{};
  for (const auto& r : port.sent) st = host.feed(r);
  CHECK(st == MessageAssembler::Status::kComplete);
  CHECK(host.message().payload == payload);
}

TEST_CASE("the host reassembles its own channel from interleaved channels") {
  const auto a = pattern(700, 1), b = pattern(300, 2);
  const auto ra = encode_message(0xA, kCmdReadSlots, a);
  const auto rb = encode_message(0xB, kCmdReadEvents, b);
  MessageAssembler host_a(0xA), host_b(0xB);
  std::vector<Report> mixed;
  for (size_t i = 0; i < std::max(ra.size(), rb.size()); ++i) {
    if (i < ra.size()) mixed.push_back(ra[i]);
    if (i < rb.size()) mixed.push_back(rb[i]);
  }
  int done_a = 0, done_b = 0, ignored_a = 0;
  for (const auto& r : mixed) {
    const auto sa = host_a.feed(r);
    if (sa == MessageAssembler::Status::kComplete) ++done_a;
    if (sa == MessageAssembler::Status::kIgnored) ++ignored_a;
    if (host_b.feed(r) == MessageAssembler::Status::kComplete) ++done_b;
  }
  CHECK(done_a == 1);
  CHECK(done_b == 1);
  CHECK(ignored_a == static_cast<int>(rb.size()));
  CHECK(host_a.message().payload == a);
  CHECK(host_b.message().payload == b);
}

TEST_CASE("the device serves one channel at a time: an interleaved channel gets CHANNEL_BUSY") {
  Device dev;
  const uint32_t other = dev.channels.allocate(7);
  const auto ra = encode_message(dev.cid, kCmdPing, pattern(200, 1));
  const auto rb = encode_message(other, kCmdPing, pattern(10, 2));
  REQUIRE(dev.assembler.on_report(ra[0].data(), 0, dev.channels).kind == lockfw::RxResult::kNothing);
  const auto busy = dev.assembler.on_report(rb[0].data(), 1, dev.channels);
  CHECK(busy.kind == lockfw::RxResult::kError);
  CHECK(busy.err_cid == other);
  CHECK(busy.err_code == kErrChannelBusy);
  // the first channel's message is unharmed
  lockfw::RxResult last{};
  for (size_t i = 1; i < ra.size(); ++i) last = dev.assembler.on_report(ra[i].data(), 2, dev.channels);
  CHECK(last.kind == lockfw::RxResult::kMessage);
  CHECK(last.frame.length == 200);
  // and once it is done, the other channel is served
  CHECK(dev.assembler.on_report(rb[0].data(), 3, dev.channels).kind == lockfw::RxResult::kMessage);
}

TEST_CASE("malformed input is answered with the right error and no crash") {
  Device dev;
  auto feed = [&](const Report& r, uint32_t t = 0) { return dev.assembler.on_report(r.data(), t, dev.channels); };

  SUBCASE("bad sequence") {
    auto reports = encode_message(dev.cid, kCmdPing, pattern(200, 5));
    reports[2][4] = 5;  // expected seq 1
    REQUIRE(feed(reports[0]).kind == lockfw::RxResult::kNothing);
    REQUIRE(feed(reports[1]).kind == lockfw::RxResult::kNothing);
    const auto r = feed(reports[2]);
    CHECK(r.kind == lockfw::RxResult::kError);
    CHECK(r.err_code == kErrInvalidSequence);
    CHECK_FALSE(dev.assembler.busy());
  }
  SUBCASE("length beyond the maximum") {
    Report r{};
    std::memcpy(r.data(), &dev.cid, 4);
    r[4] = kCmdPing | kInitFlag;
    const uint16_t too_long = kMaxMessageSize + 1;
    r[5] = static_cast<uint8_t>(too_long);
    r[6] = static_cast<uint8_t>(too_long >> 8);
    const auto res = feed(r);
    CHECK(res.kind == lockfw::RxResult::kError);
    CHECK(res.err_code == kErrInvalidLength);
  }
  SUBCASE("length beyond this device's request buffer") {
    uint8_t small[64];
    lockfw::RequestAssembler tiny(small, sizeof small);
    const auto reports = encode_message(dev.cid, kCmdPing, pattern(65, 1));
    const auto res = tiny.on_report(reports[0].data(), 0, dev.channels);
    CHECK(res.kind == lockfw::RxResult::kError);
    CHECK(res.err_code == kErrInvalidLength);
  }
  SUBCASE("truncated: continuation packets stop arriving") {
    const auto reports = encode_message(dev.cid, kCmdPing, pattern(300, 5));
    REQUIRE(feed(reports[0], 1000).kind == lockfw::RxResult::kNothing);
    CHECK(dev.assembler.poll(1000 + kContinuationTimeoutMs).kind == lockfw::RxResult::kNothing);
    const auto r = dev.assembler.poll(1001 + kContinuationTimeoutMs);
    CHECK(r.kind == lockfw::RxResult::kError);
    CHECK(r.err_code == kErrMessageTimeout);
    CHECK(r.err_cid == dev.cid);
    CHECK_FALSE(dev.assembler.busy());
  }
  SUBCASE("wrong channel: never allocated") {
    const auto reports = encode_message(0xDEADBEEF, kCmdGetIdentity, {});
    const auto r = feed(reports[0]);
    CHECK(r.kind == lockfw::RxResult::kError);
    CHECK(r.err_code == kErrInvalidChannel);
  }
  SUBCASE("wrong channel: reserved id 0 and broadcast for anything but INIT") {
    CHECK(feed(encode_message(0, kCmdPing, {})[0]).err_code == kErrInvalidChannel);
    CHECK(feed(encode_message(kBroadcastCid, kCmdGetIdentity, {})[0]).err_code == kErrInvalidChannel);
    const uint8_t nonce[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(feed(encode_message(kBroadcastCid, kCmdInit, nonce)[0]).kind == lockfw::RxResult::kMessage);
  }
  SUBCASE("continuation without init") {
    auto reports = encode_message(dev.cid, kCmdPing, pattern(100, 5));
    const auto r = feed(reports[1]);
    CHECK(r.kind == lockfw::RxResult::kError);
    CHECK(r.err_code == kErrInvalidSequence);
  }
  SUBCASE("a new request in the middle of a message aborts it") {
    const auto first = encode_message(dev.cid, kCmdPing, pattern(100, 5));
    const auto second = encode_message(dev.cid, kCmdGetStatus, {});
    REQUIRE(feed(first[0]).kind == lockfw::RxResult::kNothing);
    const auto r = feed(second[0]);
    CHECK(r.kind == lockfw::RxResult::kError);
    CHECK(r.err_code == kErrInvalidSequence);
    CHECK(feed(second[0]).kind == lockfw::RxResult::kMessage);  // and the channel recovers
  }
  SUBCASE("INIT on a channel resynchronises it") {
    const auto partial = encode_message(dev.cid, kCmdPing, pattern(100, 5));
    const uint8_t nonce[8] = {};
    REQUIRE(feed(partial[0]).kind == lockfw::RxResult::kNothing);
    const auto r = feed(encode_message(dev.cid, kCmdInit, nonce)[0]);
    CHECK(r.kind == lockfw::RxResult::kMessage);
    CHECK(r.frame.cmd == kCmdInit);
  }
}

TEST_CASE("the host assembler refuses what the protocol cannot carry") {
  MessageAssembler host(1);
  Report r{};
  r[0] = 1;
  r[4] = kCmdPing | kInitFlag;
  r[5] = 0xFF;
  r[6] = 0xFF;  // 65535 > 7609
  CHECK(host.feed(r) == MessageAssembler::Status::kError);
  Report cont{};
  cont[0] = 1;
  cont[4] = 0;
  CHECK(host.feed(cont) == MessageAssembler::Status::kError);  // continuation without init
}

TEST_CASE("channel ids are never reserved, broadcast or repeated among live channels") {
  lockfw::ChannelTable t;
  std::vector<uint32_t> ids;
  for (size_t i = 0; i < lockfw::ChannelTable::kChannels; ++i) ids.push_back(t.allocate(0));
  for (size_t i = 0; i < ids.size(); ++i) {
    CHECK(ids[i] != kReservedCid);
    CHECK(ids[i] != kBroadcastCid);
    CHECK(t.contains(ids[i]));
    for (size_t j = i + 1; j < ids.size(); ++j) CHECK(ids[i] != ids[j]);
  }
  t.allocate(0);  // evicts the oldest
  CHECK_FALSE(t.contains(ids[0]));
}

TEST_CASE("a numbered request whose reports arrive twice is taken once; an unnumbered one as before") {
  Device dev;
  auto feed = [&](const Report& r) { return dev.assembler.on_report(r.data(), 0, dev.channels); };
  const std::vector<uint8_t> clock = {1, 2, 3, 4, 5, 6, 7, 8};

  SUBCASE("one-report request repeated: one message, no answer to the repeat") {
    const auto r = encode_message(dev.cid, kCmdSetClock, clock, 3);
    CHECK(feed(r[0]).kind == lockfw::RxResult::kMessage);
    CHECK(feed(r[0]).kind == lockfw::RxResult::kNothing);
    CHECK(feed(r[0]).kind == lockfw::RxResult::kNothing);
    // the next request has the next number and is taken, even with the same bytes
    CHECK(feed(encode_message(dev.cid, kCmdSetClock, clock, 4)[0]).kind == lockfw::RxResult::kMessage);
    // after INIT on the channel every number is new again
    CHECK(feed(encode_message(dev.cid, kCmdInit, pattern(8, 1))[0]).kind == lockfw::RxResult::kMessage);
    CHECK(feed(encode_message(dev.cid, kCmdSetClock, clock, 4)[0]).kind == lockfw::RxResult::kMessage);
  }
  SUBCASE("unnumbered (a 1.0 host): a repeat is a second request, as in 1.0") {
    const auto r = encode_message(dev.cid, kCmdSetClock, clock);
    CHECK(feed(r[0]).kind == lockfw::RxResult::kMessage);
    CHECK(feed(r[0]).kind == lockfw::RxResult::kMessage);
  }
  SUBCASE("numbers are per channel") {
    const uint32_t other = dev.channels.allocate(7);
    CHECK(feed(encode_message(dev.cid, kCmdSetClock, clock, 5)[0]).kind == lockfw::RxResult::kMessage);
    CHECK(feed(encode_message(other, kCmdSetClock, clock, 5)[0]).kind == lockfw::RxResult::kMessage);
  }
  SUBCASE("multi-report request: a repeated init, continuation, and last continuation") {
    const auto payload = pattern(200, 9);  // init + 3 continuations
    const auto r = encode_message(dev.cid, kCmdPing, payload, 6);
    REQUIRE(r.size() == 4);
    CHECK(feed(r[0]).kind == lockfw::RxResult::kNothing);
    CHECK(feed(r[0]).kind == lockfw::RxResult::kNothing);  // dropped, the message goes on
    CHECK(feed(r[1]).kind == lockfw::RxResult::kNothing);
    CHECK(feed(r[1]).kind == lockfw::RxResult::kNothing);  // dropped
    CHECK(feed(r[2]).kind == lockfw::RxResult::kNothing);
    const auto done = feed(r[3]);
    REQUIRE(done.kind == lockfw::RxResult::kMessage);
    CHECK(done.frame.length == payload.size());
    CHECK(std::equal(payload.begin(), payload.end(), done.frame.payload));
    CHECK(feed(r[3]).kind == lockfw::RxResult::kNothing);  // after completion: dropped, not INVALID_SEQ
    // but a continuation out of order is still an error
    const auto stray = feed(r[2]);
    CHECK(stray.kind == lockfw::RxResult::kError);
    CHECK(stray.err_code == kErrInvalidSequence);
  }
  SUBCASE("a refused request's repeat is not refused again (one answer per request)") {
    const uint32_t other = dev.channels.allocate(7);
    const auto big = encode_message(dev.cid, kCmdPing, pattern(200, 1), 1);
    REQUIRE(feed(big[0]).kind == lockfw::RxResult::kNothing);
    const auto rb = encode_message(other, kCmdSetClock, clock, 2);
    CHECK(feed(rb[0]).err_code == kErrChannelBusy);
    CHECK(feed(rb[0]).kind == lockfw::RxResult::kNothing);
  }
  SUBCASE("the length bits still bound the message") {
    Report r = encode_message(dev.cid, kCmdPing, {}, 7)[0];
    r[5] = 0xFF;  // length 0x1FFF with transaction 7
    r[6] = 0xFF;
    const auto res = feed(r);
    CHECK(res.kind == lockfw::RxResult::kError);
    CHECK(res.err_code == kErrInvalidLength);
  }
}
