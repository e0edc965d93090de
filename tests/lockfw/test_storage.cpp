// The storage journal on NOR flash: semantics, wear, wrap-around, and power loss at every
// single program and erase of a 260-operation workload (in the style of littlefs's tests).
#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "core/storage.h"
#include "host_hal.h"
#include "lockfw/wire.h"

using namespace lockfw;
using lockfw::host::FlashSim;

namespace {

constexpr uint32_t kBlock = 512;
constexpr uint32_t kStateBlocks = 9, kEventFirst = 9, kEventBlocks = 4;
constexpr uint16_t kSlots = 8;

Settings defaults() {
  Settings s{};
  s.generation = 1;
  s.secret_epoch = 1;
  for (int i = 0; i < 32; ++i) s.secret[i] = static_cast<uint8_t>(i * 7);
  s.wrong_limit = 5;
  s.disable_s = 60;
  s.max_disable_s = 3600;
  return s;
}

struct Op {
  enum Kind { kSlot, kSettings, kEvent, kReset } kind;
  uint16_t slot;
  SlotData d;
  Settings s;
  uint8_t nev;  // events embedded (state ops) or 1 (event op)
  EventStub ev[2];
  uint32_t time;
};

std::vector<Op> workload(uint32_t seed, size_t n) {
  std::minstd_rand rng0(seed);
  auto rng = [&rng0] { return static_cast<uint32_t>(rng0()); };
  std::vector<Op> ops;
  Settings cur = defaults();
  for (size_t i = 0; i < n; ++i) {
    Op op{};
    op.time = 1767225600u + static_cast<uint32_t>(i * 37);
    const uint32_t r = rng() % 100;
    op.nev = static_cast<uint8_t>(rng() % 3);
    for (auto& e : op.ev)
      e = EventStub{static_cast<uint8_t>(1 + rng() % 29), static_cast<uint8_t>(rng() % 64),
                    static_cast<uint16_t>(rng() % 2 ? rng() % kSlots : kNoSlot)};
    if (r < 45) {
      op.kind = Op::kSlot;
      op.slot = static_cast<uint16_t>(rng() % kSlots);
      op.d.flags = rng() % 5 ? (wire::kSlotOccupied | wire::kSlotEnabled) : 0;
      op.d.role_kind = static_cast<uint8_t>(rng());
      op.d.generation = cur.generation;
      op.d.use_count = static_cast<uint16_t>(rng());
      op.d.last_used = rng();
      for (auto& b : op.d.hash) b = static_cast<uint8_t>(rng());
    } else if (r < 65) {
      op.kind = Op::kSettings;
      cur.wrong_attempts = static_cast<uint8_t>(rng());
      cur.session_counter = rng();
      cur.utc_offset_min = static_cast<int16_t>(rng() % 600);
      op.s = cur;
    } else if (r < 97) {
      op.kind = Op::kEvent;
      op.nev = 1;
    } else {
      op.kind = Op::kReset;
      cur.generation++;
      cur.secret_epoch++;
      for (auto& b : cur.secret) b = static_cast<uint8_t>(rng());
      op.s = cur;
      op.nev = 1;
    }
    ops.push_back(op);
  }
  return ops;
}

struct Model {
  std::map<uint16_t, SlotData> slots;
  Settings s = defaults();
  std::vector<Event> events;
  void apply(const Op& op) {
    if (op.kind == Op::kSlot) slots[op.slot] = op.d;
    if (op.kind == Op::kSettings || op.kind == Op::kReset) s = op.s;
    for (uint8_t k = 0; k < op.nev; ++k)
      events.push_back(
          Event{static_cast<uint32_t>(events.size() + 1), op.time, op.ev[k].type, op.ev[k].extra, op.ev[k].slot});
  }
};

// Runs one operation against the journal the way the lock does: state record (with its
// events inside) first, then the event log. False when the flash stopped mid-way.
bool run(StateStore& st, EventLog& log, const Op& op) {
  if (op.kind == Op::kEvent) {
    Event e{0, op.time, op.ev[0].type, op.ev[0].extra, op.ev[0].slot};
    return log.append(e);
  }
  OpEvents oe{};
  oe.first_seq = log.head_seq();
  oe.time = op.time;
  oe.count = op.nev;
  oe.ev[0] = op.ev[0];
  oe.ev[1] = op.ev[1];
  const OpEvents* p = op.nev ? &oe : nullptr;
  const bool ok = op.kind == Op::kSlot ? st.write_slot(op.slot, op.d, p) : st.write_settings(op.s, p);
  if (!ok) return false;
  for (uint8_t k = 0; k < op.nev; ++k) {
    Event e{0, op.time, op.ev[k].type, op.ev[k].extra, op.ev[k].slot};
    if (!log.append(e)) return false;
  }
  return true;
}

// Mount + the boot-time repair (events of the last operation), as Lock::boot does.
bool reboot(FlashSim& flash, StateStore& st, EventLog& log) {
  if (!st.mount(flash, 0, kStateBlocks, kSlots, defaults())) return false;
  if (!log.mount(flash, kEventFirst, kEventBlocks)) return false;
  if (const OpEvents* op = st.last_op()) {
    for (uint8_t k = 0; k < op->count; ++k) {
      if (op->first_seq + k < log.head_seq()) continue;
      Event e{0, op->time, op->ev[k].type, op->ev[k].extra, op->ev[k].slot};
      if (!log.append(e)) return false;
    }
  }
  return true;
}

bool same_settings(const Settings& a, const Settings& b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Does the journal hold exactly the model's state and (kept window of) events?
bool matches(StateStore& st, EventLog& log, const Model& m, std::string& why) {
  if (!same_settings(st.settings(), m.s)) return why = "settings differ", false;
  for (uint16_t i = 0; i < kSlots; ++i) {
    SlotData d{};
    const bool have = st.slot(i, d) && (d.flags & wire::kSlotOccupied) && d.generation == st.settings().generation;
    auto it = m.slots.find(i);
    const bool want = it != m.slots.end() && (it->second.flags & wire::kSlotOccupied) &&
                      it->second.generation == m.s.generation;
    if (have != want)
      return why = "slot " + std::to_string(i) + " presence differs (journal " + std::to_string(have) + " gen " +
                   std::to_string(d.generation) + " flags " + std::to_string(d.flags) + ", model gen " +
                   std::to_string(it != m.slots.end() ? it->second.generation : 0) + " settings gen " +
                   std::to_string(st.settings().generation) + "/" + std::to_string(m.s.generation) + ")",
             false;
    if (have && std::memcmp(&d, &it->second, sizeof d) != 0)
      return why = "slot " + std::to_string(i) + " differs", false;
  }
  if (log.head_seq() != m.events.size() + 1)
    return why = "event head " + std::to_string(log.head_seq()) + " vs " + std::to_string(m.events.size() + 1), false;
  const uint32_t kept = log.head_seq() - log.oldest_seq();
  // All blocks but the one being reused stay full; a torn write costs one record (a hole).
  const uint32_t min_kept = static_cast<uint32_t>(
      std::min<size_t>(m.events.size(), (kEventBlocks - 1) * log.per_block() - log.hole_count()));
  if (kept < min_kept) return why = "too few events kept", false;
  for (uint32_t s = log.oldest_seq(); s < log.head_seq(); ++s) {
    Event e{};
    if (!log.read(s, e)) return why = "event " + std::to_string(s) + " unreadable", false;
    const Event& w = m.events[s - 1];
    if (e.seq != w.seq || e.time != w.time || e.type != w.type || e.extra != w.extra || e.slot != w.slot)
      return why = "event " + std::to_string(s) + " differs", false;
  }
  return true;
}

}  // namespace

TEST_CASE("flash HAL keeps NOR rules: program clears bits only, erase restores, erase budget") {
  FlashSim f(256, 2);
  uint8_t a = 0x0F, b = 0xF0, r = 0;
  CHECK(f.prog(0, &a, 1));
  CHECK(f.prog(0, &b, 1));
  f.read(0, &r, 1);
  CHECK(r == 0x00);
  CHECK(f.prog_violations() == 1);
  CHECK(f.erase(0));
  f.read(0, &r, 1);
  CHECK(r == 0xFF);
  f.set_erase_limit(3);
  CHECK(f.erase(1));
  CHECK(f.erase(1));
  CHECK(f.erase(1));
  CHECK_FALSE(f.erase(1));  // worn out
  CHECK(f.erase_count(1) == 3);
}

TEST_CASE("journal: remount, checkpoints, wrap-around and even wear") {
  FlashSim flash(kBlock, kStateBlocks + kEventBlocks);
  StateStore st;
  EventLog log;
  REQUIRE(reboot(flash, st, log));
  CHECK(st.formatted());
  Model m;
  const auto ops = workload(7, 3000);
  for (const auto& op : ops) {
    REQUIRE(run(st, log, op));
    m.apply(op);
  }
  CHECK(st.checkpoints() > 20);
  std::string why;
  CHECK_MESSAGE(matches(st, log, m, why), why);
  StateStore st2;
  EventLog log2;
  REQUIRE(reboot(flash, st2, log2));
  CHECK_FALSE(st2.formatted());
  CHECK_MESSAGE(matches(st2, log2, m, why), why);
  CHECK(flash.prog_violations() == 0);
  // Wear: both rings are written in ring order, so no block is erased much more than another.
  uint32_t smin = ~0u, smax = 0, emin = ~0u, emax = 0;
  for (uint32_t b = 0; b < kStateBlocks; ++b) {
    smin = std::min(smin, flash.erase_count(b));
    smax = std::max(smax, flash.erase_count(b));
  }
  for (uint32_t b = kEventFirst; b < kEventFirst + kEventBlocks; ++b) {
    emin = std::min(emin, flash.erase_count(b));
    emax = std::max(emax, flash.erase_count(b));
  }
  MESSAGE("state block erases " << smin << ".." << smax << ", event block erases " << emin << ".." << emax);
  CHECK(smin > 10);
  CHECK(smax - smin <= 1);
  CHECK(emax - emin <= 1);
}

// Found by fuzz_storage_mount: a record damaged in the oldest of three live event blocks broke
// the chain there, and the walk that drops the older part went on from the moved tail, so it
// dropped every block: the whole log became unreadable and new events were lost to reads.
TEST_CASE("event log: a damaged record in the oldest block drops that block only") {
  FlashSim flash(kBlock, kStateBlocks + kEventBlocks);
  EventLog log;
  REQUIRE(log.mount(flash, kEventFirst, kEventBlocks));
  const uint32_t per = log.per_block();
  for (uint32_t k = 0; k < 2 * per + 5; ++k) {
    Event e{0, 1000 + k, wire::kEvUnlockCode, 0, kNoSlot};
    REQUIRE(log.append(e));
  }
  // Bit rot in the 4th record of the first block: its CRC fails, it becomes a hole.
  flash.data()[kEventFirst * kBlock + kBlockDataStart + 3 * EventLog::kRecordSize + 4] &= 0x0F;
  EventLog again;
  REQUIRE(again.mount(flash, kEventFirst, kEventBlocks));
  CHECK(again.head_seq() == 2 * per + 6);
  CHECK(again.oldest_seq() == per + 1);  // the damaged block is dropped, the two after it kept
  Event e{};
  REQUIRE(again.read(per + 1, e));
  CHECK(e.time == 1000 + per);
  REQUIRE(again.read(2 * per + 5, e));
  CHECK(e.time == 1000 + 2 * per + 4);
  Event added{0, 5000, wire::kEvPowerOn, 0, kNoSlot};
  REQUIRE(again.append(added));
  REQUIRE(again.read(added.seq, e));
  CHECK(e.time == 5000);
}

TEST_CASE("journal: a worn-out block makes writes fail loudly, never silently corrupt") {
  FlashSim flash(kBlock, kStateBlocks + kEventBlocks);
  StateStore st;
  EventLog log;
  REQUIRE(reboot(flash, st, log));
  flash.set_erase_limit(3);
  Model m;
  bool failed = false;
  for (const auto& op : workload(11, 2000)) {
    if (!run(st, log, op)) {
      failed = true;
      break;
    }
  }
  CHECK(failed);
  CHECK(flash.prog_violations() == 0);
}

TEST_CASE("power loss at every single program and erase of a 260-operation workload") {
  for (const uint32_t seed : {2026u, 7u, 4242u}) {
    CAPTURE(seed);
    const auto ops = workload(seed, 260);
    const auto more = workload(99, 6);
  // Reference run: how many flash operations the workload takes.
    uint64_t total = 0;
    {
      FlashSim flash(kBlock, kStateBlocks + kEventBlocks);
      StateStore st;
      EventLog log;
      REQUIRE(reboot(flash, st, log));
      for (const auto& op : ops) REQUIRE(run(st, log, op));
      total = flash.ops();
    }
    MESSAGE("workload: " << ops.size() << " operations, " << total << " flash programs/erases; cutting at each");
    REQUIRE(total > 400);
    int in_flight_present = 0, in_flight_absent = 0;
    for (uint64_t cut = 0; cut < total; ++cut) {
      CAPTURE(cut);
      FlashSim flash(kBlock, kStateBlocks + kEventBlocks);
      flash.cut_after(static_cast<int64_t>(cut), cut * 2654435761u + 1);
      size_t done = 0;
      {
        StateStore st;
        EventLog log;
        if (reboot(flash, st, log)) {
          for (; done < ops.size(); ++done)
            if (!run(st, log, ops[done])) break;
        }
      }
      REQUIRE(flash.dead());
      flash.power_on();
      StateStore st;
      EventLog log;
      REQUIRE(reboot(flash, st, log));  // journal check: mounts, repairs
      Model before;
      for (size_t i = 0; i < done && i < ops.size(); ++i) before.apply(ops[i]);
      Model after = before;
      if (done < ops.size()) after.apply(ops[done]);
      std::string why_a, why_b;
      const bool a = matches(st, log, before, why_a);
      const bool b = !a && matches(st, log, after, why_b);
      INFO("op in flight: " << done << "; as before: " << why_a << "; as after: " << why_b);
      REQUIRE((a || b));  // every committed op is there; the one in flight wholly or not at all
      (a ? in_flight_absent : in_flight_present)++;
      REQUIRE(flash.prog_violations() == 0);
    // The journal stays usable after recovery.
      Model m = a ? before : after;
      for (Op op : more) {
      // Generations only grow: the follow-up operations continue from the recovered state.
        const uint32_t gen = m.s.generation;
        op.d.generation = gen;
        op.s.generation = op.kind == Op::kReset ? gen + 1 : gen;
        REQUIRE(run(st, log, op));
        m.apply(op);
      }
      StateStore st2;
      EventLog log2;
      REQUIRE(reboot(flash, st2, log2));
      std::string why;
      REQUIRE_MESSAGE(matches(st2, log2, m, why), why);
    }
    MESSAGE("in-flight operation present after reboot " << in_flight_present << " times, absent " << in_flight_absent);
    CHECK(in_flight_absent > 0);
  }
}
