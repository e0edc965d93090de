#include "zone_sync.h"

namespace lockdiag::app {

using nlohmann::json;

namespace {
bool supports_zone(drivers::Client& client) {
  auto caps = client.capabilities();
  return caps && (caps->features & drivers::kFeatureTimeZoneBit);
}
}  // namespace

std::string describe_lock_zone(const drivers::LockTimeZone& z) {
  if (!z.has_zone) return "fixed offset " + format_offset(z.fixed_offset_min * 60);
  std::string s = z.name + " (" + std::to_string(z.changes.size()) + " changes in its table";
  if (!z.changes.empty()) s += ", until " + format_utc_date(z.changes.back().utc);
  return s + ")";
}

json lock_zone_json(const drivers::LockTimeZone& z) {
  json changes = json::array();
  for (const auto& c : z.changes) changes.push_back({{"utc", c.utc}, {"offset_min", c.offset_min}});
  json j{{"has_zone", z.has_zone}, {"fixed_offset_min", z.fixed_offset_min}, {"current_offset_s", z.current_offset_s}};
  if (z.has_zone) {
    j["name"] = z.name;
    j["rule"] = z.rule;
    j["initial_offset_min"] = z.initial_offset_min;
    j["changes"] = changes;
  }
  return j;
}

std::optional<drivers::LockTimeZone> lock_zone_from_json(const json& j) {
  if (!j.is_object()) return std::nullopt;
  try {
    drivers::LockTimeZone z;
    z.has_zone = j.at("has_zone").get<bool>();
    z.fixed_offset_min = j.at("fixed_offset_min").get<int>();
    z.current_offset_s = j.at("current_offset_s").get<int32_t>();
    if (z.has_zone) {
      z.name = j.at("name").get<std::string>();
      z.rule = j.at("rule").get<std::string>();
      z.initial_offset_min = j.at("initial_offset_min").get<int>();
      for (const auto& c : j.at("changes"))
        z.changes.push_back({c.at("utc").get<uint32_t>(), c.at("offset_min").get<int>()});
    }
    return z;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

drivers::LockTimeZone to_lock_zone(const ZoneTable& t) {
  drivers::LockTimeZone z;
  z.has_zone = true;
  z.name = t.name;
  z.rule = t.rule;
  z.initial_offset_min = t.initial_offset_s / 60;
  for (const auto& c : t.changes) z.changes.push_back({static_cast<uint32_t>(c.utc), c.offset_s / 60});
  return z;
}

std::expected<ZoneSync, drivers::Error> sync_zone(drivers::Client& client, const ZoneTable& table) {
  if (!supports_zone(client)) {
    ZoneSync s;
    s.text = "this lock keeps only a fixed offset (" + format_offset(table.initial_offset_s) + ")";
    if (!table.changes.empty())
      s.text += ": schedules will be an hour off from " + format_utc_date(table.changes.front().utc);
    s.detail = {{"supported", false}, {"zone", table.name}};
    return s;
  }
  auto before = client.set_time_zone(to_lock_zone(table));
  if (!before) return std::unexpected(before.error());
  auto after = client.get_time_zone();
  if (!after) return std::unexpected(after.error());
  ZoneSync s;
  s.text = "zone " + describe_lock_zone(*after) + "; before: " + describe_lock_zone(*before);
  s.detail = {{"supported", true}, {"zone_before", lock_zone_json(*before)}, {"zone_after", lock_zone_json(*after)}};
  return s;
}

bool lock_follows(drivers::Client& client, const std::string& zone) {
  if (!supports_zone(client)) return true;
  auto z = client.get_time_zone();
  return z && z->has_zone && z->name == zone;
}

}  // namespace lockdiag::app
