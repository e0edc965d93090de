// Target: the firmware's report assembler + ServicePort + Lock command handler, on a live lock
// (an admin, a user and a scheduled guest enrolled; a channel allocated; optionally a service
// session open), driven by OUT reports interleaved with keypad presses and passing time.
//
// Input: byte 0 bit 0 = open a session first. Then a stream of operations:
//   0x00-0xBF  one 64-byte OUT report follows (short at the end: zero padded); an odd op byte
//              writes the allocated channel id over the report's first 4 bytes
//   0xC0-0xCB  a key press, "0123456789*#"[op - 0xC0]
//   0xCC-0xEF  time passes: 2^((op - 0xCC) % 24) ms, with the lock's timeouts polled
//   0xF0       mechanical key override      0xF1  tamper      0xF2-0xFF  a poll
//
// Invariants: every IN report is a well-formed frame no longer than the lock's max response;
// no enrolled code's digits appear in any IN report (unless the input itself carries them, as
// PING echoes); without a key press no slot's code, role or occupancy changes (deletion,
// reset and enrollment need the keypad); storage never fails on healthy flash; after a power
// cycle the lock boots and holds exactly the slots it held before.
#include <algorithm>
#include <cstring>
#include <string_view>

#include "fw_lock.h"

using namespace lockfw;
using namespace lockfw::wire;

namespace {

bool contains(const uint8_t* hay, size_t n, std::string_view needle) {
  return std::search(hay, hay + n, needle.begin(), needle.end()) != hay + n;
}

void check_in_report(const std::vector<uint8_t>& r, bool* codes_allowed) {
  if (r[4] & kInitFlag) {
    const uint16_t bcnt = static_cast<uint16_t>(r[5] | (r[6] << 8));
    fuzz::check((bcnt & kBcntLengthMask) <= ServicePort::kMaxResponse, "an IN message longer than max_response");
  } else {
    fuzz::check(r[4] <= kMaxSeq, "an IN continuation with a sequence number past 127");
  }
  for (const char* code : {fuzz::kAdminCode, fuzz::kUserCode, fuzz::kGuestCode})
    fuzz::check(codes_allowed[0] || !contains(r.data(), r.size(), code), "a code value in an IN report");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto lock = fuzz::make_lock(&fuzz::populated_image());
  fuzz::FuzzLock& f = *lock;
  fuzz::check(f.booted, "the populated image boots");
  const uint32_t cid = fuzz::open_channel(f);
  fuzz::check(cid != 0, "INIT allocates a channel");
  if (data[0] & 1) fuzz::check(fuzz::open_session(f, cid), "the admin opens a session at the keypad");
  f.usb.reports.clear();

  const auto before = fuzz::slots_of(f.vl.lock());
  bool codes_allowed = false;
  for (const char* code : {fuzz::kAdminCode, fuzz::kUserCode, fuzz::kGuestCode})
    codes_allowed = codes_allowed || contains(data, size, code);
  bool keys = false;

  for (size_t i = 1; i < size;) {
    const uint8_t op = data[i++];
    if (op < 0xC0) {
      uint8_t r[kReportSize] = {};
      const size_t n = std::min(kReportSize, size - i);
      std::memcpy(r, data + i, n);
      i += n;
      if (op & 1) put_u32_le(r, cid);
      f.vl.port().on_report(r);
    } else if (op < 0xCC) {
      f.vl.lock().key("0123456789*#"[op - 0xC0]);
      keys = true;
    } else if (op < 0xF0) {
      f.vl.advance_ms(uint64_t{1} << ((op - 0xCC) % 24));
    } else if (op == 0xF0) {
      f.vl.lock().key_override();
    } else if (op == 0xF1) {
      f.vl.lock().tamper();
    } else {
      f.vl.poll();
    }
    for (const auto& r : f.usb.reports) check_in_report(r, &codes_allowed);
    f.usb.reports.clear();
  }
  for (int k = 0; k < 4; ++k) f.vl.poll();
  for (const auto& r : f.usb.reports) check_in_report(r, &codes_allowed);

  fuzz::check(f.vl.lock().storage_ok(), "storage failed on healthy flash");
  const auto after = fuzz::slots_of(f.vl.lock());
  if (!keys) {
    fuzz::check(after.size() == before.size(), "slots added or removed without a key press");
    for (size_t k = 0; k < after.size() && k < before.size(); ++k) {
      fuzz::check(after[k].index == before[k].index, "a different slot occupied without a key press");
      fuzz::check(std::memcmp(after[k].hash, before[k].hash, sizeof after[k].hash) == 0,
                  "a code changed without a key press");
      fuzz::check(role_of(after[k].role_kind) == role_of(before[k].role_kind), "a role changed without a key press");
    }
  }
  // Power lost and back: what was committed is what boots.
  fuzz::check(f.vl.power_cycle(), "the lock boots after a power cycle");
  fuzz::check(fuzz::slots_of(f.vl.lock()) == after, "slots differ after a power cycle");
  return 0;
}
