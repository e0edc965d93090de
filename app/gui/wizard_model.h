// Guided workflows as wizards: the GUI's Operator (the bridge between a workflow running on the
// worker thread and the wizard the technician sees) and the wizard's own state. No ImGui here.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lockdiag/app/device_worker.h"
#include "lockdiag/app/job_store.h"
#include "lockdiag/app/operator.h"
#include "lockdiag/app/workflow.h"

namespace lockdiag::gui {

enum class WizardKind { kDiagnose, kHandoffAudit, kResetOnboarding, kRotation, kClockSync };
inline constexpr int kWizardKindCount = 5;
const char* wizard_title(WizardKind k);     // "Diagnose"
const char* wizard_job_kind(WizardKind k);  // "diagnose" (the job store's kind)
const char* wizard_blurb(WizardKind k);     // one sentence: when to use it

// When a new code works, as the enroll form edits it. schedule_spec() writes it in the core's
// enroll syntax (app/enroll_spec.h), the text `lockdiag reset --enroll LABEL:ROLE:SCHEDULE`
// takes: the wizard and the CLI go through one parser.
struct ScheduleForm {
  enum Kind { kPersistent, kUntil, kFirstUse, kWeekdays, kDateRange };
  static constexpr int kKindCount = 5;
  int kind = kPersistent;
  std::string until;                 // kUntil: "2026-12-24T18:00", the lock's local time
  int first_use_minutes = 120;       // kFirstUse: 1..2880
  std::array<bool, 7> days{};        // kWeekdays: Monday first, as the form shows them
  std::string start = "08:00", end = "18:00";  // kWeekdays: the daily window
  std::string from, to;              // kDateRange: "2026-12-01T00:00" .. "2026-12-31T23:59"
};
const char* schedule_kind_label(int kind);  // "Week days"
const char* weekday_label(int day);         // 0 -> "Mon"
// "days=mon,wed@08:00-18:00", "first-use=120", ... ("" for a persistent code).
std::string schedule_spec(const ScheduleForm& s);

// A user to enroll (reset + onboarding, rotation): who and how, never a code.
struct EnrollLine {
  std::string label;
  int role = 1;   // wire::Role
  ScheduleForm schedule;  // reset + onboarding (a rotated code keeps its schedule)
  int slot = -1;  // -1: next free slot
};
const char* role_spec(int role);  // "user"
// "anna:user:days=mon@08:00-18:00": what `lockdiag reset --enroll` takes for this person.
std::string enroll_spec(const EnrollLine& e);
// The core's plan for this person (parse_enroll_spec of enroll_spec()), or why the lock would
// refuse it, in words. `now_local`: the lock's local time now, for ends already past (0: skip).
std::expected<app::EnrollPlan, std::string> enroll_plan(const EnrollLine& e, uint32_t now_local);

// What the technician fills in before the wizard starts. Never a code value.
struct WizardInputs {
  WizardKind kind = WizardKind::kDiagnose;
  std::string site, customer, present, ownership_evidence, notes;
  int complaint_slot = -1;        // diagnose: "the code in slot N does not work"
  std::string keep_slots;         // handoff audit: "1, 4, 7" (admin is always kept)
  std::vector<EnrollLine> enroll; // reset + onboarding, rotation
  bool sign_report = true;
  std::string zone;               // clock sync: the IANA zone the lock follows (empty: this laptop's)
  // Filled from Settings and the model when the wizard starts.
  std::string technician, company, licence;
  std::string company_phone, company_email, company_address;
  std::string report_dir;
  std::string job_store;  // the job store file the workflow records into
};
std::vector<int> parse_slot_list(const std::string& text);  // "1, 4-6" -> {1,4,5,6}
app::JobKind job_kind(WizardKind k);
// The texts the form holds, as the core's checks read them (people by name only; the runner
// parses their schedules).
app::JobInputs form_texts(const WizardInputs& in);
// What the form still needs before the workflow can start ("" when complete): app/core's
// missing_input, in the form's words.
std::string missing_input(const WizardInputs& in);
// What in the form the lock would refuse ("" when none): a schedule of a person to enroll.
std::string invalid_input(const WizardInputs& in, uint32_t now_local);

struct WizardResult {
  bool ok = false;
  std::string clock_outcome;  // clock sync: the zone after and before, as the CLI's job shows it
  int64_t job_id = 0;
  std::string state;    // job state ("done", "interrupted"...)
  std::string summary;
  std::vector<app::FindingRecord> findings;
  app::VisitSummary visit;  // as found, as left, what changed, still to do
  std::string report_json, report_pdf;
  std::string error;
  bool resumable = false;
  bool link_lost = false;  // failed because the lock went away: wait for it and resume
};

class GuiOperator;
// Runs (resume_job_id == 0) or resumes one workflow on the worker thread. The default runner
// calls the core's run_job / resume_job; tests may substitute their own.
using WorkflowRunner = std::function<WizardResult(const WizardInputs& inputs, int64_t resume_job_id,
                                                  app::TaskContext& ctx, GuiOperator& op)>;

struct Question {
  std::string key, text;
};

// Everything the wizard page shows, copied out under the operator's lock.
struct WizardProgress {
  struct Step {
    int seq = 0;
    std::string name, state;
  };
  std::vector<Step> steps;
  int total_steps = 0;                    // the job's plan ("Step 5 of 14"); 0: not said
  std::optional<app::LockPrompt> prompt;  // what to do at the lock now
  std::string countdown;                  // a wait at the lock: "2:58 left to type the code"
  std::string progress_what;
  size_t done = 0, total = 0;
  std::vector<std::string> notes;
  std::optional<Question> question;  // waiting for Yes / No
  bool paused = false;               // the lock went away; waiting for it by serial number
  bool finished = false;
  WizardResult result;
};

// The Operator the workflow talks to. Every call may come from the worker thread; confirm()
// blocks it until the wizard answers or the technician cancels.
class GuiOperator final : public app::Operator {
 public:
  explicit GuiOperator(std::function<void()> notify = {}) : notify_(std::move(notify)) {}

  void step(int seq, const std::string& name, const std::string& state) override;
  void plan(int total_steps) override;
  void countdown(app::LockPrompt::Action what, int seconds_left, int total_s) override;
  void prompt(const app::LockPrompt& p) override;
  void progress(const std::string& what, size_t done, size_t total) override;
  void note(const std::string& text) override;
  std::optional<bool> confirm(const std::string& key, const std::string& question) override;
  bool cancelled() const override { return cancel_.load(); }

  // UI side.
  void answer(bool yes);
  void request_cancel();
  void set_paused(bool paused);
  void finish(WizardResult r);
  WizardProgress progress_copy() const;
  uint64_t version() const { return version_.load(); }

 private:
  template <typename F>
  void edit(F&& f);
  std::function<void()> notify_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  WizardProgress state_;
  std::optional<bool> answer_;
  std::atomic<bool> cancel_{false};
  std::atomic<uint64_t> version_{0};
};

// The wizard page's state: the form, then the run, then the outcome.
class WizardModel {
 public:
  enum class Phase { kChoose, kForm, kRunning, kDone };

  Phase phase = Phase::kChoose;
  WizardInputs inputs;
  int64_t resume_job_id = 0;  // non-zero: this run resumes an interrupted job
  bool cancel_asked = false;  // the Cancel button was pressed: the frame asks "Cancel the job?"

  void choose(WizardKind k);
  // Starts the run on the worker. `runner` does the workflow; notify wakes the UI.
  void start(app::DeviceWorker& worker, const WorkflowRunner& runner, std::function<void()> notify);
  void cancel();
  void answer(bool yes);
  void reset();  // back to choosing

  // Pulls the operator's state when it changed; true if anything did.
  bool update();
  const WizardProgress& view() const { return view_; }
  bool running() const { return phase == Phase::kRunning; }
  std::shared_ptr<GuiOperator> op() const { return op_; }

 private:
  std::shared_ptr<GuiOperator> op_;
  uint64_t seen_ = 0;
  WizardProgress view_;
};

}  // namespace lockdiag::gui
