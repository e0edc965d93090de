// GuiModel, form fields: settings saved and the named fields a script or test sets.
#include "gui_model.h"

#include "lockdiag/app/last_visit.h"
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

// ---- Settings --------------------------------------------------------------------------------

bool GuiModel::save_settings_now() {
  // The contact details are checked by app/core, as `lockdiag settings` checks them.
  if (auto bad = app::contact_problem(settings); !bad.empty()) return settings_status = "Not saved: " + bad, false;
  if (settings_path_ == "-") {
    settings_status = "Saved (in memory).";
    return true;
  }
  if (settings_damaged_) {  // never written over: fixed or deleted by hand first
    if (auto now = app::load_settings(settings_path_); !now)
      return settings_status = "Not saved: " + now.error(), false;
    settings_damaged_ = false;
  }
  settings.has_gui = true;
  auto w = app::save_settings(settings, settings_path_);  // the CLI's keys and any other stay
  settings_status = w ? "Saved to " + settings_path_.string() : "Not saved: " + w.error();
  return w.has_value();
}

namespace {

bool set_enroll_field(std::vector<EnrollLine>& lines, const std::string& field, const std::string& value) {
  // enroll.N.what
  const auto dot = field.find('.', 7);
  if (dot == std::string::npos) return false;
  size_t n = 0;
  try {
    n = std::stoul(field.substr(7, dot - 7));
  } catch (...) {
    return false;
  }
  if (n < 1 || n > 50) return false;
  if (lines.size() < n) lines.resize(n);
  EnrollLine& e = lines[n - 1];
  ScheduleForm& s = e.schedule;
  const std::string what = field.substr(dot + 1);
  auto index_of = [&](const std::vector<std::string>& names, int& out) {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == value) {
        out = static_cast<int>(i);
        return true;
      }
    return false;
  };
  try {
    if (what == "label") e.label = value;
    else if (what == "role") return index_of({"admin", "user", "guest", "service"}, e.role);
    else if (what == "slot") e.slot = value.empty() ? -1 : std::stoi(value);
    else if (what == "schedule") return index_of({"persistent", "until", "first-use", "days", "range"}, s.kind);
    else if (what == "until") s.until = value;
    else if (what == "minutes") s.first_use_minutes = std::stoi(value);
    else if (what == "start") s.start = value;
    else if (what == "end") s.end = value;
    else if (what == "from") s.from = value;
    else if (what == "to") s.to = value;
    else if (what == "days") {
      std::array<bool, 7> days{};
      std::string rest = value;
      for (char& c : rest)
        if (c == ',') c = ' ';
      std::istringstream in(rest);
      std::string d;
      while (in >> d) {
        for (char& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        bool known = false;
        for (int i = 0; i < 7; ++i) {
          std::string name = weekday_label(i);  // "Mon"
          name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
          if (d == name) days[static_cast<size_t>(i)] = known = true;
        }
        if (!known) return false;
      }
      s.days = days;
    } else return false;
  } catch (...) {
    return false;
  }
  return true;
}

}  // namespace

uint32_t GuiModel::now_local() const {
  return static_cast<uint32_t>(static_cast<int64_t>(now()) + static_cast<int64_t>(settings.utc_offset_min) * 60);
}

bool GuiModel::set_field(const std::string& field, const std::string& value) {
  if (field.rfind("enroll.", 0) == 0) return set_enroll_field(wizard.inputs.enroll, field, value);
  auto as_int = [&](int& out) {
    try {
      out = value.empty() ? -1 : std::stoi(value);
      return true;
    } catch (...) {
      return false;
    }
  };
  auto& in = wizard.inputs;
  if (field == "site") in.site = value;
  else if (field == "customer") in.customer = value;
  else if (field == "present") in.present = value;
  else if (field == "ownership_evidence") in.ownership_evidence = value;
  else if (field == "notes") in.notes = value;
  else if (field == "keep_slots") in.keep_slots = value;
  else if (field == "complaint_slot") return as_int(in.complaint_slot);
  else if (field == "technician") settings.technician = value;
  else if (field == "company") settings.company = value;
  else if (field == "licence") settings.licence = value;
  else if (field == "slot_filter") {
    slots.filter = value;
    apply_slot_filter();
  } else if (field == "event_slot") {
    if (!as_int(events.slot)) return false;
    apply_event_filter();
  } else if (field == "event_type") {
    if (!as_int(events.type)) return false;
    if (events.type < 0) events.type = 0;
    apply_event_filter();
  } else if (field == "event_from") {
    events.from = value;
    apply_event_filter();
  } else if (field == "event_to") {
    events.to = value;
    apply_event_filter();
  } else if (field == "event_selected") {
    if (!as_int(events.selected)) return false;
    events.scroll_to_selected = true;
  } else return false;
  return true;
}

}  // namespace lockdiag::gui
