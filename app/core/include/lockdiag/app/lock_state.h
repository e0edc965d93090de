// Everything a diagnose reads from a lock, in one value: the input of findings, snapshots and
// reports. Never a code value; the lock has none to give.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lockdiag/drivers/client.h"

namespace lockdiag::app {

struct LockState {
  drivers::Identity identity;
  drivers::Capabilities capabilities;
  drivers::Status status;
  drivers::SessionInfo session;
  std::vector<drivers::SlotRecord> slots;
  drivers::Fingerprint fingerprint;
  drivers::LockoutPolicy policy;
  drivers::EventBatch events;  // the log since the last job on this lock (all of it the first time)
  uint32_t host_utc = 0;       // laptop time (UTC) when the status was read
  int64_t drift_s = 0;         // lock clock minus laptop clock; 0 when the clock is not set
  std::string taken_at;        // RFC 3339 UTC
  std::optional<drivers::LockTimeZone> zone;  // read when the lock supports time zones
};

using ReadProgress = std::function<void(const std::string& what, size_t done, size_t total)>;

// Reads identity, capabilities, status (with clock drift against now_utc), session, slots,
// fingerprint, lockout policy and the events from events_from. Needs a service session.
drivers::Result<LockState> read_lock_state(drivers::Client& client, uint32_t events_from, uint32_t (*now_utc)(),
                                           const ReadProgress& progress = {},
                                           const drivers::CancelToken* cancel = nullptr);

// Clock drift: the lock's clock minus the laptop's at host_utc, in seconds; nullopt when the
// lock's clock is not set or is withheld (no service session). The one computation of it: the
// CLI, the GUI, the workflows and the findings all call this.
std::optional<int64_t> clock_drift_s(const drivers::Status& status, uint32_t host_utc);
// Drift beyond this many seconds is a finding and asks for a clock sync.
inline constexpr int kMaxClockDriftS = 120;

// Laptop time, seconds since 1970 UTC.
uint32_t system_utc();

// Local time for a lock time value, as the technician reads it ("2026-11-21 08:30").
std::string format_lock_time(uint32_t t);
// A slot's schedule in words, for the CLI's and the GUI's slot tables ("Mon-Fri 08:00-18:00",
// "until 2026-12-24 18:00", "2026-12-01 00:00 to 2026-12-31 23:59").
std::string describe_schedule(const drivers::Schedule& s);

}  // namespace lockdiag::app
