#include "scenario.h"

#include <sodium.h>

#include <cstring>
#include <set>

#include "lockfw/wire.h"
#include "virtual_lock.h"

namespace lockfw::host {

using namespace wire;

namespace {

struct PersonDef {
  const char* name;
  uint8_t role;
};
constexpr PersonDef kPersons[] = {
    {"owner", kRoleAdmin},     {"alice", kRoleUser},    {"bob", kRoleUser},        {"carol", kRoleUser},
    {"guest-1", kRoleGuest},   {"guest-2", kRoleGuest}, {"guest-3", kRoleGuest},   {"guest-4", kRoleGuest},
    {"new-admin", kRoleAdmin}, {"new-user", kRoleUser}, {"new-guest", kRoleGuest}, {"technician", kRoleService},
};

const std::vector<ScenarioInfo> kScenarios = {
    {"fresh", "factory state: no codes, clock not set; only an admin enrollment is possible"},
    {"occupied-rental",
     "holiday rental: admin, 3 users, 4 guest/temporary codes (2 expired), ~3,000 events over 60 days with "
     "wrong-code bursts and a lockout"},
    {"post-reset", "a lock that was in use and was factory reset (event log kept): factory state"},
    {"marginal-battery", "in use, batteries nearly flat (4150 mV): low battery, keypad drops keys"},
    {"clock-lost", "the rental lock after a battery change: clock not set, scheduled and expiring codes refused"},
    {"interrupted-enrollment",
     "power went while a new user was typing a code: the slot is as before, "
     "\"enrollment aborted\" in the log"},
    {"retained-after-reset", "the less common model that keeps its codes across a factory reset, just reset"},
};

// Slots each scenario starts with (person -> slot).
std::vector<std::pair<std::string, int>> layout(std::string_view s) {
  if (s == "fresh" || s == "post-reset") return {};
  if (s == "occupied-rental" || s == "clock-lost")
    return {{"owner", 0},   {"alice", 1},   {"bob", 2},     {"carol", 3},
            {"guest-1", 4}, {"guest-2", 5}, {"guest-3", 6}, {"guest-4", 7}};
  if (s == "marginal-battery") return {{"owner", 0}, {"alice", 1}, {"bob", 2}};
  if (s == "interrupted-enrollment") return {{"owner", 0}, {"alice", 1}, {"bob", 2}, {"carol", 3}};
  if (s == "retained-after-reset") return {{"owner", 0}, {"alice", 1}, {"bob", 2}, {"guest-1", 4}};
  return {};
}

std::string derive(std::string_view scenario, std::string_view person, int counter, size_t len) {
  std::string in = "lockfw-scenario-v1|" + std::string(scenario) + "|" + std::string(person) + "|" +
                   std::to_string(counter);
  uint8_t h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const uint8_t*>(in.data()), in.size());
  std::string code;
  for (size_t i = 0; i < len; ++i) code.push_back(static_cast<char>('0' + h[i] % 10));
  sodium_memzero(h, sizeof h);
  return code;
}

// All codes of a scenario, unique, none a substring of another.
std::map<std::string, std::string> all_codes(std::string_view scenario) {
  std::map<std::string, std::string> out;
  std::set<std::string> used;
  for (const auto& p : kPersons) {
    const size_t len = p.role == kRoleAdmin ? 8 : 6;
    for (int c = 0;; ++c) {
      std::string code = derive(scenario, p.name, c, len);
      bool clash = code[0] == '0';
      for (const auto& u : used)
        if (u.find(code) != std::string::npos || code.find(u) != std::string::npos) clash = true;
      if (!clash) {
        used.insert(code);
        out[p.name] = std::move(code);
        break;
      }
    }
  }
  return out;
}

class Rng {
 public:
  explicit Rng(std::string_view seed) {
    for (char c : seed) s_ = (s_ ^ static_cast<uint8_t>(c)) * 0x100000001B3ull;
    if (!s_) s_ = 1;
  }
  uint32_t next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return static_cast<uint32_t>(s_ >> 16);
  }
  uint32_t range(uint32_t lo, uint32_t hi) { return lo + next() % (hi - lo + 1); }

 private:
  uint64_t s_ = 0xcbf29ce484222325ull;
};

constexpr int64_t kDayMs = 86400000;

class Builder {
 public:
  Builder(std::string_view name, VirtualLock& vl, std::map<uint16_t, std::string>& owners)
      : name_(name), vl_(vl), owners_(owners), codes_(all_codes(name)), rng_(name) {}

  void type(const std::string& person, std::string_view suffix) {
    std::string keys = codes_.at(person);
    keys += suffix;
    vl_.keypad(keys);
    sodium_memzero(keys.data(), keys.size());
  }
  bool check(bool ok, const char* what) {
    if (!ok && error_.empty()) error_ = what;
    return ok;
  }
  bool open_session() {
    vl_.call(kCmdArmSession);  // 1.4: the session belongs to the channel that armed it
    type("owner", "*0#");
    return check(vl_.lock().session_state() == kSessionOpen, "the admin could not open a service session");
  }
  void close_session() { vl_.call(kCmdCloseSession); }
  bool set_clock(int64_t utc_s) {
    SetClockRequest rq{static_cast<uint32_t>(utc_s), 60, 0};  // Central European Time
    return check(vl_.call(kCmdSetClock, &rq, sizeof rq).error == kErrNone, "SET_CLOCK refused");
  }
  bool enroll(const std::string& person, uint8_t kind = kKindPersistent, const void* sched = nullptr) {
    int slot = -1;
    for (const auto& [p, s] : layout(name_))
      if (p == person) slot = s;
    for (int i = 0; slot < 0 && i < static_cast<int>(std::size(kPersons)); ++i)
      if (person == kPersons[i].name) slot = i;
    uint8_t role = kRoleUser;
    for (const auto& p : kPersons)
      if (person == p.name) role = p.role;
    OpenEnrollmentRequest rq{};
    rq.slot = static_cast<uint16_t>(slot);
    rq.role = role;
    rq.kind = kind;
    if (sched) std::memcpy(rq.schedule.b, sched, 8);
    if (!check(vl_.call(kCmdOpenEnrollment, &rq, sizeof rq).error == kErrNone, "OPEN_ENROLLMENT refused")) return false;
    type(person, "#");
    vl_.advance_ms(2000);
    type(person, "#");
    if (!check(vl_.lock().enroll_state() == kEnrollCommitted, "an enrollment did not commit")) return false;
    owners_[static_cast<uint16_t>(slot)] = person;
    return true;
  }
  void wrong_code() {
    std::string w;
    do {
      w = std::to_string(rng_.range(100000, 999999));
    } while (is_code(w));
    vl_.keypad(w + "#");
  }
  bool is_code(const std::string& s) const {
    for (const auto& [p, c] : codes_)
      if (c == s) return true;
    return false;
  }
  int64_t world_s() const { return vl_.clock().world_utc_ms() / 1000; }

  // Everyday use: `per_day` entries a day by the given persons (whose codes still work, or not).
  void history(int days, int per_day, const std::vector<std::string>& people, bool with_incidents) {
    for (int d = 0; d < days; ++d) {
      for (int k = 0; k < per_day; ++k) {
        vl_.advance_ms(static_cast<uint64_t>(rng_.range(8, 20)) * 60000u);
        if (with_incidents && k == 5 && d % 9 == 7) {  // a wrong-code burst: mistyped, then right
          for (uint32_t w = rng_.range(2, 3); w > 0; --w) wrong_code();
        }
        if (with_incidents && k == 10 && d == days * 2 / 3) {  // someone tries codes: lockout
          for (int w = 0; w < 5; ++w) wrong_code();
          vl_.advance_ms(61000);
        }
        if (with_incidents && k == 3 && d == days / 4) vl_.lock().key_override();
        type(people[rng_.next() % people.size()], "#");
      }
      // Sleep through the night.
      const int64_t into_day = vl_.clock().world_utc_ms() % kDayMs;
      if (into_day < 22 * 3600000ll) vl_.advance_ms(static_cast<uint64_t>(22 * 3600000ll - into_day));
      vl_.advance_ms(9 * 3600000u);
    }
  }

  // The admin onboarding of a factory-fresh lock, `days_ago` days before now.
  bool onboard(int64_t days_ago) {
    vl_.clock().set_world_utc_ms(vl_.clock().world_utc_ms() - days_ago * kDayMs);
    if (!enroll("owner")) return false;
    return set_clock(world_s());
  }

  bool rental(int days, bool incidents) {
    const int64_t now_s = vl_.clock().world_utc_ms() / 1000;
    if (!onboard(days)) return false;
    for (const char* u : {"alice", "bob", "carol"})
      if (!enroll(u)) return false;
    const int64_t start = world_s();
    const int64_t local_offset = 3600;
    ScheduleUntil until{static_cast<uint32_t>(start + (days / 3) * 86400), 0};
    if (!enroll("guest-1", kKindTemporaryUntil, &until)) return false;
    ScheduleDateRange past{static_cast<uint32_t>(start + local_offset + 86400),
                           static_cast<uint32_t>(start + local_offset + (days * 5 / 6) * 86400)};
    if (!enroll("guest-2", kKindDateRange, &past)) return false;
    ScheduleDateRange current{static_cast<uint32_t>(now_s + local_offset - 86400),
                              static_cast<uint32_t>(now_s + local_offset + 5 * 86400)};
    if (!enroll("guest-3", kKindDateRange, &current)) return false;
    ScheduleFirstUse first{2880, 0, 0};
    if (!enroll("guest-4", kKindTemporaryFirstUse, &first)) return false;
    close_session();
    history(days / 3, 48, {"alice", "bob", "carol", "guest-1"}, incidents);
    history(days / 3, 48, {"alice", "bob", "carol", "guest-2"}, incidents);
    if (open_session()) {  // a service visit half way
      vl_.call(kCmdGetFingerprint);
      close_session();
    }
    history(days - 2 * (days / 3), 48, {"alice", "bob", "carol", "guest-2"}, incidents);
    return finish(now_s);
  }

  bool household(int days, std::vector<std::string> users) {
    const int64_t now_s = vl_.clock().world_utc_ms() / 1000;
    if (!onboard(days)) return false;
    for (const auto& u : users)
      if (u != "owner" && !enroll(u)) return false;
    close_session();
    history(days, 12, users, false);
    return finish(now_s);
  }

  bool finish(int64_t now_s) {
    if (world_s() < now_s) vl_.advance_ms(static_cast<uint64_t>(now_s - world_s()) * 1000u);
    vl_.clock().set_world_utc_ms(now_s * 1000);
    return error_.empty();
  }

  bool reset() {
    if (!open_session()) return false;
    FactoryResetRequest rq{0, {0, 0, 0}};
    if (!check(vl_.call(kCmdFactoryReset, &rq, sizeof rq).error == kErrNone, "FACTORY_RESET refused")) return false;
    type("owner", "#");
    return check(vl_.lock().confirm_state() == kConfirmDone, "the reset was not confirmed");
  }

  bool run() {
    if (name_ == "fresh") return true;
    if (name_ == "occupied-rental") return rental(60, true);
    if (name_ == "clock-lost") {
      if (!rental(30, false)) return false;
      return check(vl_.power_cycle(), "reboot failed");
    }
    if (name_ == "marginal-battery") {
      if (!household(14, {"owner", "alice", "bob"})) return false;
      vl_.battery().set(4150);
      vl_.poll();
      return true;
    }
    if (name_ == "post-reset") {
      if (!household(10, {"owner"})) return false;
      if (!reset()) return false;
      owners_.clear();
      return true;
    }
    if (name_ == "interrupted-enrollment") {
      if (!household(10, {"owner", "alice", "bob", "carol"})) return false;
      if (!open_session()) return false;
      OpenEnrollmentRequest rq{};
      rq.slot = 8;
      rq.role = kRoleUser;
      rq.kind = kKindPersistent;
      if (!check(vl_.call(kCmdOpenEnrollment, &rq, sizeof rq).error == kErrNone, "OPEN_ENROLLMENT refused"))
        return false;
      type("new-user", "#");  // first entry typed ... and the batteries fall out
      return check(vl_.power_cycle(), "reboot failed");
    }
    if (name_ == "retained-after-reset") {
      if (!household(10, {"owner", "alice", "bob"})) return false;
      if (!open_session()) return false;
      ScheduleUntil until{static_cast<uint32_t>(world_s() + 7 * 86400), 0};
      if (!enroll("guest-1", kKindTemporaryUntil, &until)) return false;
      close_session();
      return reset();
    }
    error_ = "unknown scenario";
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  std::string name_;
  VirtualLock& vl_;
  std::map<uint16_t, std::string>& owners_;
  std::map<std::string, std::string> codes_;
  Rng rng_;
  std::string error_;
};

}  // namespace

const std::vector<ScenarioInfo>& scenarios() { return kScenarios; }

bool is_scenario(std::string_view name) {
  for (const auto& s : kScenarios)
    if (s.name == name) return true;
  return false;
}

std::vector<ScenarioPerson> scenario_persons(std::string_view name) {
  std::vector<ScenarioPerson> out;
  if (!is_scenario(name)) return out;
  const auto l = layout(name);
  for (const auto& p : kPersons) {
    int slot = -1;
    for (const auto& [n, s] : l)
      if (n == p.name) slot = s;
    out.push_back({p.name, p.role, slot});
  }
  return out;
}

DeviceConfig scenario_config(std::string_view name) {
  DeviceConfig c{};
  if (name == "retained-after-reset") {
    c.model = "LD-100R Keypad Deadbolt";
    c.retain_codes_on_reset = true;
  }
  return c;
}

std::vector<std::string> scenario_code_values(std::string_view name) {
  std::vector<std::string> out;
  if (!is_scenario(name)) return out;
  for (auto& [p, c] : all_codes(name)) out.push_back(c);
  return out;
}

bool is_visitor_name(std::string_view scenario, std::string_view name) {
  if (name.empty() || name.size() > 16) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '-'))
      return false;
  for (const auto& p : kPersons)
    if (p.name == name) return false;
  return is_scenario(scenario);
}

std::string scenario_person_code(std::string_view scenario, std::string_view person) {
  if (!is_scenario(scenario)) return {};
  auto codes = all_codes(scenario);
  if (auto it = codes.find(std::string(person)); it != codes.end()) return it->second;
  if (!is_visitor_name(scenario, person)) return {};
  // Seven digits, so a visitor's code is never one of the scenario's six- or eight-digit codes,
  // nor inside or around one of them (leak scans look for substrings).
  for (int c = 0;; ++c) {
    std::string code = derive(scenario, std::string("visitor|") + std::string(person), c, 7);
    bool clash = code[0] == '0';
    for (const auto& [p, u] : codes)
      if (u.find(code) != std::string::npos || code.find(u) != std::string::npos) clash = true;
    if (!clash) return code;
  }
}

bool build_scenario(std::string_view name, VirtualLock& vl, std::map<uint16_t, std::string>& owners,
                    std::string& error) {
  if (sodium_init() < 0) {
    error = "libsodium failed to initialise";
    return false;
  }
  Builder b(name, vl, owners);
  const bool ok = b.run();
  if (!ok) error = b.error();
  return ok;
}

}  // namespace lockfw::host
