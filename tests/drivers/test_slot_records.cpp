// READ_SLOTS records on the wire (docs/protocol.md 5.6): the client's decoder against bytes
// written by hand, against the real firmware's encoder in both formats, and against pages
// that are cut short or damaged.
#include <doctest/doctest.h>

#include <cstring>

#include "harness.h"
#include "lockdiag/drivers/client.h"
#include "lockfw/wire.h"
#include "support.h"  // tests/lockfw: a real lockfw core on a virtual lock

using namespace lockdiag;
using namespace lockdiag::drivers;
using namespace lockdiag::test;
namespace wire = lockfw::wire;

namespace {

using Bytes = std::vector<uint8_t>;

// The worked example of docs/protocol.md 5.6, byte for byte: one record of each kind.
const Bytes kExamplePage = {
    0x00, 0x00, 0xFF, 0xFF, 0x05, 0x01,                                                        // head
    0x23, 0x00, 0x80, 0xE4, 0xAD, 0x95, 0x0D, 0x90, 0x1C, 0x0C,                                // slot 0
    0x03, 0x11, 0x80, 0xC6, 0x0A, 0x80, 0xF5, 0x24,                                            // slot 1
    0x6B, 0x22, 0x02, 0xE0, 0xBF, 0x0A, 0xD0, 0x0F, 0x01, 0x78, 0x00, 0x40, 0x62, 0x58, 0x69,  // slot 4
    0x03, 0x31, 0x9F, 0xFB, 0x0B, 0x3E, 0xE0, 0x01, 0x38, 0x04,                                // slot 5
    0x01, 0x42, 0xC0, 0xC7, 0x16, 0x80, 0xC6, 0x0A, 0x80, 0xE9, 0x0F,                          // slot 6
};

Result<SlotPage> decode(const Bytes& b, uint16_t start = 0, int slot_count = 250) {
  return decode_slot_page(b, start, slot_count);
}

// A compact page of `records`, encoded with wire.h's encoder.
Bytes compact_page(uint16_t start, uint16_t next, const std::vector<wire::SlotRecordFields>& records) {
  Bytes out(sizeof(wire::ReadSlotsResponseHead));
  wire::ReadSlotsResponseHead h{start, next, static_cast<uint8_t>(records.size()), wire::kSlotFormatCompact};
  std::memcpy(out.data(), &h, sizeof h);
  wire::CompactSlotCursor c{start, 0};
  for (const auto& r : records) {
    uint8_t tmp[wire::kMaxCompactSlotRecord];
    const size_t n = wire::put_compact_slot(tmp, r, c);
    REQUIRE(n > 0);
    out.insert(out.end(), tmp, tmp + n);
  }
  return out;
}

wire::SlotRecordFields slot(uint16_t index, uint8_t kind, uint32_t created = 1767225600u) {
  wire::SlotRecordFields f{};
  f.index = index;
  f.flags = wire::kSlotOccupied | wire::kSlotEnabled;
  f.role_kind = wire::pack_role_kind(wire::kRoleUser, kind);
  f.created = created;
  return f;
}

void expect_protocol_error(const Result<SlotPage>& r, const char* says) {
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == ErrorKind::kProtocol);
  INFO(r.error().message);
  CHECK(r.error().message.find(says) != std::string::npos);
}

}  // namespace

TEST_CASE("compact records: the documented example decodes to every schedule kind") {
  auto page = decode(kExamplePage);
  REQUIRE(page);
  CHECK(page->format == wire::kSlotFormatCompact);
  CHECK(page->next_index == wire::kNoMoreSlots);
  REQUIRE(page->records.size() == 5);
  const auto& r = page->records;

  CHECK(r[0].index == 0);  // admin, persistent, used 12 times, last an hour after enrollment
  CHECK(r[0].role == Role::kAdmin);
  CHECK(r[0].kind == CodeKind::kPersistent);
  CHECK(r[0].enabled);
  CHECK(r[0].created == 1767225600u);
  CHECK(r[0].last_used == 1767229200u);
  CHECK(r[0].use_count == 12);
  CHECK(r[0].schedule == Schedule{});

  CHECK(r[1].index == 1);  // user, valid for a week from enrollment, never used
  CHECK(r[1].kind == CodeKind::kTemporaryUntil);
  CHECK(r[1].created == 1767312000u);
  CHECK(r[1].last_used == 0);
  CHECK(r[1].use_count == 0);
  CHECK(r[1].schedule.end_time == 1767312000u + 7 * 86400);

  CHECK(r[2].index == 4);  // a gap of two empty slots; guest, 120 minutes from first use
  CHECK(r[2].role == Role::kGuest);
  CHECK(r[2].kind == CodeKind::kTemporaryFirstUse);
  CHECK(r[2].first_use_started);
  CHECK(r[2].created == 1767398000u);
  CHECK(r[2].last_used == 1767400000u);
  CHECK(r[2].use_count == 1);
  CHECK(r[2].schedule.first_use_minutes == 120);
  CHECK(r[2].schedule.first_used_at == 1767400000u);

  CHECK(r[3].index == 5);  // enrolled before the previous record (a negative delta)
  CHECK(r[3].kind == CodeKind::kWeekday);
  CHECK(r[3].created == 1767300000u);
  CHECK(r[3].schedule.days_mask == 0x3E);
  CHECK(r[3].schedule.start_minute == 480);
  CHECK(r[3].schedule.end_minute == 1080);

  CHECK(r[4].index == 6);  // disabled guest, a three-day stay
  CHECK_FALSE(r[4].enabled);
  CHECK(r[4].kind == CodeKind::kDateRange);
  CHECK(r[4].created == 1767484800u);
  CHECK(r[4].schedule.start_time == 1767571200u);
  CHECK(r[4].schedule.end_time == 1767830400u);
}

TEST_CASE("compact records: wire.h's encoder writes the documented example") {
  std::vector<wire::SlotRecordFields> recs;
  auto add = [&](uint16_t index, uint8_t flags, uint8_t role, uint8_t kind, uint32_t created, uint32_t last_used,
                 uint16_t uses) -> wire::SlotRecordFields& {
    recs.push_back({index, flags, wire::pack_role_kind(role, kind), created, last_used, uses, {}});
    return recs.back();
  };
  add(0, 0x03, wire::kRoleAdmin, wire::kKindPersistent, 1767225600u, 1767229200u, 12);
  auto& until = add(1, 0x03, wire::kRoleUser, wire::kKindTemporaryUntil, 1767312000u, 0, 0);
  wire::put_u32_le(until.schedule.b, 1767312000u + 7 * 86400);
  auto& first = add(4, 0x0B, wire::kRoleGuest, wire::kKindTemporaryFirstUse, 1767398000u, 1767400000u, 1);
  wire::put_u16_le(first.schedule.b, 120);
  wire::put_u32_le(first.schedule.b + 4, 1767400000u);
  auto& week = add(5, 0x03, wire::kRoleUser, wire::kKindWeekday, 1767300000u, 0, 0);
  week.schedule.b[0] = 0x3E;
  wire::put_u16_le(week.schedule.b + 2, 480);
  wire::put_u16_le(week.schedule.b + 4, 1080);
  auto& range = add(6, 0x01, wire::kRoleGuest, wire::kKindDateRange, 1767484800u, 0, 0);
  wire::put_u32_le(range.schedule.b, 1767571200u);
  wire::put_u32_le(range.schedule.b + 4, 1767830400u);
  CHECK(compact_page(0, wire::kNoMoreSlots, recs) == kExamplePage);
}

TEST_CASE("compact records: extreme values round-trip exactly") {
  // Times far apart, before their reference, zero, at the ends of u32; counts and indices at
  // their limits; every kind.
  std::vector<wire::SlotRecordFields> recs;
  const uint32_t times[] = {0u, 1u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 1767225600u};
  uint16_t index = 3;
  for (uint8_t kind = 0; kind < wire::kKindCount; ++kind) {
    for (uint32_t a : times) {
      wire::SlotRecordFields f = slot(index++, kind, a);
      f.last_used = times[(index * 7) % 6];
      f.use_count = static_cast<uint16_t>(index % 3 == 0 ? 0xFFFF : index % 3);
      f.flags = static_cast<uint8_t>(wire::kSlotOccupied | (index & 0x1E));
      for (int i = 0; i < 8; ++i) f.schedule.b[i] = static_cast<uint8_t>(times[(index + i) % 6] >> (8 * (i % 4)));
      // keep what the compact form carries: reserved schedule bytes are not sent
      if (kind == wire::kKindPersistent) f.schedule = {};
      if (kind == wire::kKindTemporaryUntil) std::memset(f.schedule.b + 4, 0, 4);
      if (kind == wire::kKindTemporaryFirstUse) std::memset(f.schedule.b + 2, 0, 2);
      if (kind == wire::kKindWeekday) f.schedule.b[1] = f.schedule.b[6] = f.schedule.b[7] = 0;
      recs.push_back(f);
    }
    index = static_cast<uint16_t>(index + 100 * kind);  // gaps of every size
  }
  recs.push_back(slot(0xFFFE, wire::kKindDateRange, 5));  // the last index a slot can have
  const Bytes page = compact_page(3, wire::kNoMoreSlots, recs);
  auto got = decode(page, 3, 0);  // slot_count 0: no table bound
  REQUIRE(got);
  REQUIRE(got->records.size() == recs.size());
  for (size_t i = 0; i < recs.size(); ++i) {
    INFO("record " << i);
    const auto& r = got->records[i];
    const auto& f = recs[i];
    CHECK(r.index == f.index);
    CHECK(r.created == f.created);
    CHECK(r.last_used == f.last_used);
    CHECK(r.use_count == f.use_count);
    CHECK(static_cast<int>(r.kind) == wire::kind_of(f.role_kind));
    CHECK(r.enabled == ((f.flags & wire::kSlotEnabled) != 0));
    CHECK(r.expired == ((f.flags & wire::kSlotExpired) != 0));
    CHECK(r.first_use_started == ((f.flags & wire::kSlotFirstUseStarted) != 0));
    CHECK(r.retained_across_reset == ((f.flags & wire::kSlotRetainedAcrossReset) != 0));
    CHECK(r.schedule == decode_schedule(wire::kind_of(f.role_kind), f.schedule.b));
  }
}

TEST_CASE("compact records: a page cut short anywhere is a protocol error, never part of a table") {
  for (size_t len = 0; len < kExamplePage.size(); ++len) {
    INFO("cut to " << len << " bytes");
    const Bytes cut(kExamplePage.begin(), kExamplePage.begin() + static_cast<ptrdiff_t>(len));
    auto r = decode(cut);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == ErrorKind::kProtocol);
  }
  expect_protocol_error(decode(Bytes(kExamplePage.begin(), kExamplePage.end() - 1)), "slot 0, record 5 is cut short");
  expect_protocol_error(decode(Bytes(kExamplePage.begin(), kExamplePage.end() - 11)),
                        "holds fewer records than it announces");
}

TEST_CASE("compact records: damaged records are refused with what is wrong") {
  auto with = [](size_t at, uint8_t v) {
    Bytes b = kExamplePage;
    b[at] = v;
    return b;
  };
  constexpr size_t kRec1 = 6, kRec2 = 16;  // where records 1 and 2 start
  expect_protocol_error(decode(with(kRec1, 0x23 | 0x80)), "record 1 has reserved bits set");
  expect_protocol_error(decode(with(kRec1 + 1, 0x04)), "record 1 has reserved bits set");          // role_kind bit 2
  expect_protocol_error(decode(with(kRec1 + 1, 0x50)), "record 1 has an unknown code kind");       // kind 5
  expect_protocol_error(decode(with(kRec1, 0x22)), "record 1 is for an empty slot");               // not occupied
  expect_protocol_error(decode(with(4, 6)), "holds fewer records");                                 // count 6
  expect_protocol_error(decode(with(4, 4)), "bytes after its last record");                         // count 4
  expect_protocol_error(decode(with(5, 2)), "record format 2");                                     // unknown format
  expect_protocol_error(decode(with(0, 1)), "starts at slot 1, asked for 0");
  // slot 1's created delta as a 6-byte varint (more than 32 bits)
  {
    Bytes b = kExamplePage;
    b.insert(b.begin() + kRec2 + 2, {0x80, 0x80, 0x80});
    expect_protocol_error(decode(b), "record 2 has a number too large for its field");
  }
  {
    const Bytes ok = {0, 0, 0xFF, 0xFF, 1, 1, 0x23, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x03};  // used 65535 times
    auto page = decode(ok);
    REQUIRE(page);
    CHECK(page->records.at(0).use_count == 65535);
    const Bytes over = {0, 0, 0xFF, 0xFF, 1, 1, 0x23, 0x00, 0x00, 0x00, 0x80, 0x80, 0x04};  // 65536
    expect_protocol_error(decode(over), "record 1 has a number too large for its field");
  }
  // a gap past the table, past the page's next_index, and past 0xFFFF
  {
    Bytes b = {0, 0, 0xFF, 0xFF, 1, 1, 0x41, 0x00, 0xFA, 0x01, 0x00};  // gap 250: slot 250 of 250
    expect_protocol_error(decode(b), "record index 250 is out of order");
    b = {0, 0, 0xFF, 0xFF, 1, 1, 0x41, 0x00, 0xFF, 0xFF, 0x03, 0x00};  // gap 65535
    expect_protocol_error(decode(b, 0, 0), "slot index out of range");
    b = {0, 0, 0x05, 0x00, 1, 1, 0x41, 0x00, 0x05, 0x00};  // slot 5, but the next page starts there
    expect_protocol_error(decode(b), "record index 5 is out of order");
  }
}

TEST_CASE("fixed (1.0) pages still decode, and are as strict") {
  Bytes b(6);
  wire::ReadSlotsResponseHead h{0, wire::kNoMoreSlots, 2, wire::kSlotFormatFixed};
  std::memcpy(b.data(), &h, sizeof h);
  wire::SlotRecordHead a{2, 0x03, wire::pack_role_kind(1, wire::kKindPersistent), 100, 200, 3, 0, 0};
  wire::SlotRecordHead d{7, 0x01, wire::pack_role_kind(2, wire::kKindDateRange), 100, 0, 0, 8, 0};
  wire::ScheduleDateRange dr{1000, 2000};
  for (const void* p : {static_cast<const void*>(&a), static_cast<const void*>(&d), static_cast<const void*>(&dr)}) {
    const size_t n = p == &dr ? sizeof dr : sizeof a;
    b.insert(b.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
  }
  auto page = decode(b);
  REQUIRE(page);
  REQUIRE(page->records.size() == 2);
  CHECK(page->records[0].index == 2);
  CHECK(page->records[0].use_count == 3);
  CHECK(page->records[1].schedule.start_time == 1000);
  CHECK(page->records[1].schedule.end_time == 2000);
  expect_protocol_error(decode(Bytes(b.begin(), b.end() - 1)), "cut short");
  expect_protocol_error(decode(Bytes(b.begin(), b.end() - 24)), "fewer records");
}

TEST_CASE("a 1.0 lock: the client reads its fixed records, exactly") {
  FakeLockConfig cfg;
  cfg.v1_0_slots = true;
  cfg.scheduled_percent = 100;
  Bench b(cfg);
  auto c = b.client();
  REQUIRE(c);
  auto slots = c->read_slots();
  REQUIRE(slots);
  CHECK(*slots == b.fake.expected_slots());
}

TEST_CASE("page boundaries: a table with gaps reads the same in pages of every size") {
  FakeLockConfig cfg;
  cfg.occupied = 80;
  cfg.stride = 3;  // slots 0, 3, 6, ...: a gap before every record but the first
  cfg.scheduled_percent = 60;
  Bench b(cfg);
  const auto expected = b.fake.expected_slots();
  REQUIRE(expected.size() == 80);
  auto c = b.client();
  REQUIRE(c);
  auto all = c->read_slots();
  REQUIRE(all);
  CHECK(*all == expected);
  // Small pages: every record must end up in exactly one page, none split.
  for (int max_bytes : {34, 35, 40, 57, 64, 100, 117, 300}) {
    INFO("max_bytes " << max_bytes);
    std::vector<SlotRecord> got;
    int pages = 0;
    for (uint16_t start = 0; start != wire::kNoMoreSlots; ++pages) {
      wire::ReadSlotsRequest req{start, static_cast<uint16_t>(max_bytes), wire::kSlotFormatCompact, 0};
      auto m = c->call(wire::kCmdReadSlots,
                       std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&req), sizeof req));
      REQUIRE(m);
      CHECK(m->payload.size() <= static_cast<size_t>(max_bytes));
      auto page = decode_slot_page(m->payload, start, 250);
      REQUIRE(page);
      REQUIRE(!page->records.empty());
      got.insert(got.end(), page->records.begin(), page->records.end());
      start = page->next_index;
    }
    CHECK(got == expected);
    CHECK(pages > 1);
  }
}

TEST_CASE("round trip: the firmware's encoder, the client's decoder, every kind") {
  using namespace lockfw::test;
  Rig rig(small_config(16), 4096);  // 16 slots need bigger erase blocks than the 8-slot default
  rig.onboard();
  const uint32_t now = static_cast<uint32_t>(kTestEpochMs / 1000);
  wire::ScheduleUntil until{now + 3 * 86400, 0};
  wire::ScheduleFirstUse first{90, 0, 0};
  wire::ScheduleWeekday week{0x3E, 0, 8 * 60, 18 * 60, 0};
  wire::ScheduleDateRange range{now + 86400, now + 4 * 86400};
  REQUIRE(rig.enroll(2, wire::kRoleUser, "222222", wire::kKindTemporaryUntil, &until) == wire::kEnrollCommitted);
  rig.advance_s(700);
  rig.type("19283746*0#");  // the session timed out meanwhile
  REQUIRE(rig.enroll(3, wire::kRoleGuest, "333333", wire::kKindTemporaryFirstUse, &first) == wire::kEnrollCommitted);
  REQUIRE(rig.enroll(7, wire::kRoleGuest, "777777", wire::kKindTemporaryFirstUse, &first) == wire::kEnrollCommitted);
  rig.advance_s(40);
  REQUIRE(rig.enroll(9, wire::kRoleUser, "999999", wire::kKindWeekday, &week) == wire::kEnrollCommitted);
  REQUIRE(rig.enroll(15, wire::kRoleGuest, "151515", wire::kKindDateRange, &range) == wire::kEnrollCommitted);
  REQUIRE(rig.enroll(12, wire::kRoleService, "121212") == wire::kEnrollCommitted);
  rig.type("222222#");  // used: last_used and use count
  rig.advance_s(65);
  rig.type("333333#");  // first use starts
  rig.type("19283746*0#");

  // The firmware's own fixed records, decoded by the client, are the reference.
  auto fixed = rig.call(wire::kCmdReadSlots, wire::ReadSlotsRequest{0, 0, wire::kSlotFormatFixed, 0});
  REQUIRE(fixed.error == wire::kErrNone);
  auto reference = decode_slot_page(fixed.payload, 0, 16);
  REQUIRE(reference);
  REQUIRE(reference->records.size() == 7);

  // The client reads the same lock over the real ServicePort, in compact records.
  auto lock = std::make_shared<LoopbackLock>(rig.lock());
  auto c = Client::open(std::make_unique<LoopbackTransport>(lock));
  REQUIRE(c);
  CHECK(c->identity()->protocol_minor == wire::kProtocolMinor);
  REQUIRE(c->arm_session());  // 1.4: the session is the channel's that armed it
  rig.type_raw("19283746*0#");
  auto slots = c->read_slots();
  REQUIRE(slots);
  CHECK(*slots == reference->records);
  int kinds = 0;
  for (const SlotRecord& s : *slots) kinds |= 1 << static_cast<int>(s.kind);
  CHECK(kinds == 0x1F);
  const SlotRecord& s2 = (*slots)[1];
  CHECK(s2.index == 2);
  CHECK(s2.use_count == 1);
  CHECK(s2.last_used == now + 700 + 40);
  CHECK(s2.schedule.end_time == +until.end_time);
  const SlotRecord& s3 = (*slots)[2];
  CHECK(s3.first_use_started);
  CHECK(s3.schedule.first_use_minutes == 90);
  CHECK(s3.schedule.first_used_at == s3.last_used);
  CHECK((*slots)[6].schedule == decode_schedule(wire::kKindDateRange, reinterpret_cast<const uint8_t*>(&range)));

  // Compact pages as small as the firmware allows, decoded page by page, give the same table.
  rig.type("19283746*0#");  // 1.4: the session back to the rig's own channel
  std::vector<SlotRecord> paged;
  for (uint16_t start = 0; start != wire::kNoMoreSlots;) {
    auto r = rig.call(wire::kCmdReadSlots, wire::ReadSlotsRequest{start, 6 + 28, wire::kSlotFormatCompact, 0});
    REQUIRE(r.error == wire::kErrNone);
    auto page = decode_slot_page(r.payload, start, 16);
    REQUIRE(page);
    CHECK(page->format == wire::kSlotFormatCompact);
    paged.insert(paged.end(), page->records.begin(), page->records.end());
    start = page->next_index;
  }
  CHECK(paged == reference->records);
}
