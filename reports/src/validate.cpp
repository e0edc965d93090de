// Schema rules a well-typed report can still break. The first broken rule is reported,
// naming the field, so the workflow (or a technician editing a draft) can fix it.
#include <set>
#include <string>
#include <utility>

#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/lock_zone.h"
#include "lockdiag/reports/timefmt.h"

namespace lockdiag::reports {
namespace {

struct Invalid {
  std::string message;
};

constexpr std::size_t kShortText = 200;
constexpr std::size_t kLongText = 2000;

void check(bool ok, const std::string& message) {
  if (!ok) throw Invalid{message};
}

// Plain-language text: valid UTF-8, no control characters (line breaks only where allowed).
void text(const std::string& s, const std::string& field, std::size_t max, bool required, bool multiline = false) {
  check(is_valid_utf8(s), field + " is not valid UTF-8");
  check(!required || !s.empty(), field + " must not be empty");
  check(s.size() <= max, field + " is longer than " + std::to_string(max) + " bytes");
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    check(c >= 0x20 || (multiline && c == '\n'), field + " contains a control character");
    check(c != 0x7F, field + " contains a control character");
  }
}

void identifier(const std::string& s, const std::string& field) {
  bool ok = !s.empty() && s.size() <= 48 && s[0] >= 'a' && s[0] <= 'z';
  for (const char c : s) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  check(ok, field + " must be a snake_case name (a-z, 0-9, _; at most 48)");
}

void timestamp(const std::string& s, const std::string& field) {
  check(is_rfc3339_utc(s), field + " must be an RFC 3339 UTC time like 2026-11-21T08:30:00Z");
}

void range(std::int64_t v, std::int64_t lo, std::int64_t hi, const std::string& field) {
  check(v >= lo && v <= hi,
        field + " is " + std::to_string(v) + "; expected " + std::to_string(lo) + ".." + std::to_string(hi));
}

void snapshot(const Snapshot& s, const std::string& p) {
  timestamp(s.taken_at, p + ".taken_at");
  range(s.slot_capacity, 0, 100000, p + ".slot_capacity");
  check(s.slots.size() <= 12, p + ".slots has more entries than (role, kind) pairs");
  std::set<std::pair<Role, SlotKind>> seen;
  std::int64_t occupied = 0;
  for (std::size_t i = 0; i < s.slots.size(); ++i) {
    const auto& g = s.slots[i];
    const std::string f = p + ".slots[" + std::to_string(i) + "]";
    check(seen.insert({g.role, g.kind}).second,
          f + " repeats role " + std::string(to_string(g.role)) + " / kind " + std::string(to_string(g.kind)));
    range(g.count, 0, s.slot_capacity, f + ".count");
    range(g.enabled, 0, g.count, f + ".enabled");
    range(g.disabled, 0, g.count, f + ".disabled");
    check(g.enabled + g.disabled == g.count, f + ": enabled + disabled must equal count");
    range(g.expired_present, 0, g.count, f + ".expired_present");
    occupied += g.count;
  }
  check(occupied <= s.slot_capacity, p + ": more occupied slots than slot_capacity");
  const auto& fp = s.code_set_fingerprint;
  bool hex = fp.size() >= 16 && fp.size() <= 128 && fp.size() % 2 == 0;
  for (const char c : fp) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  check(hex, p + ".code_set_fingerprint must be 16 to 128 lowercase hex digits");
  range(s.clock.drift_s, -315360000, 315360000, p + ".clock.drift_s");
  check(s.clock.set || s.clock.drift_s == 0, p + ".clock.drift_s must be 0 when the clock is not set");
  range(s.battery.millivolts, 0, 20000, p + ".battery.millivolts");
  range(s.lockout.wrong_attempts, 0, 1000000, p + ".lockout.wrong_attempts");
  range(s.lockout.remaining_s, 0, 86400, p + ".lockout.remaining_s");
  check(s.lockout.active || s.lockout.remaining_s == 0, p + ".lockout.remaining_s must be 0 when not active");
  const auto& ev = s.events;
  range(ev.entries_read, 0, 1000000, p + ".events.entries_read");
  range(ev.first_seq, 0, kMaxSafeInteger, p + ".events.first_seq");
  range(ev.last_seq, ev.first_seq, kMaxSafeInteger, p + ".events.last_seq");
  if (ev.entries_read == 0)
    check(ev.first_seq == 0 && ev.last_seq == 0, p + ".events: first_seq and last_seq must be 0 when nothing was read");
  else check(ev.entries_read <= ev.last_seq - ev.first_seq + 1, p + ".events.entries_read exceeds the sequence range");
  check(ev.by_type.size() <= 64, p + ".events.by_type has too many types");
  std::set<std::string> types;
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < ev.by_type.size(); ++i) {
    const std::string f = p + ".events.by_type[" + std::to_string(i) + "]";
    identifier(ev.by_type[i].type, f + ".type");
    check(types.insert(ev.by_type[i].type).second, f + " repeats type " + ev.by_type[i].type);
    range(ev.by_type[i].count, 0, ev.entries_read, f + ".count");
    sum += ev.by_type[i].count;
  }
  check(sum == ev.entries_read, p + ".events: counts by type must add up to entries_read");
}

void report(const Report& r) {
  check(r.format == kReportFormat, "format must be " + std::string(kReportFormat));
  bool id_ok = !r.id.empty() && r.id.size() <= 64;
  for (const char c : r.id)
    id_ok = id_ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.');
  check(id_ok, "id must be 1 to 64 of A-Z a-z 0-9 . _ -");
  text(r.tool_version, "tool_version", 64, true);
  timestamp(r.started_at, "started_at");
  timestamp(r.finished_at, "finished_at");
  check(r.started_at <= r.finished_at, "finished_at is before started_at");
  text(r.technician.name, "technician.name", kShortText, true);
  text(r.technician.company, "technician.company", kShortText, true);
  text(r.technician.licence_no, "technician.licence_no", kShortText, false);
  text(r.site.name, "site.name", kShortText, true);
  text(r.site.address, "site.address", kLongText, false, true);
  text(r.site.customer, "site.customer", kShortText, true);
  text(r.lock.model, "lock.model", kShortText, true);
  text(r.lock.serial, "lock.serial", kShortText, true);
  text(r.lock.firmware, "lock.firmware", kShortText, true);
  range(r.lock.protocol_version, 1, 65535, "lock.protocol_version");
  timestamp(r.authorization.session_opened_at, "authorization.session_opened_at");
  text(r.authorization.ownership_proof, "authorization.ownership_proof", kLongText, true, true);
  text(r.authorization.present, "authorization.present", kShortText, true);
  snapshot(r.before, "before");
  if (r.after) snapshot(*r.after, "after");
  check(r.steps.size() <= 1000, "steps: more than 1000");
  std::string previous = r.started_at;
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    const auto& s = r.steps[i];
    const std::string f = "steps[" + std::to_string(i) + "]";
    timestamp(s.at, f + ".at");
    check(s.at >= previous && s.at <= r.finished_at, f + ".at must lie between the previous step and finished_at");
    previous = s.at;
    identifier(s.action, f + ".action");
    text(s.detail, f + ".detail", kLongText, false, true);
    // Invariant 3: every destructive step that happened was confirmed at the lock.
    check(!s.destructive || s.outcome != StepOutcome::ok || s.confirmed_at_lock,
          f + " is destructive and succeeded but was not confirmed at the lock");
  }
  check(r.findings.size() <= 500, "findings: more than 500");
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const std::string f = "findings[" + std::to_string(i) + "]";
    identifier(r.findings[i].code, f + ".code");
    text(r.findings[i].summary, f + ".summary", kLongText, true, true);
    text(r.findings[i].next_step, f + ".next_step", kLongText, true, true);
  }
  if (r.still_to_do) {
    check(r.still_to_do->size() <= 500, "still_to_do: more than 500");
    for (std::size_t i = 0; i < r.still_to_do->size(); ++i) {
      const std::string f = "still_to_do[" + std::to_string(i) + "]";
      identifier((*r.still_to_do)[i].code, f + ".code");
      text((*r.still_to_do)[i].summary, f + ".summary", kLongText, true, true);
      text((*r.still_to_do)[i].next_step, f + ".next_step", kLongText, true, true);
    }
  }
  if (r.company_contact) {
    const auto& c = *r.company_contact;
    text(c.name, "company_contact.name", kShortText, false);
    text(c.phone, "company_contact.phone", kShortText, false);
    text(c.email, "company_contact.email", kShortText, false);
    text(c.address, "company_contact.address", kShortText, false);
  }
  if (r.lock_time_zone) {
    const std::string problem = lock_time_zone_problem(*r.lock_time_zone);
    check(problem.empty(), "lock_time_zone." + problem);
  }
  check(r.notes.size() <= 100, "notes: more than 100");
  for (std::size_t i = 0; i < r.notes.size(); ++i)
    text(r.notes[i], "notes[" + std::to_string(i) + "]", kLongText, true, true);
}

}  // namespace

Result<void> validate(const Report& r) {
  try {
    report(r);
  } catch (const Invalid& e) {
    return fail("report " + e.message);
  } catch (const std::exception& e) {
    return fail(std::string("cannot check report: ") + e.what());
  }
  return {};
}

}  // namespace lockdiag::reports
