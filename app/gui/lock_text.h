// Plain words for what the lock reports: event types, reasons, roles, kinds, and the answer to
// "why was this rejected". No ImGui here; the views and the tests share it.
#pragma once

#include <cstdint>
#include <string>

#include "lockdiag/app/device_worker.h"

namespace lockdiag::gui {

inline constexpr int kEventTypeCount = 30;  // wire::EventType values 1..29 (0 unused)

const char* event_type_label(uint8_t type);  // "Unlocked by code"
const char* reason_label(uint8_t reason);    // "outside its schedule"
const char* role_label(uint8_t role);        // "Admin"
const char* kind_label(uint8_t kind);        // "Weekly schedule"

// Event categories for the timeline and quick filters.
enum class EventClass { kUnlock, kWrongCode, kLockout, kRejected, kChange, kService, kPower, kOther };
EventClass classify(uint8_t type);

// True for events a technician asks "why?" about (wrong code, rejected, lockout, aborted...).
bool is_refusal(const app::EventView& e);
// A paragraph answering "why was this rejected / what happened", with the next step.
std::string explain(const app::EventView& e);

// "2026-11-21 08:30:00" (UTC); "clock not set (+123 s)" for events stamped before the clock
// was set; "never" for 0 when never_if_zero.
std::string format_time(uint32_t utc, bool clock_not_set = false, bool never_if_zero = false);
// "+42 s", "-3 min 10 s", "+2 h 5 min"
std::string format_drift(int64_t seconds);

}  // namespace lockdiag::gui
