#include "lockdiag/app/snapshot.h"

#include <map>

#include "inputs_json.h"
#include "zone_sync.h"

namespace lockdiag::app {

using nlohmann::json;

const char* role_name(drivers::Role r) {
  switch (r) {
    case drivers::Role::kAdmin: return "admin";
    case drivers::Role::kUser: return "user";
    case drivers::Role::kGuest: return "guest";
    case drivers::Role::kService: return "service";
  }
  return "user";
}

const char* kind_name(drivers::CodeKind k) {
  switch (k) {
    case drivers::CodeKind::kPersistent: return "persistent";
    case drivers::CodeKind::kTemporaryUntil: return "temporary_until";
    case drivers::CodeKind::kTemporaryFirstUse: return "temporary_first_use";
    case drivers::CodeKind::kWeekday: return "weekday";
    case drivers::CodeKind::kDateRange: return "date_range";
  }
  return "persistent";
}

namespace {
json snapshot_body(const LockState& s) {
  json slots = json::array();
  for (const auto& slot : s.slots)
    slots.push_back({{"index", slot.index},
                     {"role", role_name(slot.role)},
                     {"kind", kind_name(slot.kind)},
                     {"enabled", slot.enabled},
                     {"expired", slot.expired},
                     {"retained_across_reset", slot.retained_across_reset},
                     {"created", slot.created},
                     {"last_used", slot.last_used},
                     {"use_count", slot.use_count},
                     {"schedule", schedule_to_json(slot.schedule)}});
  std::map<std::string, int64_t> by_type;
  for (const auto& e : s.events.events) ++by_type[drivers::event_type_name(e.type)];
  const bool any = !s.events.events.empty();
  return {{"taken_at", s.taken_at},
          {"serial", s.identity.serial},
          {"slot_capacity", s.capabilities.slot_count},
          {"slots", slots},
          {"fingerprint", s.fingerprint.hex()},
          {"secret_epoch", s.fingerprint.secret_epoch},
          {"factory_state", s.status.factory_state},
          {"clock", {{"set", s.status.clock_set}, {"drift_s", s.drift_s}}},
          {"battery", {{"millivolts", s.status.battery_mv}, {"state", drivers::to_string(s.status.battery_state)}}},
          {"lockout",
           {{"active", s.status.locked_out},
            {"wrong_attempts", s.status.wrong_attempts},
            {"remaining_s", s.status.lockout_remaining_s}}},
          {"events",
           {{"first_seq", any ? s.events.events.front().seq : s.events.next_seq},
            {"last_seq", any ? s.events.events.back().seq : s.events.next_seq},
            {"read", s.events.events.size()},
            {"next_seq", s.events.next_seq},
            {"by_type", by_type}}}};
}
}  // namespace

json snapshot_json(const LockState& s) {
  json j = snapshot_body(s);
  if (s.zone) j["zone"] = lock_zone_json(*s.zone);  // the lock's zone as it reported it
  return j;
}

namespace {
reports::Role report_role(const std::string& r) {
  return r == "admin"     ? reports::Role::admin
         : r == "guest"   ? reports::Role::guest
         : r == "service" ? reports::Role::service
                          : reports::Role::user;
}
reports::SlotKind report_kind(const std::string& k) {
  if (k == "temporary_until" || k == "temporary_first_use") return reports::SlotKind::temporary;
  if (k == "weekday" || k == "date_range") return reports::SlotKind::scheduled;
  return reports::SlotKind::persistent;
}
}  // namespace

reports::Snapshot report_snapshot(const json& j) {
  reports::Snapshot s;
  s.taken_at = j.value("taken_at", "");
  s.slot_capacity = j.value("slot_capacity", 0);
  std::map<std::pair<int, int>, reports::SlotGroup> groups;
  for (const auto& slot : j.at("slots")) {
    const auto role = report_role(slot.at("role"));
    const auto kind = report_kind(slot.at("kind"));
    auto& g = groups[{static_cast<int>(role), static_cast<int>(kind)}];
    g.role = role;
    g.kind = kind;
    ++g.count;
    if (slot.at("enabled").get<bool>()) ++g.enabled;
    else ++g.disabled;
    if (slot.at("expired").get<bool>()) ++g.expired_present;
  }
  for (auto& [key, g] : groups) s.slots.push_back(g);
  s.code_set_fingerprint = j.value("fingerprint", "");
  s.clock.set = j.at("clock").at("set");
  s.clock.drift_s = j.at("clock").at("drift_s");
  s.battery.millivolts = j.at("battery").at("millivolts");
  const std::string bs = j.at("battery").at("state");
  s.battery.state = bs == "critical" ? reports::BatteryState::critical
                    : bs == "low"    ? reports::BatteryState::low
                                     : reports::BatteryState::ok;
  s.lockout.active = j.at("lockout").at("active");
  s.lockout.wrong_attempts = j.at("lockout").at("wrong_attempts");
  s.lockout.remaining_s = s.lockout.active ? j.at("lockout").at("remaining_s").get<int64_t>() : 0;
  if (!s.clock.set) s.clock.drift_s = 0;
  const auto& ev = j.at("events");
  s.events.entries_read = ev.at("read");
  if (s.events.entries_read > 0) {  // the format wants 0..0 for "nothing read"
    s.events.first_seq = ev.at("first_seq");
    s.events.last_seq = ev.at("last_seq");
  }
  for (const auto& [type, n] : ev.at("by_type").items()) s.events.by_type.push_back({type, n.get<int64_t>()});
  return s;
}

json active_by_role(const json& snapshot) {
  json out{{"admin", 0}, {"user", 0}, {"guest", 0}, {"service", 0}};
  for (const auto& slot : snapshot.at("slots"))
    if (slot.at("enabled").get<bool>() && !slot.at("expired").get<bool>())
      out[slot.at("role").get<std::string>()] = out[slot.at("role").get<std::string>()].get<int>() + 1;
  return out;
}

}  // namespace lockdiag::app
