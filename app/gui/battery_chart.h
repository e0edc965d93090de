// The lock's battery at each earlier visit and now, as a chart with a volts axis and dates.
#pragma once

#include <string>
#include <vector>

namespace lockdiag::gui {

struct BatteryPoint {
  float mv = 0;
  std::string date;  // "2026-10-01" (the job's day, UTC), or "now"
};

// Draws the chart at the cursor, `width` wide. Records its axis labels and each point's
// "DATE: V" for tests and the layout probe, like any drawn text. Needs two points or more.
void battery_chart(const std::vector<BatteryPoint>& points, float width);

}  // namespace lockdiag::gui
