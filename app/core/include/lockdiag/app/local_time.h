// What a person reads for an instant: the lock's local time with its zone's abbreviation
// ("2026-12-01 14:03 CET"). One formatter for the CLI's text, the GUI and the PDF; JSON keeps
// UTC plus the offset. See docs/workflows.md, "Times people read".
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <string>

#include "lockdiag/app/tzif.h"
#include "lockdiag/drivers/client.h"
#include "lockdiag/drivers/time_zone.h"

namespace lockdiag::app {

class LocalTime {
 public:
  // UTC, shown as "UTC": a lock with no zone and no known offset.
  LocalTime();
  // A fixed offset east of UTC (a lock that was never given a zone): "UTC" for 0, else "UTC+01:00".
  static LocalTime fixed(int offset_min);
  // The lock's own view: its table and POSIX rule as read with GET_TIME_ZONE (instants before
  // the table use the rule where it agrees with the table's start), or its fixed offset.
  static LocalTime of_lock(const drivers::LockTimeZone& z);
  // A zone from the laptop's tzdata (a job's recorded zone): the file's full history and rule.
  static std::expected<LocalTime, std::string> of_zone(const std::string& iana,
                                                       const std::filesystem::path& root = zoneinfo_root());

  bool has_zone() const;
  const std::string& zone_name() const;  // IANA name; empty for UTC or a fixed offset
  int32_t offset_s(int64_t utc) const;
  std::string abbreviation(int64_t utc) const;  // "CET", "CEST", "IST", "+0530", "UTC", "UTC+01:00"
  // "2026-12-01 14:03 CET" ("2026-12-01 14:03:07 CET" with seconds).
  std::string format(int64_t utc, bool seconds = false) const;
  // A local wall time (a schedule's date-range bound or expiry): shown at the instant it takes
  // effect, which in a spring gap is the change itself ("03:00 CEST" for 02:30).
  std::string format_wall(int64_t wall) const;
  int64_t first_at_or_after(int64_t wall) const;
  // "Europe/Berlin", "fixed offset +01:00", "UTC".
  std::string describe() const;

  struct Impl;

 private:
  explicit LocalTime(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// The lock's local time as the lock sees it: its zone (GET_TIME_ZONE, needs a session) when it
// has one, else the fixed offset of its last clock sync (from `status` when given and not
// withheld), else UTC. Never fails: a lock that answers nothing about its zone reads as UTC.
LocalTime lock_local_time(drivers::Client& client, const drivers::Status* status = nullptr);
// The laptop's own zone (system_zone_name), UTC if tzdata cannot read it.
LocalTime laptop_local_time();

// A slot's schedule in words with its times in the lock's zone ("until 2026-12-24 18:00 CET").
std::string describe_schedule(const drivers::Schedule& s, const LocalTime& lt);

// An RFC 3339 UTC time ("2026-12-01T13:03:00Z", as the job store and reports keep them) read
// in `lt`; text that is not one comes back unchanged.
std::string format_rfc3339_local(const LocalTime& lt, const std::string& rfc3339);

// "2026-12-01 14:03 CET": the shorthand for LocalTime::format, "never" for 0.
std::string format_local(const LocalTime& lt, uint32_t utc);

}  // namespace lockdiag::app
