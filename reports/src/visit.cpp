#include "lockdiag/reports/visit.h"

#include <cctype>
#include <cstdlib>

namespace lockdiag::reports {

namespace {

std::int64_t sum(const Snapshot& s, std::int64_t SlotGroup::* field) {
  std::int64_t n = 0;
  for (const auto& g : s.slots) n += g.*field;
  return n;
}

std::string clock_words(const Clock& c) {
  if (!c.set) return "not set";
  if (c.drift_s == 0) return "right (0 s)";
  return std::to_string(std::llabs(c.drift_s)) + " s " + (c.drift_s > 0 ? "fast" : "slow");
}

std::string battery_words(const Battery& b) {
  const char* state = b.state == BatteryState::critical ? "critical" : b.state == BatteryState::low ? "low" : "good";
  return std::string(state) + " (" + std::to_string(b.millivolts) + " mV)";
}

std::string lockout_words(const Lockout& l) {
  return l.active ? "locked out (" + std::to_string(l.remaining_s) + " s left)" : "not locked out";
}

// The number at the end of "delete_slot_4", or -1.
int trailing_number(std::string_view s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix || s.size() == prefix.size()) return -1;
  int n = 0;
  for (char c : s.substr(prefix.size())) {
    if (c < '0' || c > '9' || n > 100000) return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

struct Known {
  std::string_view name;
  const char* title;
  const char* purpose;
};

constexpr Known kSteps[] = {
    {"read_identity", "Identify the lock", "the tool reads the lock's model, serial number and firmware"},
    {"open_session", "Open a service session", "the owner types the admin code and the service sequence at the keypad"},
    {"record_ownership", "Record who owns the lock", "the technician notes how ownership was shown and who is present"},
    {"snapshot_before", "Read the lock as found", "the tool reads codes (counts only), clock, battery and event log"},
    {"snapshot_after", "Read the lock as left", "the tool reads the lock again to show what changed"},
    {"check_battery", "Check the battery", "work at the keypad needs enough power to finish"},
    {"plan_removals", "Choose the codes to remove", "the codes the owner does not keep are listed"},
    {"verify_admin", "Test the admin code", "the owner tests the admin code at the keypad"},
    {"live_test_admin", "Test the admin code", "the owner tests the admin code at the keypad"},
    {"factory_reset", "Factory reset", "every code is erased; the owner confirms at the keypad"},
    {"factory_reset_not_needed", "No reset needed", "the lock was already in factory state"},
    {"verify_factory_state", "Check the reset", "the tool checks that no old code survived the reset"},
    {"plan_enrollment", "Plan the new codes", "each new code gets a free slot"},
    {"enroll_admin", "Enroll the admin code", "the new owner types their admin code at the keypad"},
    {"sync_clock", "Set the clock", "the lock's clock is set from the technician's laptop"},
    {"count_removed", "Count the removed codes", "the codes from before the reset are confirmed gone"},
    {"close_session", "Close the service session", "the lock goes back to normal use"},
    {"sign_report", "Sign the report", "the technician's key signs this report"},
};

}  // namespace

std::string job_title(JobKind k) {
  switch (k) {
    case JobKind::diagnose: return "Diagnosis";
    case JobKind::handoff_audit: return "Property hand-off audit";
    case JobKind::reset_onboarding: return "Reset and onboarding";
    case JobKind::rotation: return "Code rotation";
    case JobKind::clock_sync: return "Clock synchronisation";
  }
  return "Service visit";
}

std::vector<Change> changes_between(const Snapshot& b, const Snapshot& a) {
  std::vector<Change> out;
  auto num = [&](const char* what, std::int64_t x, std::int64_t y) {
    if (x != y) out.push_back({what, std::to_string(x), std::to_string(y)});
  };
  num("Codes on the lock", b.occupied(), a.occupied());
  num("Disabled codes", sum(b, &SlotGroup::disabled), sum(a, &SlotGroup::disabled));
  num("Expired codes still present", sum(b, &SlotGroup::expired_present), sum(a, &SlotGroup::expired_present));
  if (b.occupied() == a.occupied() && !b.code_set_fingerprint.empty() && !a.code_set_fingerprint.empty() &&
      b.code_set_fingerprint != a.code_set_fingerprint)
    out.push_back({"Codes", "as found", "changed (same number of codes)"});
  if (b.occupied() > 0 && a.occupied() == 0) out.push_back({"Factory state", "no", "yes (no code)"});
  if (b.occupied() == 0 && a.occupied() > 0) out.push_back({"Factory state", "yes (no code)", "no"});
  if (b.clock.set != a.clock.set || (a.clock.set && b.clock.drift_s != a.clock.drift_s))
    out.push_back({"Clock", clock_words(b.clock), clock_words(a.clock)});
  if (b.battery.state != a.battery.state)
    out.push_back({"Battery", battery_words(b.battery), battery_words(a.battery)});
  if (b.lockout.active != a.lockout.active)
    out.push_back({"Keypad lockout", lockout_words(b.lockout), lockout_words(a.lockout)});
  return out;
}

std::string step_title(std::string_view action) {
  for (const auto& k : kSteps)
    if (k.name == action) return k.title;
  if (int n = trailing_number(action, "delete_slot_"); n >= 0) return "Remove the code in slot " + std::to_string(n);
  if (int n = trailing_number(action, "enroll_user_"); n >= 0) return "Enroll a new code in slot " + std::to_string(n);
  if (int n = trailing_number(action, "rotate_slot_"); n >= 0) return "Replace the code in slot " + std::to_string(n);
  if (int n = trailing_number(action, "live_test_"); n >= 0) return "Test the code in slot " + std::to_string(n);
  std::string words(action);
  for (auto& c : words)
    if (c == '_' || c == '-') c = ' ';
  if (!words.empty()) words[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(words[0])));
  return words.empty() ? std::string("Step") : words;
}

std::string step_purpose(std::string_view action) {
  for (const auto& k : kSteps)
    if (k.name == action) return k.purpose;
  if (trailing_number(action, "delete_slot_") >= 0)
    return "a code the owner does not keep is erased; the owner confirms at the keypad";
  if (trailing_number(action, "enroll_user_") >= 0) return "the person types their new code at the keypad";
  if (trailing_number(action, "rotate_slot_") >= 0) return "the person types a new code in place of the old one";
  if (trailing_number(action, "live_test_") >= 0) return "the person tests their code at the keypad";
  return "";
}

std::string what_was_done(const Report& r) {
  std::string t = job_title(r.kind) + " of lock " + r.lock.serial;
  if (!r.site.name.empty()) t += " at " + r.site.name;
  t += " by " + (r.technician.name.empty() ? std::string("the technician") : r.technician.name) + ".";
  int failed = 0;
  for (const auto& s : r.steps)
    if (s.outcome != StepOutcome::ok && s.outcome != StepOutcome::skipped) ++failed;
  if (!r.after && r.kind == JobKind::diagnose) {
    t += " A diagnosis only reads the lock: nothing was changed.";
  } else if (!r.after) {
    t += " The job ended before the lock was read again, so what changed is not known.";
  } else {
    const auto changes = changes_between(r.before, *r.after);
    if (changes.empty()) {
      t += " Nothing on the lock was changed.";
    } else {
      t += " Changed:";
      for (size_t i = 0; i < changes.size(); ++i)
        t += (i ? "; " : " ") + changes[i].what + " " + changes[i].before + " to " + changes[i].after;
      t += ".";
    }
  }
  if (failed > 0) t += " " + std::to_string(failed) + " step(s) did not finish.";
  if (r.still_to_do) {
    if (r.still_to_do->empty()) t += " Nothing is left to do.";
    else t += " " + std::to_string(r.still_to_do->size()) + " point(s) still to do, listed below.";
  }
  return t;
}

}  // namespace lockdiag::reports
