// GuiModel: the view-model core (views, settings file, update loop and device state); its other
// parts live in gui_connection.cpp, gui_filters.cpp, gui_jobs.cpp and gui_fields.cpp.
#include "gui_model.h"

#include "lockdiag/app/findings.h"
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

const char* view_label(View v) {
  switch (v) {
    case View::kConnect: return "Connect";
    case View::kDashboard: return "Dashboard";
    case View::kSlots: return "Slots";
    case View::kEvents: return "Events";
    case View::kWizard: return "Wizards";
    case View::kJobs: return "Jobs";
    case View::kSettings: return "Settings";
  }
  return "?";
}

std::optional<View> view_from(const std::string& name) {
  std::string n = name;
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n == "wizard") n = "wizards";
  for (int i = 0; i < kViewCount; ++i) {
    std::string l = view_label(static_cast<View>(i));
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l == n) return static_cast<View>(i);
  }
  return std::nullopt;
}

// ---- Settings --------------------------------------------------------------------------------

Settings load_gui_settings(const fs::path& path, std::string* problem) {
  Settings s;
  auto shared = app::load_settings(path);
  if (!shared) {
    if (problem) *problem = shared.error();
    return s;
  }
  static_cast<app::Settings&>(s) = std::move(*shared);
  if (s.has_gui) return s;
  // Before the GUI shared the CLI's file it kept its own: what that file has, once.
  std::ifstream in(path.parent_path() / "gui.json");
  if (!in) return s;
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object()) return s;
  for (auto [key, value] :
       {std::pair{"technician", &s.technician}, std::pair{"company", &s.company}, std::pair{"licence", &s.licence}})
    if (value->empty()) *value = j.value(key, "");
  s.report_dir = j.value("report_dir", "");
  s.utc_offset_min = j.value("utc_offset_min", 0);
  s.ui_scale = j.value("ui_scale", 0.0f);
  s.has_gui = true;
  if (auto w = app::save_settings(s, path); !w && problem) *problem = w.error();
  return s;
}

// The technician's signing key id from the key store (reports), "" when there is none.
static std::string own_key_id() {
  auto ks = reports::KeyStore::open_default();
  if (!ks || !ks->exists()) return "";
  auto info = ks->info();
  return info ? info->key_id : "";
}

// ---- GuiModel --------------------------------------------------------------------------------

GuiModel::GuiModel(Options options) : options_(std::move(options)) {
  auto backend = options_.backend ? std::move(options_.backend) : app::make_client_backend();
  worker_ = std::make_unique<app::DeviceWorker>(std::move(backend), options_.worker);
  worker_->set_notify([this] { wake(); });

  settings_path_ = options_.settings.empty() ? app::settings_path() : options_.settings;
  if (settings_path_ != "-") {
    std::string problem;
    settings = load_gui_settings(settings_path_, &problem);
    settings_damaged_ = !app::load_settings(settings_path_).has_value();
    if (!problem.empty()) settings_status = "Settings: " + problem;
  }

  if (options_.job_store != "-") {
    const fs::path p = options_.job_store.empty() ? app::JobStore::default_path() : options_.job_store;
    auto st = app::JobStore::open(p);
    if (st) {
      store_.emplace(std::move(*st));
      if (!store_->warning().empty()) store_problem = store_->warning();
    } else {
      store_problem = "Job store " + p.string() + ": " + st.error().message;
    }
  }

  if (options_.sim_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/lockdiag-gui-XXXXXX";
    if (char* d = mkdtemp(templ.data())) {
      sim_dir_ = d;
      own_sim_dir_ = true;
    }
  } else {
    sim_dir_ = options_.sim_dir;
  }
  scenario_names_ = list_scenarios(sim_binary());
  // Plug and unplug (libusb hotplug, or a poll) and virtual locks starting and stopping: the
  // watcher's thread notices, the UI wakes and rebuilds the list.
  if (options_.discover)
    watcher_ = std::make_unique<drivers::DeviceWatcher>([this](const drivers::DeviceEvent&) {
      devices_dirty_ = true;
      wake();
    });
  if (auto key = own_key_id(); !key.empty()) settings.key_fingerprint = key;
  rescan_devices();
  refresh_jobs();
}

GuiModel::~GuiModel() {
  if (wizard.running()) cancel_wizard();
  if (sim_thread_.joinable()) sim_thread_.join();
  if (bg_thread_.joinable()) bg_thread_.join();
  watcher_.reset();
  worker_.reset();  // joins the I/O thread before the sims and the store go away
  sims_.clear();
  if (own_sim_dir_) {
    std::error_code ec;
    fs::remove_all(sim_dir_, ec);
  }
}

uint32_t GuiModel::now() const {
  return options_.now_utc ? options_.now_utc() : static_cast<uint32_t>(std::time(nullptr));
}

void GuiModel::set_wake(std::function<void()> wake) { wake_ = std::move(wake); }
void GuiModel::wake() const {
  if (wake_) wake_();
}

bool GuiModel::busy() const {
  return !snap_.busy.empty() || snap_.link == app::LinkState::kConnecting || wizard.running() || !worker_->idle() ||
         sim_busy_ || bg_busy_;
}

bool GuiModel::update() {
  bool changed = wizard.update();
  if (devices_dirty_.exchange(false)) {
    rescan_devices();
    changed = true;
  }
  {
    std::lock_guard lk(sim_mu_);
    if (sim_result_) {
      simulate_status = std::move(*sim_result_);
      sim_result_.reset();
      changed = true;
    }
    if (bg_apply_) {
      auto apply = std::move(*bg_apply_);
      bg_apply_.reset();
      apply(*this);
      changed = true;
    }
  }
  const uint64_t v = worker_->version();
  if (v != seen_version_) {
    seen_version_ = v;
    app::DeviceSnapshot old = std::move(snap_);
    snap_ = worker_->snapshot();
    recompute_after_snapshot(old);
    changed = true;
  }
  if (changed && wizard.phase == WizardModel::Phase::kDone && wizard.view().result.job_id != 0 &&
      (jobs_.empty() || jobs_.front().id != wizard.view().result.job_id))
    refresh_jobs();
  return changed;
}

void GuiModel::recompute_after_snapshot(const app::DeviceSnapshot& old) {
  if (snap_.slots != old.slots) {
    refresh_slot_labels();
    apply_slot_filter();
  }
  if (snap_.events != old.events) {
    events.selected = -1;
    apply_event_filter();
  }
  const std::string serial = snap_.identity ? snap_.identity->serial : "";
  if (serial != history_serial_) {
    history_serial_ = serial;
    load_battery_history();
    refresh_jobs();
  }
  if (snap_.status && (!battery_history_.empty() || snap_.status->battery_mv > 0)) {
    // The last point is "now".
    const BatteryPoint now{static_cast<float>(snap_.status->battery_mv), "now"};
    if (!old.status || battery_history_.empty()) battery_history_.push_back(now);
    else battery_history_.back() = now;
  }
  collect_findings();
  if (old.link != app::LinkState::kConnected && snap_.link == app::LinkState::kConnected && view == View::kConnect)
    view = View::kDashboard;
}

// ---- Device state ----------------------------------------------------------------------------

bool GuiModel::session_open() const { return snap_.session && snap_.session->state != drivers::SessionState::kNone; }

std::optional<int64_t> GuiModel::clock_drift_s() const {
  if (!snap_.status) return std::nullopt;
  return app::clock_drift_s(*snap_.status, snap_.status_read_at);
}

std::string GuiModel::session_guidance() const {
  if (!snap_.session) return "";
  switch (snap_.session->state) {
    case drivers::SessionState::kOpen:
      return "Service session open (" + std::to_string(snap_.session->remaining_s) + " s left).";
    case drivers::SessionState::kFactory: return "Factory state: the lock accepts admin enrollment only.";
    case drivers::SessionState::kNone: break;
  }
  return std::string("No service session. ") + app::kOpenSessionAtLock +
         ". The laptop cannot open it by itself; this page notices within two seconds.";
}

void GuiModel::collect_findings() {
  findings_.clear();
  if (!snap_.status) return;
  // The core's rules (app::analyze, as the CLI's diagnose), over the status the dashboard has.
  for (auto& f : app::analyze_status(*snap_.status, snap_.status_read_at))
    findings_.push_back({std::move(f.severity), std::move(f.title), std::move(f.next_step)});
  // The latest job on this lock said more (loaded when the lock or the job list changes).
  findings_.insert(findings_.end(), last_job_findings_.begin(), last_job_findings_.end());
  auto rank = [](const std::string& sev) { return sev == "critical" ? 0 : sev == "warning" ? 1 : 2; };
  std::stable_sort(findings_.begin(), findings_.end(),
                   [&](const Finding& a, const Finding& b) { return rank(a.severity) < rank(b.severity); });
}

void GuiModel::load_battery_history() {
  battery_history_.clear();
  if (!store_ || history_serial_.empty()) return;
  auto js = store_->jobs(history_serial_);
  if (!js) return;
  std::sort(js->begin(), js->end(), [](const app::JobRecord& a, const app::JobRecord& b) { return a.id < b.id; });
  for (auto it = js->begin(); it != js->end(); ++it) {  // oldest first
    for (const char* phase : {"before", "after"}) {
      auto snap = store_->snapshot(it->id, phase);
      if (!snap || !*snap) continue;
      const auto j = nlohmann::json::parse(**snap, nullptr, false);
      if (!j.is_object()) continue;
      int mv = 0;
      if (j.contains("battery_mv") && j["battery_mv"].is_number()) mv = j["battery_mv"].get<int>();
      else if (j.contains("battery") && j["battery"].is_object())
        mv = j["battery"].value("millivolts", j["battery"].value("mv", 0));
      if (mv > 0) {
        battery_history_.push_back({static_cast<float>(mv), it->created_at.substr(0, 10)});
        break;
      }
    }
  }
}

}  // namespace lockdiag::gui
