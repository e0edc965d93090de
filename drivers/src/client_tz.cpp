// SET_TIME_ZONE / GET_TIME_ZONE: host values <-> wire::TimeZoneBlock / TimeZoneStatus.
#include <cstring>

#include "call_spec.h"
#include "decode.h"
#include "lockdiag/drivers/client.h"

namespace lockdiag::drivers {

using namespace lockfw::wire;

static_assert(kFeatureTimeZoneBit == kFeatureTimeZone);
static_assert(kLockZoneMaxChanges == kTzMaxTransitions);

namespace {

Result<LockTimeZone> decode_status(const Message& m, const char* what) {
  auto r = decode<TimeZoneStatus>(m.payload, what);
  if (!r) return std::unexpected(r.error());
  LockTimeZone z;
  z.has_zone = (r->flags & kTzHasZone) != 0;
  z.fixed_offset_min = r->fixed_offset_min;
  z.current_offset_s = r->current_offset_s;
  if (!z.has_zone) return z;
  z.name = fixed_string(r->zone.name, sizeof r->zone.name);
  z.rule = fixed_string(r->zone.rule, sizeof r->zone.rule);
  z.initial_offset_min = r->zone.initial_offset_min;
  if (r->zone.count > kTzMaxTransitions)
    return fail(ErrorKind::kProtocol, std::string(what) + " answer has " + std::to_string(r->zone.count) + " changes");
  for (uint8_t i = 0; i < r->zone.count; ++i) z.changes.push_back({r->zone.table[i].utc, r->zone.table[i].offset_min});
  return z;
}

}  // namespace

Result<LockTimeZone> Client::get_time_zone() {
  std::lock_guard lock(*mu_);
  auto m = transact({kCmdGetTimeZone, {}, true, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  return decode_status(*m, "GET_TIME_ZONE");
}

Result<LockTimeZone> Client::set_time_zone(const LockTimeZone& zone) {
  std::lock_guard lock(*mu_);
  TimeZoneBlock b{};
  if (!zone.name.empty()) {
    if (zone.name.size() >= sizeof b.name || zone.rule.empty() || zone.rule.size() >= sizeof b.rule)
      return fail(ErrorKind::kBadAddress, "time zone " + zone.name + " does not fit the lock (name or rule too long)");
    if (zone.changes.size() > kTzMaxTransitions)
      return fail(ErrorKind::kBadAddress, "time zone table has more than 16 changes");
    std::memcpy(b.name, zone.name.data(), zone.name.size());
    std::memcpy(b.rule, zone.rule.data(), zone.rule.size());
    b.initial_offset_min = static_cast<int16_t>(zone.initial_offset_min);
    for (const LockZoneChange& c : zone.changes) b.table[b.count++] = {c.utc, static_cast<int16_t>(c.offset_min), 0};
  }
  const auto* p = reinterpret_cast<const uint8_t*>(&b);
  auto m = transact({kCmdSetTimeZone, std::span<const uint8_t>(p, sizeof b), false, {}, nullptr});
  if (!m) return std::unexpected(m.error());
  return decode_status(*m, "SET_TIME_ZONE");
}

}  // namespace lockdiag::drivers
