#include "lockdiag/app/findings.h"

#include <algorithm>
#include <ctime>
#include <map>

#include <nlohmann/json.hpp>

#include "lockdiag/app/operator.h"
#include "lockdiag/app/tzif.h"
#include "lockdiag/app/lock_words.h"

namespace lockdiag::app {

using E = drivers::EventType;
using R = drivers::Reason;
using drivers::Role;
using nlohmann::json;

namespace {

void add(std::vector<FindingRecord>& out, std::string code, std::string severity, std::string title,
         std::string next_step, json detail = json::object()) {
  out.push_back({std::move(code), std::move(severity), std::move(title), std::move(next_step), detail.dump()});
}

std::string slot_list(const std::vector<int>& slots) {
  std::string s;
  for (size_t i = 0; i < slots.size(); ++i) s += (i ? ", " : "") + std::to_string(slots[i]);
  return s;
}

bool is_temporary(drivers::CodeKind k) {
  return k == drivers::CodeKind::kTemporaryUntil || k == drivers::CodeKind::kTemporaryFirstUse;
}

void clock_findings(const LockState& s, const AnalysisContext& c, std::vector<FindingRecord>& out) {
  // Without a session the lock hides its clock, lockout and log. (It also withholds them, with a
  // session, when its storage failed: then the clock rules below say what they always said.)
  if (s.status.withheld && s.status.session == drivers::SessionState::kNone) {
    add(out, "session_needed", "info", "Clock, lockout and log are hidden until a service session is open",
        std::string(kOpenSessionAtLock) + " to open a service session.");
    return;
  }
  if (!s.status.clock_set) {
    add(out, "clock_not_set", "critical", "The lock's clock is not set (it lost power)",
        "Sync the clock now: scheduled and expiring codes are refused until it is set.");
  } else if (std::abs(s.drift_s) > c.max_drift_s) {
    add(out, "clock_drift", "warning",
        "The lock's clock is " + std::to_string(std::abs(s.drift_s) / 60) + " min " + (s.drift_s > 0 ? "fast" : "slow"),
        "Sync the clock; schedules open and close at the wrong time until then.", {{"drift_s", s.drift_s}});
  }
}

void zone_findings(const LockState& s, const AnalysisContext& c, std::vector<FindingRecord>& out) {
  if (!s.zone || !s.status.clock_set) return;  // a lock without zone support: clock sync says so
  const auto& z = *s.zone;
  if (!z.has_zone) {
    std::string title = "The lock keeps a fixed UTC offset (" + format_offset(z.fixed_offset_min * 60) +
                        "), no time zone";
    if (c.next_offset_change_utc)
      title += ": schedules will be an hour off from " + format_utc_date(*c.next_offset_change_utc);
    add(out, "no_time_zone", "warning", title,
        "Run lockdiag clock-sync (--zone NAME for the site's zone): the lock then follows daylight saving itself.",
        {{"fixed_offset_min", z.fixed_offset_min}});
    return;
  }
  if (c.site_zone && !c.site_zone->empty() && z.name != *c.site_zone)
    add(out, "zone_differs_from_site", "warning",
        "The lock follows " + z.name + ", but the site's time zone is " + *c.site_zone,
        "Run lockdiag clock-sync --zone " + *c.site_zone + ": until then schedules open and close by " + z.name +
            "'s clock.",
        {{"lock_zone", z.name}, {"site_zone", *c.site_zone}});
  if (z.changes.empty()) return;  // the rule alone (a zone without changes, or past them)
  const int64_t end = z.changes.back().utc;
  if (end < static_cast<int64_t>(s.host_utc) + static_cast<int64_t>(c.zone_table_days) * 86400)
    add(out, "zone_table_ending", "warning",
        "The lock's time-zone table for " + z.name + " ends " + format_utc_date(end),
        "Run lockdiag clock-sync to refresh it; past its end the lock follows the rule " + z.rule +
            " alone, which is wrong for zones whose rule does not describe their changes.",
        {{"table_end_utc", end}, {"zone", z.name}});
}

void battery_findings(const LockState& s, std::vector<FindingRecord>& out) {
  const json d{{"millivolts", s.status.battery_mv}};
  if (s.status.battery_state == drivers::BatteryState::kCritical)
    add(out, "battery_critical", "critical",
        "Battery critical (" + std::to_string(s.status.battery_mv) + " mV): the lock will not drive the bolt",
        "Replace all batteries now, with fresh cells of the same type.", d);
  else if (s.status.battery_state == drivers::BatteryState::kLow)
    add(out, "battery_low", "warning", "Battery low (" + std::to_string(s.status.battery_mv) + " mV)",
        "Replace the batteries on this visit; low power makes keypad entry unreliable.", d);
}

void slot_findings(const LockState& s, const AnalysisContext& c, std::vector<FindingRecord>& out) {
  std::vector<int> expired, stale, retained;
  int admins = 0;
  const int64_t stale_s = int64_t{c.stale_days} * 86400;
  for (const auto& slot : s.slots) {
    if (slot.role == Role::kAdmin) ++admins;
    // A date range that has ended is as dead as a temporary code past its end: both still sit there.
    if (slot.expired && (is_temporary(slot.kind) || slot.kind == drivers::CodeKind::kDateRange))
      expired.push_back(slot.index);
    if (slot.retained_across_reset) retained.push_back(slot.index);
    const uint32_t last = slot.last_used ? slot.last_used : slot.created;
    if (slot.role != Role::kAdmin && slot.kind == drivers::CodeKind::kPersistent && last != 0 &&
        static_cast<int64_t>(s.host_utc) - last > stale_s)
      stale.push_back(slot.index);
  }
  if (admins == 0 && !s.status.factory_state)
    add(out, "no_admin", "critical", "No admin code is enrolled",
        "Enroll an admin code (reset + onboarding); without one nobody can open a service session.");
  if (!expired.empty())
    add(out, "expired_codes_present", "warning",
        std::to_string(expired.size()) + " code(s) past their end date still present (slots " + slot_list(expired) +
            ")",
        "Delete them: they no longer open the door but still occupy slots and confuse audits.", {{"slots", expired}});
  if (!stale.empty())
    add(out, "stale_codes", "info",
        std::to_string(stale.size()) + " code(s) unused for over " + std::to_string(c.stale_days) + " days (slots " +
            slot_list(stale) + ")",
        "Ask the owner whether these people still need access; delete the codes they do not.", {{"slots", stale}});
  if (!retained.empty())
    add(out, "codes_retained_after_reset", "critical",
        std::to_string(retained.size()) + " code(s) survived a factory reset (slots " + slot_list(retained) + ")",
        "This model keeps codes across a reset: delete each of them one by one and treat them as compromised.",
        {{"slots", retained}});
}

void event_findings(const LockState& s, const AnalysisContext& c, std::vector<FindingRecord>& out) {
  int lockouts = 0, overrides = 0, tamper = 0, bursts = 0, wrong = 0;
  std::vector<int> aborted_slots;
  uint32_t burst_start = 0;
  int in_burst = 0;
  for (const auto& e : s.events.events) {
    switch (e.type) {
      case E::kLockoutStart: ++lockouts; break;
      case E::kKeyOverride: ++overrides; break;
      case E::kTamper: ++tamper; break;
      case E::kEnrollAborted:
        if (e.slot) aborted_slots.push_back(*e.slot);
        break;
      case E::kWrongCode:
        ++wrong;
        if (in_burst == 0 || e.time - burst_start > static_cast<uint32_t>(c.burst_window_s)) {
          burst_start = e.time;
          in_burst = 0;
        }
        if (++in_burst == c.burst_min) ++bursts;
        break;
      default: break;
    }
  }
  if (s.status.locked_out && !s.status.withheld)
    add(out, "locked_out_now", "warning",
        "The keypad is locked out now (" + std::to_string(s.status.lockout_remaining_s) + " s left)",
        "Wait for it to clear before any live entry test; ask who was trying codes.");
  if (bursts > 0 || lockouts > 0)
    add(out, "wrong_code_bursts", lockouts > 0 ? "warning" : "info",
        std::to_string(wrong) + " wrong codes in " + std::to_string(bursts) + " burst(s), " + std::to_string(lockouts) +
            " lockout(s) since the last visit",
        "Someone guessed codes or mistyped repeatedly: ask the owner; consider rotating codes.",
        {{"wrong_codes", wrong}, {"bursts", bursts}, {"lockouts", lockouts}});
  if (overrides > 0)
    add(out, "mechanical_override", "warning",
        "The mechanical key was used " + std::to_string(overrides) + " time(s) since the last visit",
        "Confirm with the owner who holds keys; re-key the cylinder if a key is unaccounted for.",
        {{"count", overrides}});
  if (tamper > 0)
    add(out, "tamper", "critical", std::to_string(tamper) + " tamper alarm(s) since the last visit",
        "Inspect the escutcheon and the door for forced entry; photograph any damage.", {{"count", tamper}});
  else if (s.status.tamper)  // the lock's flag, with no tamper event in the log read (or no log read)
    add(out, "tamper_flag", "warning", "The lock reports a tamper alarm",
        "Inspect the escutcheon and the battery cover; ask the owner what happened.");
  if (!aborted_slots.empty()) {
    std::sort(aborted_slots.begin(), aborted_slots.end());
    aborted_slots.erase(std::unique(aborted_slots.begin(), aborted_slots.end()), aborted_slots.end());
    add(out, "enrollment_aborted", "warning",
        "A code enrollment was started but never committed (slots " + slot_list(aborted_slots) + ")",
        "Whatever an app showed as 'saved', the lock did not take that code: enroll it again at the keypad.",
        {{"slots", aborted_slots}});
  }
  if (s.events.truncated)
    add(out, "event_log_wrapped", "info", "Older events were overwritten since the last read",
        "Visit more often or read the log before it fills (it keeps the last " +
            std::to_string(s.capabilities.event_capacity) + " events).");
}

void fingerprint_findings(const LockState& s, const AnalysisContext& c, std::vector<FindingRecord>& out) {
  if (!c.previous_fingerprint) return;
  const json d{{"previous", *c.previous_fingerprint}, {"now", s.fingerprint.hex()}};
  if (c.previous_secret_epoch && *c.previous_secret_epoch != s.fingerprint.secret_epoch)
    add(out, "reset_since_last_visit", "warning", "The lock was factory reset since the last visit",
        "Ask the owner who reset it; every code on it now was enrolled after that.", d);
  else if (*c.previous_fingerprint != s.fingerprint.hex())
    add(out, "code_set_changed", "warning", "Codes changed since the last visit",
        "Review the slot table with the owner: every code added or changed since should be known to them.", d);
  else
    add(out, "code_set_unchanged", "info", "No code was added, changed or removed since the last visit",
        "Nothing to do.", d);
}

void complaint_findings(const LockState& s, int slot_index, std::vector<FindingRecord>& out) {
  const auto slot = std::find_if(s.slots.begin(), s.slots.end(), [&](const auto& x) { return x.index == slot_index; });
  json d{{"slot", slot_index}};
  if (slot == s.slots.end()) {
    add(out, "complaint_slot_empty", "warning", "Slot " + std::to_string(slot_index) + " holds no code",
        "The code was never enrolled (or was deleted): enroll it again at the keypad.", d);
    return;
  }
  // The last tries of this slot, and wrong codes since its last success.
  const drivers::Event* last_for_slot = nullptr;
  int rejections = 0, wrong_after = 0;
  for (const auto& e : s.events.events) {
    if (e.slot && *e.slot == slot_index && (e.type == E::kUnlockCode || e.type == E::kRejected)) {
      last_for_slot = &e;
      if (e.type == E::kRejected) ++rejections;
      wrong_after = 0;
    } else if (e.type == E::kWrongCode) {
      ++wrong_after;
    }
  }
  if (last_for_slot && last_for_slot->type == E::kRejected) {
    d["reason"] = drivers::reason_name(last_for_slot->reason);
    d["rejections"] = rejections;
    add(out, "complaint_code_refused", "warning",
        "Slot " + std::to_string(slot_index) +
            ": the code is known but was refused: " + reason_label(last_for_slot->reason),
        last_for_slot->reason == R::kClockNotSet ? "Sync the clock, then test the code again."
        : last_for_slot->reason == R::kDisabled  ? "Enable the slot if the owner agrees."
        : last_for_slot->reason == R::kLockedOut ? "Wait for the lockout to clear; find out who typed wrong codes."
        : last_for_slot->reason == R::kBatteryCritical
            ? "Replace the batteries."
            : "Adjust the schedule with the owner, or explain it to the user.",
        d);
    return;
  }
  if (wrong_after > 0) {
    d["wrong_codes_since"] = wrong_after;
    add(out, "complaint_code_unknown", "warning",
        "Slot " + std::to_string(slot_index) + ": the code being typed is not the enrolled one (" +
            std::to_string(wrong_after) + " wrong code(s) and no try of this slot since its last success)",
        "The user remembers a different code: re-enroll the slot at the keypad with the user present.", d);
    return;
  }
  if (!slot->enabled) {
    add(out, "complaint_code_refused", "warning", "Slot " + std::to_string(slot_index) + " is disabled",
        "Enable the slot if the owner agrees.", d);
    return;
  }
  add(out, "complaint_no_recent_tries", "info",
      "Slot " + std::to_string(slot_index) + " shows no failed try in the log read",
      "Run a live entry test with the user at the keypad.", d);
}

}  // namespace

std::vector<FindingRecord> analyze_status(const drivers::Status& status, uint32_t host_utc, AnalysisContext context) {
  LockState s;
  s.status = status;
  s.host_utc = host_utc;
  s.drift_s = clock_drift_s(status, host_utc).value_or(0);
  context.slots_read = false;
  return analyze(s, context);
}

std::vector<FindingRecord> analyze(const LockState& s, const AnalysisContext& c) {
  std::vector<FindingRecord> out;
  if (s.status.factory_state)
    add(out, "factory_state", "warning",
        "The lock is in factory state: it holds no code and accepts only an admin enrollment",
        "Run a reset + onboarding (lockdiag reset) to enroll the owner's admin code and users.");
  clock_findings(s, c, out);
  zone_findings(s, c, out);
  battery_findings(s, out);
  if (c.slots_read) slot_findings(s, c, out);
  event_findings(s, c, out);
  fingerprint_findings(s, c, out);
  if (c.complaint_slot) complaint_findings(s, *c.complaint_slot, out);
  // Most severe first, stable within a severity.
  auto rank = [](const std::string& sev) { return sev == "critical" ? 0 : sev == "warning" ? 1 : 2; };
  // Three passes, not std::stable_sort: libstdc++ 12's stable_sort uses get_temporary_buffer,
  // which clang 19 (the fuzz preset) rejects as deprecated under -Werror.
  std::vector<FindingRecord> sorted;
  sorted.reserve(out.size());
  std::vector<int> ranks;
  for (const auto& f : out) ranks.push_back(rank(f.severity));  // before any is moved from
  for (int r = 0; r <= 2; ++r)
    for (size_t i = 0; i < out.size(); ++i)
      if (ranks[i] == r) sorted.push_back(std::move(out[i]));
  return sorted;
}

}  // namespace lockdiag::app
