// The lock's time zone: UTC plus a table of upcoming offset changes computed on the laptop
// from tzdata, the zone's POSIX rule beyond the table, and the zone's name for display; or,
// on a lock that was never given a zone, the fixed offset of its last clock sync. Wall-time
// schedule rules (spring gap, autumn overlap) live here too. See docs/firmware.md, "Time zone".
#pragma once

#include <stdint.h>

#include "core/tz_rule.h"

namespace lockfw::tz {

constexpr uint8_t kMaxTransitions = 16;
constexpr uint8_t kNameBytes = 32;   // NUL-terminated
constexpr uint8_t kRuleBytes = 48;   // NUL-terminated

struct Transition {
  uint32_t utc;          // the instant of the change
  int16_t offset_min;    // total offset east of UTC after it
  uint16_t reserved;
};

// The stored and transferred form of a zone (little-endian, packed by layout).
struct ZoneData {
  char name[kNameBytes];   // IANA name, e.g. "Europe/Berlin"
  char rule[kRuleBytes];   // POSIX TZ string, e.g. "CET-1CEST,M3.5.0,M10.5.0/3"
  int16_t initial_offset_min;  // in effect before the first transition
  uint8_t count;               // transitions used
  uint8_t reserved;
  Transition table[kMaxTransitions];  // ascending by utc
};
static_assert(sizeof(ZoneData) == 212, "ZoneData is a stored and wire layout");

// Why a zone was refused.
enum class ZoneError : uint8_t { kNone, kName, kRule, kTable, kOffset };
ZoneError validate(const ZoneData& z);

class TimeZone {
 public:
  // No zone: a fixed offset east of UTC (minutes), as set by a plain clock sync.
  void set_fixed(int16_t offset_min);
  // A zone; on error the previous state stays.
  ZoneError set(const ZoneData& z);
  bool has_zone() const { return zone_; }
  const ZoneData& data() const { return data_; }
  const Rule& rule() const { return rule_; }

  int32_t offset_s(int64_t utc) const;
  // The first change strictly after `after`; false if none is known.
  bool next_change(int64_t after, int64_t& at, int32_t& offset_after) const;
  // The first instant whose local wall time is at or after `wall` (seconds since 1970 in
  // local time). In the spring gap that is the change itself; in the autumn overlap it is the
  // first occurrence.
  int64_t first_at_or_after(int64_t wall) const;
  // The instant the table ends (its last change), or 0 with no table.
  uint32_t table_end() const { return zone_ && data_.count ? data_.table[data_.count - 1].utc : 0; }
  // The abbreviation in effect: the rule's name if the offset is one of its two, else "+0530".
  void abbreviation(int64_t utc, char out[8]) const;

 private:
  ZoneData data_ = {};
  Rule rule_ = {};
  bool zone_ = false;
  int32_t fixed_s_ = 0;
};

// Whether the wall time at `utc` is its first occurrence (false in the second pass through an
// autumn overlap).
bool first_occurrence(const TimeZone& z, int64_t utc);
// Whether `utc` lies in a weekly window [start_min, end_min) of local wall time on the days of
// days_mask (bit 0 Sunday). Wall times that do not exist (spring gap) are skipped, so a window
// starting in the gap opens at the change; wall times that occur twice (autumn overlap) are
// honoured at their first occurrence only.
bool in_weekly_window(const TimeZone& z, int64_t utc, uint8_t days_mask, uint16_t start_min, uint16_t end_min);

}  // namespace lockfw::tz
