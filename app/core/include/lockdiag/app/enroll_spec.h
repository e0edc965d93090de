// Who to enroll, as `lockdiag reset --enroll LABEL:ROLE[:SCHEDULE]` and `--rotate SLOT:LABEL` take
// it; the GUI's enroll form produces the same text, so both go through one parser.
//   ROLE      admin | user | guest | service
//   SCHEDULE  until=2026-12-24T18:00        temporary, valid until then (lock local time)
//             first-use=120                 temporary, 1..2880 minutes after the first use
//             days=mon,tue,wed@08:00-18:00  week-day window (at least one day; end after start)
//             range=2026-12-01T00:00..2026-12-31T23:59   date range
// A code value is never part of it: the person types the code at the lock.
#pragma once

#include <expected>
#include <string>

#include "lockdiag/app/workflow.h"

namespace lockdiag::app {

std::expected<EnrollPlan, std::string> parse_enroll_spec(const std::string& spec);
std::expected<EnrollPlan, std::string> parse_rotate_spec(const std::string& spec);
std::expected<drivers::Schedule, std::string> parse_schedule(const std::string& spec);
// "2026-12-24T18:00" (or with :SS) as seconds; no time zone: lock local time.
std::expected<uint32_t, std::string> parse_local_time(const std::string& text);

}  // namespace lockdiag::app
