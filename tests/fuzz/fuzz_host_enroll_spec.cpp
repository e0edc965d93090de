// Target: the enroll spec parser (app/core enroll_spec: --enroll LABEL:ROLE[:SCHEDULE],
// --rotate SLOT:LABEL, the GUI's enroll form).
//
// Input: bytes 0 bit 0 picks the parser (0 enroll, 1 rotate); the rest is the spec text.
//
// Invariants: an accepted plan has a label and a schedule the lock would take (a window that
// ends after it starts, days within the week, first-use minutes within 1..2880, times within
// 2020..2100); written back as a spec it parses to the same plan (decode(encode(x)) == x); its
// schedule survives the wire's 8-byte block (drivers encode_schedule/decode_schedule).
#include <ctime>
#include <string>

#include "check.h"
#include "lockdiag/app/enroll_spec.h"

using namespace lockdiag;
using lockdiag::fuzz::check;

namespace {

std::string local_time(uint32_t t) {
  const time_t tt = t;
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

std::string hhmm(uint16_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02u:%02u", m / 60u, m % 60u);
  return buf;
}

std::string schedule_spec(const drivers::Schedule& s) {
  using drivers::CodeKind;
  switch (s.kind) {
    case CodeKind::kPersistent: return "";
    case CodeKind::kTemporaryUntil: return "until=" + local_time(s.end_time);
    case CodeKind::kTemporaryFirstUse: return "first-use=" + std::to_string(s.first_use_minutes);
    case CodeKind::kWeekday: {
      static const char* names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
      std::string days;
      for (int i = 0; i < 7; ++i)
        if (s.days_mask & (1u << i)) days += (days.empty() ? "" : ",") + std::string(names[i]);
      return "days=" + days + "@" + hhmm(s.start_minute) + "-" + hhmm(s.end_minute);
    }
    case CodeKind::kDateRange: return "range=" + local_time(s.start_time) + ".." + local_time(s.end_time);
  }
  return "?";
}

const char* role_name(drivers::Role r) {
  switch (r) {
    case drivers::Role::kAdmin: return "admin";
    case drivers::Role::kUser: return "user";
    case drivers::Role::kGuest: return "guest";
    case drivers::Role::kService: return "service";
  }
  return "?";
}

void check_schedule(const drivers::Schedule& s) {
  using drivers::CodeKind;
  constexpr uint32_t kFrom = 1577836800u, kTo = 4102444800u;
  switch (s.kind) {
    case CodeKind::kPersistent: break;
    case CodeKind::kTemporaryUntil:
      check(s.end_time >= kFrom && s.end_time <= kTo, "an until time out of range");
      break;
    case CodeKind::kTemporaryFirstUse:
      check(s.first_use_minutes >= 1 && s.first_use_minutes <= 2880, "first-use minutes out of range");
      break;
    case CodeKind::kWeekday:
      check(s.days_mask != 0 && s.days_mask < 0x80, "a week-day window without days");
      check(s.start_minute < s.end_minute && s.end_minute <= 24 * 60, "a week-day window that ends before it starts");
      break;
    case CodeKind::kDateRange:
      check(s.start_time >= kFrom && s.start_time < s.end_time && s.end_time <= kTo, "a date range out of order");
      break;
  }
  const auto block = drivers::encode_schedule(s);
  const uint8_t kind = static_cast<uint8_t>(s.kind);
  check(drivers::decode_schedule(kind, block.data()) == s, "a schedule changes on the wire");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string spec(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    auto p = app::parse_rotate_spec(spec);
    if (!p) return check(!p.error().empty(), "a refused spec without a message"), 0;
    check(p->slot >= 0 && !p->label.empty(), "a rotate plan without a slot or label");
    return 0;
  }
  auto p = app::parse_enroll_spec(spec);
  if (!p) return check(!p.error().empty(), "a refused spec without a message"), 0;
  check(!p->label.empty() && p->label.find(':') == std::string::npos, "an enroll plan without a clean label");
  check_schedule(p->schedule);
  const std::string sched = schedule_spec(p->schedule);
  const std::string again_spec = p->label + ":" + role_name(p->role) + (sched.empty() ? "" : ":" + sched);
  auto again = app::parse_enroll_spec(again_spec);
  check(again.has_value(), "a plan written back as a spec does not parse");
  check(again->label == p->label && again->role == p->role && again->schedule == p->schedule && again->slot == p->slot,
        "decode(encode(plan)) != plan");
  return 0;
}
