#include "gui_model.h"

#include "lockdiag/app/last_visit.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "lock_text.h"
#include "lockdiag/app/lock_presence.h"
#include "lockdiag/app/settings.h"
#include "lockdiag/reports/io.h"
#include "lockdiag/reports/reports.h"
#include "workflow_runner.h"
#include "lockfw/wire.h"

namespace lockdiag::gui {

namespace fs = std::filesystem;
namespace w = lockfw::wire;

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

fs::path default_settings_path() {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return fs::path(x) / "lockdiag" / "gui.json";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / ".config" / "lockdiag" / "gui.json";
}

Settings load_settings(const fs::path& path) {
  Settings s;
  std::ifstream in(path);
  if (!in) return s;
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object()) return s;
  s.technician = j.value("technician", "");
  s.company = j.value("company", "");
  s.licence = j.value("licence", "");
  s.key_fingerprint = j.value("key_fingerprint", "");
  s.report_dir = j.value("report_dir", "");
  s.utc_offset_min = j.value("utc_offset_min", 0);
  s.ui_scale = j.value("ui_scale", 0.0f);
  return s;
}

bool save_settings(const fs::path& path, const Settings& s) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  nlohmann::json j{{"technician", s.technician}, {"company", s.company},        {"licence", s.licence},
                   {"key_fingerprint", s.key_fingerprint}, {"report_dir", s.report_dir},
                   {"utc_offset_min", s.utc_offset_min}, {"ui_scale", s.ui_scale}};
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << j.dump(2) << "\n";
    if (!out) return false;
  }
  fs::rename(tmp, path, ec);
  return !ec;
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

  settings_path_ = options_.settings.empty() ? default_settings_path() : options_.settings;
  if (settings_path_ != "-") {
    settings = load_settings(settings_path_);
    // The technician's profile the CLI keeps (lockdiag settings) fills what the GUI lacks.
    if (auto shared = app::load_settings(); shared) {
      if (settings.technician.empty()) settings.technician = shared->technician;
      if (settings.company.empty()) settings.company = shared->company;
      if (settings.licence.empty()) settings.licence = shared->licence;
    }
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
  return !snap_.busy.empty() || snap_.link == app::LinkState::kConnecting || wizard.running() ||
         !worker_->idle() || sim_busy_ || bg_busy_;
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
  if (snap_.slots != old.slots) apply_slot_filter();
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
    if (!old.status || battery_history_.empty()) battery_history_.push_back(static_cast<float>(snap_.status->battery_mv));
    else battery_history_.back() = static_cast<float>(snap_.status->battery_mv);
  }
  derive_findings();
  if (old.link != app::LinkState::kConnected && snap_.link == app::LinkState::kConnected && view == View::kConnect)
    view = View::kDashboard;
}

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
    out.push_back({sims_[i]->uri(), "Virtual lock (" + (sc.empty() ? std::string("fresh") : sc) + ")", true, true, "", "", {}});
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

// ---- Device state ----------------------------------------------------------------------------

bool GuiModel::session_open() const {
  return snap_.session && snap_.session->state != drivers::SessionState::kNone;
}

std::optional<int64_t> GuiModel::clock_drift_s() const {
  if (!snap_.status || snap_.status->withheld || !snap_.status->clock_set) return std::nullopt;
  return static_cast<int64_t>(snap_.status->clock_utc) - static_cast<int64_t>(snap_.status_read_at);
}

std::string GuiModel::session_guidance() const {
  if (!snap_.session) return "";
  switch (snap_.session->state) {
    case drivers::SessionState::kOpen:
      return "Service session open (" + std::to_string(snap_.session->remaining_s) + " s left).";
    case drivers::SessionState::kFactory:
      return "Factory state: the lock accepts admin enrollment only.";
    case drivers::SessionState::kNone:
      break;
  }
  return "No service session. At the lock: the owner types the admin code, then * 0 #. The laptop cannot open "
         "it by itself; this page notices within two seconds.";
}

void GuiModel::derive_findings() {
  findings_.clear();
  if (!snap_.status) return;
  const auto& s = *snap_.status;
  if (s.battery_state == drivers::BatteryState::kCritical)
    findings_.push_back({"critical", "Battery critical (" + std::to_string(s.battery_mv) + " mV)",
                         "Replace the batteries before anything else: the lock refuses codes and may lose changes."});
  else if (s.battery_state == drivers::BatteryState::kLow)
    findings_.push_back({"warning", "Battery low (" + std::to_string(s.battery_mv) + " mV)",
                         "Replace the batteries on this visit."});
  if (s.withheld) {
    findings_.push_back({"info", "Clock, lockout and log are hidden until a service session is open",
                         "Ask the owner to open a session at the lock (admin code, then * 0 #)."});
  } else {
    if (!s.clock_set)
      findings_.push_back({"critical", "The lock's clock is not set",
                           "Codes with schedules are refused. Click 'Sync clock' on the Dashboard."});
    else if (auto d = clock_drift_s(); d && std::llabs(*d) > 120)
      findings_.push_back({"warning", "Clock is off by " + format_drift(*d),
                           "Schedules shift by as much. Click 'Sync clock' on the Dashboard."});
    if (s.locked_out)
      findings_.push_back({"warning",
                           "Keypad locked out (" + std::to_string(s.lockout_remaining_s) + " s left, level " +
                               std::to_string(s.lockout_level) + ")",
                           "Wait for it to end; look in Events for the wrong codes before it."});
  }
  if (s.tamper)
    findings_.push_back({"warning", "Tamper alarm raised", "Inspect the escutcheon and the battery cover."});
  if (s.factory_state)
    findings_.push_back({"info", "Lock is in factory state", "Run 'Reset + onboarding' to enroll the owner's admin code."});
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
        battery_history_.push_back(static_cast<float>(mv));
        break;
      }
    }
  }
}

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

void GuiModel::apply_slot_filter() {
  slots.rows.clear();
  if (!snap_.slots) return;
  const auto& all = *snap_.slots;
  const std::string f = lower(slots.filter);
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& s = all[i];
    if (slots.role >= 0 && s.role != slots.role) continue;
    if (slots.enabled_only && !s.enabled) continue;
    if (!f.empty()) {
      const std::string hay = std::to_string(s.index) + " " + lower(role_label(s.role)) + " " + lower(kind_label(s.kind)) +
                              " " + lower(s.schedule);
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
    if (events.type > 0 && e.type != events.type) continue;
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
        if (e.type == w::kEvLockoutStart) events.lockouts[static_cast<size_t>(b)] += 1;
        break;
      default: break;
    }
  }
}

// ---- Wizards ---------------------------------------------------------------------------------

void GuiModel::start_wizard() {
  if (wizard.running()) return;
  // What the lock would refuse does not start (the Start button is disabled and says why).
  if (wizard.resume_job_id == 0 && !invalid_input(wizard.inputs, now_local()).empty()) return;
  simulate_status.clear();
  auto& in = wizard.inputs;
  in.technician = settings.technician;
  in.company = settings.company;
  in.licence = settings.licence;
  in.report_dir = settings.report_dir;
  in.job_store = store_ ? store_->path().string() : "";
  wizard.start(*worker_, options_.runner, [this] { wake(); });
}

void GuiModel::resume_job(int64_t job_id) {
  if (wizard.running() || !store_) return;
  auto j = store_->job(job_id);
  if (!j) return;
  for (int k = 0; k < kWizardKindCount; ++k)
    if (j->kind == wizard_job_kind(static_cast<WizardKind>(k))) wizard.choose(static_cast<WizardKind>(k));
  wizard.resume_job_id = job_id;
  view = View::kWizard;
  start_wizard();
}

void GuiModel::cancel_wizard() {
  wizard.cancel();
  worker_->cancel();
}

bool GuiModel::can_simulate_at_lock() const {
  return wizard.running() && wizard.view().prompt && wizard.view().prompt->action != app::LockPrompt::Action::kNone &&
         is_virtual(snap_.uri) && simulator != nullptr;
}

void GuiModel::simulate_at_lock() {
  if (!can_simulate_at_lock() || sim_busy_) return;
  if (sim_thread_.joinable()) sim_thread_.join();
  sim_busy_ = true;
  simulate_status = "Typing at the virtual lock...";
  sim_thread_ = std::thread([this, prompt = *wizard.view().prompt, uri = snap_.uri, fn = simulator] {
    std::string msg;
    const bool ok = fn(prompt, uri, msg);
    {
      std::lock_guard lk(sim_mu_);
      sim_result_ = ok ? (msg.empty() ? "Done at the virtual lock." : msg) : "Could not: " + msg;
    }
    sim_busy_ = false;
    wake();
  });
}

// ---- Jobs ------------------------------------------------------------------------------------

void GuiModel::refresh_jobs() {
  jobs_.clear();
  if (!store_) return;
  const std::string serial = jobs_this_lock_only && snap_.identity ? snap_.identity->serial : "";
  if (auto js = store_->jobs(serial)) jobs_ = std::move(*js);
  if (selected_job) select_job(selected_job);
  if (auto st = store_->sync_state()) sync_state_ = *st;
  fleet_history_.clear();
  last_visit_.clear();
  if (snap_.identity) {
    if (auto h = store_->fleet_history(snap_.identity->serial)) fleet_history_ = std::move(*h);
    last_visit_ = app::last_visit_line(*store_, snap_.identity->serial, {});
  }
  last_job_findings_.clear();
  if (!history_serial_.empty()) {
    if (auto js = store_->jobs(history_serial_); js && !js->empty()) {
      const auto latest = std::max_element(js->begin(), js->end(),
                                           [](const app::JobRecord& a, const app::JobRecord& b) { return a.id < b.id; });
      if (auto fs_ = store_->findings(latest->id); fs_)
        for (const auto& f : *fs_)
          last_job_findings_.push_back({f.severity, f.title + " (job " + std::to_string(latest->id) + ")", f.next_step});
    }
  }
  annotate_unfinished_jobs();
}

void GuiModel::select_job(int64_t id) {
  selected_job = id;
  job_steps_.clear();
  job_findings_.clear();
  if (!store_ || id == 0) return;
  if (auto s = store_->steps(id)) job_steps_ = std::move(*s);
  if (auto f = store_->findings(id)) job_findings_ = std::move(*f);
}

void GuiModel::background(std::function<std::function<void(GuiModel&)>()> work) {
  if (bg_busy_) return;
  if (bg_thread_.joinable()) bg_thread_.join();
  bg_busy_ = true;
  bg_thread_ = std::thread([this, work = std::move(work)] {
    auto apply = work();
    {
      std::lock_guard lk(sim_mu_);
      bg_apply_ = std::move(apply);
    }
    bg_busy_ = false;
    wake();
  });
}

namespace {

std::optional<reports::PublicKey> own_public_key() {
  auto ks = reports::KeyStore::open_default();
  if (!ks || !ks->exists()) return std::nullopt;
  auto info = ks->info();
  if (!info) return std::nullopt;
  return info->public_key;
}

std::vector<std::string> describe(const reports::Report& r) {
  std::vector<std::string> out;
  out.push_back(std::string(reports::to_string(r.kind)) + " on lock " + r.lock.serial + " (" + r.lock.model +
                ", firmware " + r.lock.firmware + ")");
  out.push_back("Technician " + r.technician.name + (r.technician.company.empty() ? "" : ", " + r.technician.company));
  out.push_back("Site " + r.site.name + (r.site.customer.empty() ? "" : ", customer " + r.site.customer));
  out.push_back("From " + r.started_at + " to " + r.finished_at);
  auto snap = [&](const char* what, const reports::Snapshot& s) {
    out.push_back(std::string(what) + ": " + std::to_string(s.occupied()) + " codes of " +
                  std::to_string(s.slot_capacity) + ", battery " + std::to_string(s.battery.millivolts) + " mV, clock " +
                  (s.clock.set ? "drift " + std::to_string(s.clock.drift_s) + " s" : std::string("not set")) + ", " +
                  std::to_string(s.events.entries_read) + " events read");
  };
  snap("Before", r.before);
  if (r.after) snap("After", *r.after);
  for (const auto& st : r.steps)
    out.push_back("Step " + st.action + ": " + std::string(reports::to_string(st.outcome)) +
                  (st.confirmed_at_lock ? " (confirmed at the lock)" : "") + (st.detail.empty() ? "" : ", " + st.detail));
  for (const auto& f : r.findings)
    out.push_back("Finding (" + std::string(reports::to_string(f.severity)) + "): " + f.summary + " Next: " + f.next_step);
  return out;
}

}  // namespace

void GuiModel::open_report() {
  if (report_path.empty()) {
    report_status = "Choose a report file first.";
    return;
  }
  report_status = "Verifying...";
  background([path = report_path]() -> std::function<void(GuiModel&)> {
    ReportPreview p;
    auto bytes = reports::read_report_file(path);
    if (!bytes) {
      p.verdict = "Cannot read " + path + ": " + bytes.error().message;
    } else if (auto v = reports::verify(*bytes, own_public_key()); !v) {
      p.verdict = "NOT VALID (" + std::string(reports::reason_id(v.error().reason)) + "): " + v.error().message;
    } else {
      p.valid = true;
      p.verdict = v->one_line();
      p.lines = describe(v->report);
    }
    return [p = std::move(p)](GuiModel& m) {
      m.report_preview_ = p;
      m.report_status.clear();
    };
  });
}

void GuiModel::export_report_pdf() {
  if (report_path.empty()) {
    report_status = "Choose a report file first.";
    return;
  }
  report_status = "Rendering the PDF...";
  background([path = report_path]() -> std::function<void(GuiModel&)> {
    std::string status;
    auto bytes = reports::read_report_file(path);
    if (!bytes) {
      status = "Cannot read " + path + ": " + bytes.error().message;
    } else if (auto v = reports::verify(*bytes, std::nullopt); !v) {
      status = "Not exported: the report does not verify (" + v.error().message + ")";
    } else {
      auto pdf = reports::render_pdf(v->report, reports::SignatureBlock{v->key_id, v->public_key.hex()},
                                     reports::Paper::a4);
      fs::path out = path;
      out.replace_extension(".pdf");
      if (!pdf) status = "Cannot render: " + pdf.error().message;
      else if (auto w = reports::write_file_atomic(out, *pdf, 0644); !w)
        status = "Cannot write " + out.string() + ": " + w.error().message;
      else status = "PDF written to " + out.string();
    }
    return [status](GuiModel& m) { m.report_status = status; };
  });
}

// ---- Settings --------------------------------------------------------------------------------

bool GuiModel::save_settings_now() {
  if (settings_path_ == "-") {
    settings_status = "Saved (in memory).";
    return true;
  }
  const bool ok = save_settings(settings_path_, settings);
  settings_status = ok ? "Saved to " + settings_path_.string() : "Could not write " + settings_path_.string();
  return ok;
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
  else if (field == "slot_filter") { slots.filter = value; apply_slot_filter(); }
  else if (field == "event_slot") { if (!as_int(events.slot)) return false; apply_event_filter(); }
  else if (field == "event_type") { if (!as_int(events.type)) return false; if (events.type < 0) events.type = 0; apply_event_filter(); }
  else if (field == "event_from") { events.from = value; apply_event_filter(); }
  else if (field == "event_to") { events.to = value; apply_event_filter(); }
  else if (field == "event_selected") { if (!as_int(events.selected)) return false; events.scroll_to_selected = true; }
  else return false;
  return true;
}

}  // namespace lockdiag::gui
