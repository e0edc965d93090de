// GuiModel, table filters: the slots and events tables filtered by what the technician typed.
#include "gui_model.h"

#include "lockdiag/app/last_visit.h"
#include "lockdiag/app/slot_labels.h"
#include "lockdiag/app/visit_summary.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "lock_text.h"
#include "lockdiag/app/lock_presence.h"
#include "lockdiag/app/report_trust.h"
#include "lockdiag/app/settings.h"
#include "lockdiag/reports/io.h"
#include "lockdiag/reports/reports.h"
#include "workflow_runner.h"

namespace lockdiag::gui {

namespace fs = std::filesystem;

// ---- Slots -----------------------------------------------------------------------------------

const app::SlotView* GuiModel::slot_row(size_t i) const {
  if (!snap_.slots || i >= slots.rows.size()) return nullptr;
  return &(*snap_.slots)[static_cast<size_t>(slots.rows[i])];
}

namespace {
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
// "YYYY-MM-DD[ HH:MM[:SS]]" UTC -> seconds; nullopt when empty or unreadable.
std::optional<uint32_t> parse_when(const std::string& s, bool end_of_day) {
  if (s.empty()) return std::nullopt;
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  const int n = std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &se);
  if (n < 3) return std::nullopt;
  if (n == 3 && end_of_day) {
    h = 23;
    mi = 59;
    se = 59;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  const time_t t = timegm(&tm);
  if (t < 0) return std::nullopt;
  return static_cast<uint32_t>(t);
}
}  // namespace

void GuiModel::refresh_slot_labels() {
  slots.known.clear();
  if (!store_ || !snap_.identity) return;
  if (auto known = app::known_slot_labels(*store_, snap_.identity->serial))
    for (auto& [slot, l] : *known) slots.known[slot] = std::move(l.label);
}

void GuiModel::apply_slot_filter() {
  slots.rows.clear();
  if (!snap_.slots) return;
  const auto& all = *snap_.slots;
  const std::string f = lower(slots.filter);
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& s = all[i];
    if (slots.role >= 0 && static_cast<int>(s.role) != slots.role) continue;
    if (slots.enabled_only && !s.enabled) continue;
    if (!f.empty()) {
      const auto known = slots.known.find(s.index);
      const std::string hay = std::to_string(s.index) + " " + lower(role_label(s.role)) + " " +
                              lower(kind_label(s.kind)) + " " + lower(s.schedule) + " " +
                              (known == slots.known.end() ? "" : lower(known->second));
      if (hay.find(f) == std::string::npos) continue;
    }
    slots.rows.push_back(static_cast<int>(i));
  }
  auto key_less = [&](const app::SlotView& a, const app::SlotView& b) {
    switch (slots.sort) {
      case SlotTable::kRole: return a.role < b.role;
      case SlotTable::kKind: return a.kind < b.kind;
      case SlotTable::kSchedule: return a.schedule < b.schedule;
      case SlotTable::kEnabled: return a.enabled < b.enabled;
      case SlotTable::kLastUsed: return a.last_used < b.last_used;
      case SlotTable::kUseCount: return a.use_count < b.use_count;
      default: return a.index < b.index;
    }
  };
  std::stable_sort(slots.rows.begin(), slots.rows.end(), [&](int x, int y) {
    const auto& a = all[static_cast<size_t>(x)];
    const auto& b = all[static_cast<size_t>(y)];
    if (key_less(a, b)) return slots.ascending;
    if (key_less(b, a)) return !slots.ascending;
    return a.index < b.index;
  });
}

// ---- Events ----------------------------------------------------------------------------------

const app::EventView* GuiModel::event_row(size_t i) const {
  if (!snap_.events || i >= events.rows.size()) return nullptr;
  return &(*snap_.events)[events.rows[i]];
}

void GuiModel::apply_event_filter() {
  events.rows.clear();
  events.unlocks.fill(0);
  events.wrong.fill(0);
  events.lockouts.fill(0);
  events.t0 = events.t1 = 0;
  if (!snap_.events) return;
  const auto& all = *snap_.events;
  const auto from = parse_when(events.from, false);
  const auto to = parse_when(events.to, true);
  events.rows.reserve(all.size());
  uint32_t t0 = UINT32_MAX, t1 = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& e = all[i];
    if (events.type > 0 && static_cast<int>(e.type) != events.type) continue;
    if (events.cls >= 0 && static_cast<int>(classify(e.type)) != events.cls) continue;
    if (events.slot >= 0 && e.slot != events.slot) continue;
    if (!e.clock_not_set) {
      if (from && e.time < *from) continue;
      if (to && e.time > *to) continue;
      t0 = std::min(t0, e.time);
      t1 = std::max(t1, e.time);
    } else if (from || to) {
      continue;
    }
    events.rows.push_back(static_cast<uint32_t>(i));
  }
  if (t0 > t1) return;
  events.t0 = t0;
  events.t1 = t1;
  const double span = std::max<double>(1.0, static_cast<double>(t1 - t0) + 1.0);
  for (uint32_t i : events.rows) {
    const auto& e = all[i];
    if (e.clock_not_set) continue;
    int b = static_cast<int>((static_cast<double>(e.time - t0) / span) * EventTable::kBuckets);
    b = std::clamp(b, 0, EventTable::kBuckets - 1);
    switch (classify(e.type)) {
      case EventClass::kUnlock: events.unlocks[static_cast<size_t>(b)] += 1; break;
      case EventClass::kWrongCode:
      case EventClass::kRejected: events.wrong[static_cast<size_t>(b)] += 1; break;
      case EventClass::kLockout:
        if (e.type == drivers::EventType::kLockoutStart) events.lockouts[static_cast<size_t>(b)] += 1;
        break;
      default: break;
    }
  }
}

}  // namespace lockdiag::gui
