// Who made each change, and old/new values of policy and schedule changes (protocol 1.4,
// Lockfw/wire_change.h, docs/protocol.md 11 "Change source"). The lock logs
// them as CHANGED_BY / OLD_VALUE / NEW_VALUE events right after the change; fold_change_sources
// attaches them to the change they describe and removes them from the list. A record that does
// not fit (no change before it, an unknown source or field, an unpaired value, more than
// kMaxValueChanges) is refused: it stays in the list as the plain event it is, attached to nothing.
// A log from a lock without this (older firmware) has none: nothing changes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lockdiag/drivers/types.h"

namespace lockdiag::drivers {

struct ChangeSource {
  enum class Kind { kKeypad, kService } kind = Kind::kService;
  uint16_t id = 0;  // kKeypad: the slot; kService: the session number (low 16 bits)
  bool operator==(const ChangeSource&) const = default;
};

struct ValueChange {
  uint8_t field = 0;  // wire kField*
  uint16_t old_value = 0, new_value = 0;
  bool operator==(const ValueChange&) const = default;
};

struct ChangeInfo {
  std::optional<ChangeSource> by;
  std::vector<ValueChange> values;
};

inline constexpr size_t kMaxValueChanges = 16;  // more than a change can carry: refused

// Keyed by the change event's sequence number.
std::map<uint32_t, ChangeInfo> fold_change_sources(std::vector<Event>& events);

// "by service session 3", "by keypad slot 2".
std::string describe_change_source(const ChangeSource& s);
// "service" / "keypad"; a field's name for JSON ("wrong_code_limit", "schedule_word_0").
const char* change_source_kind_name(ChangeSource::Kind k);
const char* change_field_name(uint8_t field);
// Policy: one line per field ("policy: lockout after 5 -> 3 wrong codes"). Schedule: the old
// and new schedule, when the kind and all four words are there.
std::vector<std::string> describe_policy_changes(const std::vector<ValueChange>& values);
bool schedule_change(const std::vector<ValueChange>& values, Schedule& old_s, Schedule& new_s);

}  // namespace lockdiag::drivers
