// Which LocalTime a lock's times are read in: asked of the lock itself.
#include "lockdiag/app/local_time.h"

namespace lockdiag::app {

LocalTime lock_local_time(drivers::Client& client, const drivers::Status* status) {
  if (auto caps = client.capabilities(); caps && (caps->features & drivers::kFeatureTimeZoneBit))
    if (auto z = client.get_time_zone()) return LocalTime::of_lock(*z);
  if (status) return status->withheld ? LocalTime() : LocalTime::fixed(status->utc_offset_min);
  if (auto s = client.status(); s && !s->withheld) return LocalTime::fixed(s->utc_offset_min);
  return LocalTime();
}

LocalTime laptop_local_time() {
  auto z = LocalTime::of_zone(system_zone_name());
  return z ? *z : LocalTime();
}

}  // namespace lockdiag::app
