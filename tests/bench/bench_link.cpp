// bench_link: what reading a lock costs on a real USB link. A fake lock (250 occupied slots, a
// 10,000-event log) behind the real lockfw ServicePort, read by the real client through the
// link model (full-speed HID: one 64-byte report each way per 1 ms frame). Prints a markdown
// table for docs/benchmarks.md and fails if a target is missed:
//   whole slot table (250 slots) <= 0.1 s in every table shape (1.1 compact records), whole
//   event log (10,000 events) <= 1.0 s. The 1.0 fixed records are shown for comparison.
#include <cstdio>
#include <cstring>
#include <string>

#include "harness.h"
#include "lockdiag/drivers/link_model.h"
#include "lockfw/wire.h"

using namespace lockdiag::drivers;
using namespace lockdiag::test;

namespace {

struct Row {
  std::string what;
  LinkStats s;
  size_t useful = 0;
  size_t items = 0;
  int pages = 0;
};

void print(const Row& r, const char* unit) {
  std::printf("| %-55s | %8.1f | %5llu / %5llu | %4llu | %6zu | %5.1f %% | %5.2f |\n", r.what.c_str(), r.s.link_ms(),
              static_cast<unsigned long long>(r.s.reports_out), static_cast<unsigned long long>(r.s.reports_in),
              static_cast<unsigned long long>(r.s.round_trips), r.useful,
              100.0 * static_cast<double>(r.useful) / static_cast<double>(r.s.report_bytes()),
              static_cast<double>(r.useful) / static_cast<double>(r.items));
  (void)unit;
}

Row read_slots(const char* what, FakeLockConfig cfg, const LinkProfile& profile) {
  Bench b(cfg);
  auto lm = std::make_unique<LinkModelTransport>(b.transport(), profile);
  auto* link = lm.get();
  auto c = Client::open(std::move(lm));
  if (!c) {
    std::fprintf(stderr, "open: %s\n", c.error().message.c_str());
    std::exit(1);
  }
  link->reset_stats();
  auto slots = c->read_slots();
  if (!slots || *slots != b.fake.expected_slots()) {
    std::fprintf(stderr, "read_slots failed or inexact\n");
    std::exit(1);
  }
  Row r{what, link->stats(), b.fake.slot_record_bytes, slots->size(), 0};
  return r;
}

Row read_events(const char* what, FakeLockConfig cfg, const LinkProfile& profile) {
  Bench b(cfg);
  auto lm = std::make_unique<LinkModelTransport>(b.transport(), profile);
  auto* link = lm.get();
  auto c = Client::open(std::move(lm));
  if (!c) std::exit(1);
  link->reset_stats();
  auto batch = c->read_events(b.fake.oldest_seq());
  if (!batch || batch->events != b.fake.expected_events(0)) {
    std::fprintf(stderr, "read_events failed or inexact\n");
    std::exit(1);
  }
  Row r{what, link->stats(), batch->encoded_bytes, batch->events.size(), batch->pages};
  return r;
}

}  // namespace

int main() {
  const LinkProfile fs{"usb-fs", 1000}, hs{"usb-hs", 125};
  FakeLockConfig mixed;  // 250 occupied, 30 % with a schedule (a mix of the four kinds)
  FakeLockConfig persistent;
  persistent.scheduled_percent = 0;
  FakeLockConfig all_scheduled;  // every code scheduled, a mix of kinds
  all_scheduled.scheduled_percent = 100;
  FakeLockConfig all_date_range;  // every code with the biggest schedule
  all_date_range.scheduled_percent = 100;
  all_date_range.only_kind = lockfw::wire::kKindDateRange;
  FakeLockConfig fixed_worst = all_date_range;  // the same table from a 1.0 lock
  fixed_worst.v1_0_slots = true;

  std::printf(
      "| read (link model)                                       | link ms  | reports out/in | trips | useful B | "
      "payload eff. | B/item |\n");
  std::printf(
      "|---------------------------------------------------------|---------:|---------------:|------:|---------:|------"
      "-------:|-------:|\n");
  const Row slots[] = {
      read_slots("250 slots, 30 % scheduled (usb-fs)", mixed, fs),
      read_slots("250 slots, none scheduled (usb-fs)", persistent, fs),
      read_slots("250 slots, all scheduled, mixed kinds (usb-fs)", all_scheduled, fs),
      read_slots("250 slots, all date range (usb-fs, worst case)", all_date_range, fs),
  };
  for (const Row& r : slots) print(r, "slot");
  print(read_slots("250 slots, all date range, 1.0 fixed records (usb-fs)", fixed_worst, fs), "slot");
  const Row events = read_events("10,000 events (usb-fs)", mixed, fs);
  print(events, "event");
  print(read_slots("250 slots, 30 % scheduled (usb-hs)", mixed, hs), "slot");
  print(read_slots("250 slots, all date range (usb-hs)", all_date_range, hs), "slot");
  print(read_events("10,000 events (usb-hs)", mixed, hs), "event");
  std::printf("\nevent log: %d pages, %.2f bytes per event on the wire (a fixed record would be 16)\n", events.pages,
              static_cast<double>(events.useful) / static_cast<double>(events.items));

  bool ok = true;
  for (const Row& r : slots) {
    if (r.s.link_ms() > 100.0) {
      std::printf("FAIL: %s took %.1f ms of link time (target 100 ms)\n", r.what.c_str(), r.s.link_ms());
      ok = false;
    }
  }
  if (events.s.link_ms() > 1000.0) {
    std::printf("FAIL: event log took %.1f ms of link time (target 1000 ms)\n", events.s.link_ms());
    ok = false;
  }
  std::printf("%s\n", ok ? "targets met: slot table <= 100 ms in every shape, event log <= 1000 ms (usb-fs)"
                         : "targets missed");
  return ok ? 0 : 1;
}
