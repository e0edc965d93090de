// What the GUI adds to app/core's words (lock_words.h): event classes for the timeline and
// filters, times and clock drift as text. No ImGui here; the views and the tests share it.
#pragma once

#include <cstdint>
#include <string>

#include "lockdiag/app/device_worker.h"
#include "lockdiag/app/lock_words.h"

namespace lockdiag::gui {

// The words for events, reasons, roles and kinds are app/core's (lock_words.h).
using app::event_label;
using app::explain;
using app::is_refusal;
using app::kEventTypeCount;
using app::kind_label;
using app::reason_label;
using app::role_label;

// Event categories for the timeline and quick filters.
enum class EventClass { kUnlock, kWrongCode, kLockout, kRejected, kChange, kService, kPower, kOther };
EventClass classify(drivers::EventType type);

// "2026-11-21 08:30:00" (UTC); "clock not set (+123 s)" for events stamped before the clock
// was set; "never" for 0 when never_if_zero.
// In the lock's zone with its abbreviation ("2026-12-01 14:03:07 CET"; app/core's LocalTime).
std::string format_time(const app::LocalTime& lt, uint32_t utc, bool clock_not_set = false, bool never_if_zero = false);
// "+42 s", "-3 min 10 s", "+2 h 5 min"
std::string format_drift(int64_t seconds);

}  // namespace lockdiag::gui
