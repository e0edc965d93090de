// The GUI's view-model: everything the views show and every action they can take, with no
// ImGui in it, so tests can drive and assert on it. The views (one file each) draw a GuiModel
// and call its actions; device I/O happens on the DeviceWorker's thread, never here.
#pragma once

#include <array>
#include <atomic>
#include <mutex>
#include <thread>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "battery_chart.h"
#include "lockdiag/app/device_worker.h"
#include "lockdiag/app/job_store.h"
#include "lockdiag/app/settings.h"
#include "lockdiag/app/sim_process.h"
#include "lockdiag/drivers/discovery.h"
#include "wizard_model.h"

namespace lockdiag::gui {

enum class View { kConnect, kDashboard, kSlots, kEvents, kWizard, kJobs, kSettings };
inline constexpr int kViewCount = 7;
const char* view_label(View v);  // "Dashboard" (also the script's name, lower-cased)
std::optional<View> view_from(const std::string& name);

struct DeviceEntry {
  std::string uri;
  std::string label;       // "Virtual lock (occupied-rental)", "USB lock 1-2.3"
  bool is_virtual = false;
  bool started_here = false;
  std::string serial;
  std::string problem;     // present but not usable (permissions): what to do
  std::vector<app::JobRecord> unfinished;  // this lock's interrupted jobs in the job store
};

// The technician's profile, the company's contact details and the GUI's preferences: the one
// settings file the CLI shares (app::Settings, $XDG_CONFIG_HOME/lockdiag/settings.json), plus the
// signing key's id, shown and never stored.
struct Settings : app::Settings {
  std::string key_fingerprint;
};
// The shared settings at `path`. When it lacks the GUI's keys, the GUI's own file of before
// (gui.json beside it) gives them, and an empty profile's, once: they are written to `path`
// then; gui.json is never removed. "" in *problem, or what is wrong (a damaged file).
Settings load_gui_settings(const std::filesystem::path& path, std::string* problem);

struct Finding {
  std::string severity;  // info, warning, critical
  std::string title;
  std::string next_step;
};

// Slots table: sort and filter state, and the rows it selects (indices into the snapshot).
struct SlotTable {
  enum Column { kIndex, kRole, kKind, kSchedule, kEnabled, kLastUsed, kUseCount, kColumnCount };
  Column sort = kIndex;
  bool ascending = true;
  std::string filter;   // matches index, role, kind, schedule
  int role = -1;        // -1: every role
  bool enabled_only = false;
  std::vector<int> rows;
  std::map<int, std::string> known;  // slot -> the person a job in the job store enrolled there
};

// Event log: filters, the rows they select, the timeline.
struct EventTable {
  int type = 0;           // 0: every type, else wire::EventType
  int cls = -1;           // -1: every class, else EventClass
  int slot = -1;          // -1: every slot
  std::string from, to;   // "YYYY-MM-DD[ HH:MM]" UTC; empty: open
  std::vector<uint32_t> rows;  // indices into the snapshot's events
  int selected = -1;           // index into rows
  bool scroll_to_selected = false;  // bring the selected row into view on the next frame
  // Timeline: counts per bucket of unlocks, wrong or refused codes and lockouts over the
  // filtered rows.
  static constexpr int kBuckets = 48;
  std::array<float, kBuckets> unlocks{}, wrong{}, lockouts{};
  uint32_t t0 = 0, t1 = 0;
};

class GuiModel {
 public:
  struct Options {
    std::unique_ptr<app::DeviceBackend> backend;  // null: the drivers client
    app::DeviceWorker::Options worker;
    std::filesystem::path job_store;  // empty: JobStore::default_path(); "-": none
    std::filesystem::path settings;   // empty: app::settings_path() (the CLI's); "-": in memory only
    std::filesystem::path sim_dir;    // where virtual locks started here live; empty: a temp dir
    std::vector<std::string> device_uris;  // always listed (--device)
    uint32_t (*now_utc)() = nullptr;
    WorkflowRunner runner;  // empty: the core's workflows
    bool discover = true;   // watch for USB locks and announced virtual locks (drivers)
  };

  explicit GuiModel(Options options);
  ~GuiModel();
  GuiModel(const GuiModel&) = delete;
  GuiModel& operator=(const GuiModel&) = delete;

  // Once per frame, before drawing: takes the worker's and the wizard's latest state and
  // recomputes what depends on it. True when anything changed (the frame must be redrawn).
  bool update();
  // Something is in flight (device I/O, a wizard waiting, a virtual keypad action): keep
  // drawing frames; otherwise the app may sleep until the next event.
  bool busy() const;
  // Called from any thread when the model has new state: the app wakes its event loop.
  void set_wake(std::function<void()> wake);
  void wake() const;

  View view = View::kConnect;

  // ---- Connect
  const std::vector<DeviceEntry>& devices() const { return devices_; }
  void rescan_devices();
  // Marks each listed lock with its unfinished jobs (after a rescan or a change to the jobs).
  void annotate_unfinished_jobs();
  void connect(const std::string& uri);
  void disconnect();
  // Starts lockfw-sim with a scenario (empty: a fresh lock) and connects to it.
  bool start_virtual_lock(const std::string& scenario);
  std::vector<std::string> scenarios() const;
  bool is_virtual(const std::string& uri) const;
  std::string connect_error;

  // ---- Device state
  const app::DeviceSnapshot& device() const { return snap_; }
  app::DeviceWorker& worker() { return *worker_; }
  bool connected() const {
    return snap_.link == app::LinkState::kConnected || snap_.link == app::LinkState::kReconnecting;
  }
  bool session_open() const;
  std::optional<int64_t> clock_drift_s() const;  // lock clock - laptop clock, when known
  void refresh() { worker_->refresh(); }
  // The laptop's zone goes to the lock with the time, as lockdiag clock-sync does by default.
  void sync_clock() { worker_->sync_clock(settings.utc_offset_min, app::system_zone_name()); }
  void read_slots() { worker_->read_slots(); }
  void read_events() { worker_->read_events(); }
  void cancel_io() { worker_->cancel(); }

  // ---- Dashboard
  const std::vector<Finding>& findings() const { return findings_; }
  // Battery millivolts across visits (job snapshots of this lock, oldest first), then now.
  // Each earlier visit's battery (oldest first, dated by its job), then "now".
  const std::vector<BatteryPoint>& battery_history() const { return battery_history_; }
  std::string session_guidance() const;  // what to do at the lock to open a session

  // ---- Slots / events
  SlotTable slots;
  EventTable events;
  void apply_slot_filter();   // after changing slots.* filters or sort
  void refresh_slot_labels();  // slots.known from the job store, for the connected lock
  void apply_event_filter();  // after changing events.* filters
  const app::SlotView* slot_row(size_t i) const;
  const app::EventView* event_row(size_t i) const;

  // ---- Wizards
  WizardModel wizard;
  void start_wizard();
  void resume_job(int64_t job_id);
  void cancel_wizard();
  // Virtual locks only: performs the prompted keypad action at the virtual lock.
  bool can_simulate_at_lock() const;
  void simulate_at_lock();  // runs off the UI thread; simulate_status says how it went
  bool simulating() const { return sim_busy_.load(); }
  std::string simulate_status;
  // Tests and demos replace how a keypad action is performed at a virtual lock.
  std::function<bool(const app::LockPrompt&, const std::string& uri, std::string& message)> simulator;

  // ---- Jobs
  app::JobStore* store() { return store_ ? &*store_ : nullptr; }
  std::string store_problem;
  const std::vector<app::JobRecord>& jobs() const { return jobs_; }
  bool jobs_this_lock_only = false;
  void refresh_jobs();
  int64_t selected_job = 0;
  void select_job(int64_t id);
  const std::vector<app::StepRecord>& job_steps() const { return job_steps_; }
  const std::vector<app::FindingRecord>& job_findings() const { return job_findings_; }
  // Fleet sync (docs/fleet.md): the outbox and the last sync, and the connected lock's visits
  // by anyone as pulled by the last `lockdiag sync`. Refreshed with the jobs.
  const app::SyncState& sync_state() const { return sync_state_; }
  const std::vector<app::FleetVisit>& fleet_history() const { return fleet_history_; }
  const std::string& last_visit() const { return last_visit_; }

  // ---- Reports (Jobs view): open + verify a signed report file, preview it, export its PDF.
  // File work runs off the UI thread.
  struct ReportPreview {
    bool valid = false;
    std::string verdict;             // "valid: report ... signed by ..." or why not
    std::vector<std::string> lines;  // the report in short, for the preview
  };
  std::string report_path;
  const ReportPreview& report_preview() const { return report_preview_; }
  void open_report();
  void export_report_pdf();
  std::string report_status;
  bool background_busy() const { return bg_busy_.load(); }

  // ---- Settings
  Settings settings;
  bool save_settings_now();
  std::string settings_status;

  // ---- Scripting and form fields by name (scripts, tests). The enroll form's person N
  // (from 1; the form grows to N): enroll.N.label, .role (admin|user|guest|service), .slot,
  // .schedule (persistent|until|first-use|days|range), .until, .minutes, .days ("mon,wed"),
  // .start, .end, .from, .to.
  bool set_field(const std::string& field, const std::string& value);

  uint32_t now() const;
  uint32_t now_local() const;  // the laptop's clock in the lock's local time (Settings' UTC offset)

 private:
  void recompute_after_snapshot(const app::DeviceSnapshot& old);
  void collect_findings();  // app::analyze_status over the snapshot, then the last job's
  void load_battery_history();

  Options options_;
  std::unique_ptr<app::DeviceWorker> worker_;
  app::DeviceSnapshot snap_;
  uint64_t seen_version_ = 0;
  std::function<void()> wake_;
  std::vector<DeviceEntry> devices_;
  std::unique_ptr<drivers::DeviceWatcher> watcher_;
  std::atomic<bool> devices_dirty_{false};
  std::vector<std::unique_ptr<app::SimProcess>> sims_;
  std::vector<std::string> sim_scenarios_;  // parallel to sims_
  std::filesystem::path sim_dir_;
  bool own_sim_dir_ = false;
  std::optional<app::JobStore> store_;
  std::vector<app::JobRecord> jobs_;
  std::vector<app::StepRecord> job_steps_;
  std::vector<app::FindingRecord> job_findings_;
  app::SyncState sync_state_;
  std::vector<app::FleetVisit> fleet_history_;
  std::string last_visit_;
  std::vector<Finding> findings_;
  std::vector<Finding> last_job_findings_;
  std::vector<BatteryPoint> battery_history_;
  std::string history_serial_;
  std::filesystem::path settings_path_;
  bool settings_damaged_ = false;  // the file could not be read: it is not written over
  std::vector<std::string> scenario_names_;
  std::thread sim_thread_;
  std::atomic<bool> sim_busy_{false};
  std::mutex sim_mu_;
  std::optional<std::string> sim_result_;
  // One background file job at a time; its result is applied on the UI thread in update().
  void background(std::function<std::function<void(GuiModel&)>()> work);
  std::thread bg_thread_;
  std::atomic<bool> bg_busy_{false};
  std::optional<std::function<void(GuiModel&)>> bg_apply_;
  ReportPreview report_preview_;
};

}  // namespace lockdiag::gui
