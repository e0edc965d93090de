// What the lock reports, in the technician's words: event types, reasons, roles, kinds, and the
// answer to "why was this refused". The one wording the CLI's text, the GUI and the findings use;
// drivers keeps the machine names JSON output uses (drivers::event_type_name).
#pragma once

#include <string>

#include "lockdiag/app/device_worker.h"
#include "lockdiag/drivers/types.h"

namespace lockdiag::app {

// The event types a person filters by, 1 .. kDailyCapReached. The change records after them
// (CHANGED_BY, OLD_VALUE, NEW_VALUE) are folded into the change they follow.
inline constexpr int kEventTypeCount = static_cast<int>(drivers::EventType::kDailyCapReached) + 1;

const char* event_label(drivers::EventType type);  // "Unlocked by code"
const char* reason_label(drivers::Reason reason);   // "outside its schedule"
const char* role_label(drivers::Role role);         // "Admin"
const char* kind_label(drivers::CodeKind kind);     // "Weekly schedule"
// A machine name as a person reads it: "rolled_back" -> "rolled back" (JSON keeps the name).
std::string identifier_words(std::string name);

// True for events a technician asks "why?" about (wrong code, refused, lockout, aborted...).
bool is_refusal(const EventView& e);
// A paragraph answering "why was this refused / what happened", with the next step.
std::string explain(const EventView& e);

}  // namespace lockdiag::app
