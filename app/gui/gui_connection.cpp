// GuiModel, connection: scenarios, device scan, connect/disconnect and the virtual lock.
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

// ---- Connect ---------------------------------------------------------------------------------

std::vector<std::string> GuiModel::scenarios() const {
  // "" is a fresh lock with no scenario; the named ones are what this lockfw-sim offers.
  std::vector<std::string> out{""};
  out.insert(out.end(), scenario_names_.begin(), scenario_names_.end());
  return out;
}

bool GuiModel::is_virtual(const std::string& uri) const { return uri.rfind("sim:", 0) == 0; }

void GuiModel::rescan_devices() {
  std::vector<DeviceEntry> out;
  for (size_t i = 0; i < sims_.size(); ++i) {
    const auto& sc = sim_scenarios_[i];
    out.push_back(
        {sims_[i]->uri(), "Virtual lock (" + (sc.empty() ? std::string("fresh") : sc) + ")", true, true, "", "", {}});
  }
  auto add = [&](const std::string& uri, const std::string& label) -> DeviceEntry* {
    for (auto& d : out)
      if (d.uri == uri) return nullptr;
    out.push_back({uri, label, is_virtual(uri), false, "", "", {}});
    return &out.back();
  };
  for (const auto& u : options_.device_uris) add(u, is_virtual(u) ? "Virtual lock" : "Lock");
  if (watcher_) {
    for (const auto& d : watcher_->current()) {
      std::string label;
      switch (d.kind) {
        case drivers::DeviceInfo::Kind::kSim: label = "Virtual lock " + d.serial; break;
        case drivers::DeviceInfo::Kind::kUsb:
          label = (d.product.empty() ? std::string("USB lock") : d.product) + " " + d.serial +
                  (d.port_path.empty() ? "" : " (port " + d.port_path + ")");
          break;
        case drivers::DeviceInfo::Kind::kHid: label = "HID lock " + d.serial; break;
      }
      bool mine = false;  // a virtual lock started here is already listed with its scenario
      for (auto& e : out)
        if (e.started_here && (e.uri == d.uri || ("sim:" + d.socket) == e.uri)) {
          e.serial = d.serial;
          mine = true;
        }
      if (mine) continue;
      if (auto* e = add(d.uri, label)) {
        e->serial = d.serial;
        if (!d.accessible) e->problem = d.problem;
      }
    }
  }
  if (snap_.link != app::LinkState::kNone && !snap_.uri.empty()) add(snap_.uri, "Lock");
  devices_ = std::move(out);
  annotate_unfinished_jobs();
}

void GuiModel::annotate_unfinished_jobs() {
  for (auto& d : devices_) {
    d.unfinished = store_ ? app::unfinished_jobs(*store_, d.serial) : std::vector<app::JobRecord>{};
  }
}

void GuiModel::connect(const std::string& uri) {
  connect_error.clear();
  slots.rows.clear();
  events.rows.clear();
  worker_->connect(uri);
}

void GuiModel::disconnect() { worker_->disconnect(); }

bool GuiModel::start_virtual_lock(const std::string& scenario) {
  connect_error.clear();
  app::SimProcess::Options o;
  o.directory = sim_dir_ / ("lock-" + std::to_string(sims_.size() + 1));
  if (!scenario.empty()) o.extra_args = {"--scenario", scenario};
  o.binary = sim_binary();
  auto p = app::SimProcess::start(o);
  if (!p) {
    connect_error = "Cannot start a virtual lock: " + p.error();
    return false;
  }
  sims_.push_back(std::make_unique<app::SimProcess>(std::move(*p)));
  sim_scenarios_.push_back(scenario);
  rescan_devices();
  connect(sims_.back()->uri());
  return true;
}

}  // namespace lockdiag::gui
