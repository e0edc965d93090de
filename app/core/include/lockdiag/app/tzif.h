// Time zones on the laptop: a bounded TZif (RFC 8536, version 2 and later) reader for the
// system's tzdata, the lock's table of upcoming offset changes computed from it, and zone-name
// validation with the nearest names for a typo. See docs/workflows.md, "Time zones".
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace lockdiag::app {

struct TzifType {
  int32_t offset_s = 0;
  bool dst = false;
  std::string abbreviation;
};

struct Tzif {
  std::vector<int64_t> times;      // transition instants, ascending
  std::vector<uint8_t> type_of;    // the type each transition switches to
  std::vector<TzifType> types;     // types[0] is in effect before the first transition
  std::string footer;              // POSIX TZ rule for instants after the last transition; may be empty
};

// Bounds: the reader refuses files over this size and counts beyond the RFC's sanity limits.
inline constexpr std::size_t kTzifMaxBytes = 256 * 1024;

std::expected<Tzif, std::string> parse_tzif(std::span<const uint8_t> bytes);

struct ZoneChange {
  int64_t utc = 0;
  int32_t offset_s = 0;   // total offset east of UTC after the change
};

// What the lock needs: the offset in effect at `from`, the next changes after it (each a real
// change of offset), the POSIX rule that continues past them, and the name.
struct ZoneTable {
  std::string name;
  std::string rule;
  int32_t initial_offset_s = 0;
  std::vector<ZoneChange> changes;
};

inline constexpr std::size_t kZoneTableMax = 16;

// The table for `from` from parsed TZif data. Changes past the file's last transition come
// from its rule; a trailing change the rule contradicts (Africa/Casablanca) is dropped so the
// lock never carries a state past the table that the rule would not continue.
std::expected<ZoneTable, std::string> zone_table(const std::string& name, const Tzif& tz, int64_t from,
                                                 std::size_t max = kZoneTableMax);

std::filesystem::path zoneinfo_root();  // $TZDIR or /usr/share/zoneinfo
// Reads <root>/<name>; refuses names that are not zone names (absolute, "..", "posix/", "right/").
std::expected<Tzif, std::string> load_zone(const std::string& name,
                                           const std::filesystem::path& root = zoneinfo_root());
std::expected<ZoneTable, std::string> load_zone_table(const std::string& name, int64_t from,
                                                      const std::filesystem::path& root = zoneinfo_root());

// Every zone name under root (TZif files outside posix/ and right/), sorted.
std::vector<std::string> zone_names(const std::filesystem::path& root = zoneinfo_root());
// Up to `count` names closest to `name` (case-insensitive edit distance, last path part counted too).
std::vector<std::string> nearest_zone_names(const std::string& name, const std::vector<std::string>& names,
                                            std::size_t count = 5);
// The laptop's zone: $TZ if it names a zone, else the target of /etc/localtime, else /etc/timezone.
std::string system_zone_name();
// `requested`, or the laptop's zone when empty, checked against tzdata; an unknown name is an
// error that lists the nearest names.
std::expected<std::string, std::string> resolve_zone(const std::string& requested,
                                                     const std::filesystem::path& root = zoneinfo_root());
// "+01:00", "-02:30": an offset for people.
std::string format_offset(int32_t offset_s);
// "2026-10-25": the UTC calendar day of a time, for findings and zone summaries.
std::string format_utc_date(int64_t utc);

}  // namespace lockdiag::app
