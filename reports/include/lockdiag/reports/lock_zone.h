#pragma once
// The lock's time zone in a report: the optional "lock_time_zone" object, kept apart
// from the codec so reports without it stay byte-identical, and the local times the PDF prints.
// The rule is evaluated with the lock firmware's own code (lockfw_tz), so the PDF shows what the
// lock believed.
#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "lockdiag/reports/model.h"

namespace lockdiag::reports {

nlohmann::json encode_lock_time_zone(const LockTimeZone& z);
// Strict: an object of exactly name, posix_rule (strings) and utc_offset_s (integer).
std::expected<LockTimeZone, std::string> decode_lock_time_zone(const nlohmann::json& j);
// Why a zone cannot go into a report ("" when it can): a name the lock could hold, a rule the
// firmware parses, an offset within +-18 h.
std::string lock_time_zone_problem(const LockTimeZone& z);

// Seconds since 1970 of an RFC 3339 UTC time ("2026-03-29T01:15:00Z"); nullopt for other text.
std::optional<std::int64_t> rfc3339_seconds(std::string_view s);

// How the PDF reads a report's times: the lock's local time with its zone's abbreviation, or
// UTC when the report has no zone.
class ReportClock {
 public:
  explicit ReportClock(const Report& r);
  bool has_zone() const { return zone_.has_value(); }
  // "Europe/Berlin", or "UTC" without a zone.
  std::string zone_label() const;
  // Offset east of UTC at `utc`: the rule's, or the offset recorded at signing when the rule
  // disagrees with it (a zone whose rule does not describe its changes, like Africa/Casablanca).
  std::int32_t offset_s(std::int64_t utc) const;
  std::string abbreviation(std::int64_t utc) const;  // "CET", "CEST", "+0530"
  // "2026-03-29 03:15 CEST" with a zone; the RFC 3339 text unchanged without one (as before).
  std::string date_time(const std::string& rfc3339) const;
  // "03:15:07 CEST" with a zone, "01:15:07" (UTC) without one.
  std::string time_of_day(const std::string& rfc3339) const;

 private:
  std::optional<LockTimeZone> zone_;
  bool rule_agrees_ = false;  // the rule gives the recorded offset at signing
};

}  // namespace lockdiag::reports
