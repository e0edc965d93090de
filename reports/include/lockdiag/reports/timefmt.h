#pragma once
// The one timestamp format of reports: RFC 3339 in UTC, whole seconds, "2026-11-21T08:30:00Z".
#include <chrono>
#include <string>
#include <string_view>

namespace lockdiag::reports {

bool is_rfc3339_utc(std::string_view text);
std::string format_rfc3339_utc(std::chrono::system_clock::time_point t);
std::string now_rfc3339_utc();

}  // namespace lockdiag::reports
