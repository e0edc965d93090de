#include "wizard_model.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>

#include "lockdiag/app/enroll_spec.h"
#include "lockdiag/app/input_check.h"
#include "lockdiag/app/tzif.h"

namespace lockdiag::gui {

const char* wizard_title(WizardKind k) {
  switch (k) {
    case WizardKind::kDiagnose: return "Diagnose";
    case WizardKind::kHandoffAudit: return "Handoff audit";
    case WizardKind::kResetOnboarding: return "Reset + onboarding";
    case WizardKind::kRotation: return "Code rotation";
    case WizardKind::kClockSync: return "Clock sync";
  }
  return "?";
}

const char* wizard_job_kind(WizardKind k) {
  switch (k) {
    case WizardKind::kDiagnose: return "diagnose";
    case WizardKind::kHandoffAudit: return "handoff_audit";
    case WizardKind::kResetOnboarding: return "reset_onboarding";
    case WizardKind::kRotation: return "rotation";
    case WizardKind::kClockSync: return "clock_sync";
  }
  return "?";
}

const char* wizard_blurb(WizardKind k) {
  switch (k) {
    case WizardKind::kDiagnose:
      return "A code does not work, the lock beeps oddly, or you are here for a check-up: read everything and "
             "say what is wrong.";
    case WizardKind::kHandoffAudit:
      return "The property changes hands: prove which codes remain, remove the rest, and record it.";
    case WizardKind::kResetOnboarding:
      return "Start over: factory reset (confirmed at the lock) and enroll the new owner's codes.";
    case WizardKind::kRotation: return "Replace one or more codes: each holder types a new code at the lock.";
    case WizardKind::kClockSync: return "Set the lock's clock from this laptop and record the drift.";
  }
  return "";
}

std::vector<int> parse_slot_list(const std::string& text) {
  std::vector<int> out;
  std::string t = text;
  for (char& c : t)
    if (c == ',' || c == ';') c = ' ';
  std::istringstream in(t);
  std::string tok;
  // The leading digits of a token ("4" of "4abc"); a token without any is ignored (the form
  // shows what it understood).
  const auto number = [](std::string_view s) -> std::optional<int> {
    int v = 0;
    if (std::from_chars(s.data(), s.data() + s.size(), v).ec != std::errc{}) return std::nullopt;
    return v;
  };
  while (in >> tok) {
    const auto dash = tok.find('-');
    if (dash != std::string::npos && dash > 0) {
      const auto a = number(std::string_view(tok).substr(0, dash)), b = number(std::string_view(tok).substr(dash + 1));
      if (a && b)
        for (int i = *a; i <= *b && i - *a < 1000; ++i) out.push_back(i);
    } else if (const auto n = number(tok)) {
      out.push_back(*n);
    }
  }
  return out;
}

const char* schedule_kind_label(int kind) {
  switch (kind) {
    case ScheduleForm::kPersistent: return "Always (persistent)";
    case ScheduleForm::kUntil: return "Until a date and time";
    case ScheduleForm::kFirstUse: return "For minutes after first use";
    case ScheduleForm::kWeekdays: return "On week days";
    case ScheduleForm::kDateRange: return "Between two dates";
    default: return "?";
  }
}

namespace {
constexpr const char* kDayLabels[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr const char* kDaySpec[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr const char* kRoleSpec[4] = {"admin", "user", "guest", "service"};

std::string trimmed(const std::string& s) {
  const auto a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}
}  // namespace

const char* weekday_label(int day) { return day >= 0 && day < 7 ? kDayLabels[day] : "?"; }

const char* role_spec(int role) { return role >= 0 && role < 4 ? kRoleSpec[role] : "?"; }

std::string schedule_spec(const ScheduleForm& s) {
  switch (s.kind) {
    case ScheduleForm::kUntil: return "until=" + trimmed(s.until);
    case ScheduleForm::kFirstUse: return "first-use=" + std::to_string(s.first_use_minutes);
    case ScheduleForm::kWeekdays: {
      std::string days;
      for (int d = 0; d < 7; ++d)
        if (s.days[static_cast<size_t>(d)]) days += (days.empty() ? "" : ",") + std::string(kDaySpec[d]);
      return "days=" + days + "@" + trimmed(s.start) + "-" + trimmed(s.end);
    }
    case ScheduleForm::kDateRange: return "range=" + trimmed(s.from) + ".." + trimmed(s.to);
    default: return "";
  }
}

std::string enroll_spec(const EnrollLine& e) {
  const std::string sched = schedule_spec(e.schedule);
  return trimmed(e.label) + ":" + role_spec(e.role) + (sched.empty() ? "" : ":" + sched);
}

std::expected<app::EnrollPlan, std::string> enroll_plan(const EnrollLine& e, uint32_t now_local) {
  const std::string label = trimmed(e.label);
  if (label.empty()) return std::unexpected("give the person a name");
  if (label.find(':') != std::string::npos) return std::unexpected("the name cannot contain ':'");
  if (e.schedule.kind == ScheduleForm::kWeekdays &&
      std::none_of(e.schedule.days.begin(), e.schedule.days.end(), [](bool d) { return d; }))
    return std::unexpected("tick at least one day");
  auto plan = app::parse_enroll_spec(enroll_spec(e));
  if (!plan) return std::unexpected(plan.error());
  const auto& sc = plan->schedule;
  if (now_local && (sc.kind == drivers::CodeKind::kTemporaryUntil || sc.kind == drivers::CodeKind::kDateRange) &&
      sc.end_time <= now_local)
    return std::unexpected("the end is already past");
  plan->label = label;
  plan->slot = e.slot;
  return plan;
}

app::JobKind job_kind(WizardKind k) {
  switch (k) {
    case WizardKind::kDiagnose: return app::JobKind::kDiagnose;
    case WizardKind::kHandoffAudit: return app::JobKind::kHandoffAudit;
    case WizardKind::kResetOnboarding: return app::JobKind::kResetOnboarding;
    case WizardKind::kRotation: return app::JobKind::kRotation;
    case WizardKind::kClockSync: return app::JobKind::kClockSync;
  }
  return app::JobKind::kDiagnose;
}

app::JobInputs form_texts(const WizardInputs& in) {
  app::JobInputs j;
  j.technician = in.technician;
  j.company = in.company;
  j.licence = in.licence;
  j.company_phone = in.company_phone;
  j.company_email = in.company_email;
  j.company_address = in.company_address;
  j.site = in.site;
  j.customer = in.customer;
  j.ownership_evidence = in.ownership_evidence;
  j.present = in.present;
  j.notes = in.notes;
  for (const auto& e : in.enroll) {
    app::EnrollPlan p;
    p.label = e.label;
    j.enroll.push_back(std::move(p));
  }
  return j;
}

std::string invalid_input(const WizardInputs& in, uint32_t now_local) {
  // What the signed report would refuse, checked by app/core's validator as the CLI does.
  if (auto bad = app::check_job_inputs(form_texts(in), app::InputFace::kForm)) return *bad;
  if (in.kind == WizardKind::kClockSync) {
    // The same check as `lockdiag clock-sync --zone`, remembered so a frame does not rescan tzdata.
    static std::string checked_zone = "\x01", zone_error;
    if (in.zone != checked_zone) {
      auto z = app::resolve_zone(in.zone);
      checked_zone = in.zone;
      zone_error = z ? "" : "the time zone: " + z.error();
    }
    if (!zone_error.empty()) return zone_error;
  }
  if (in.kind != WizardKind::kResetOnboarding) return "";
  for (size_t i = 0; i < in.enroll.size(); ++i)
    if (auto p = enroll_plan(in.enroll[i], now_local); !p)
      return "person " + std::to_string(i + 1) +
             (in.enroll[i].label.empty() ? "" : " (" + trimmed(in.enroll[i].label) + ")") + ": " + p.error();
  return "";
}

std::string missing_input(const WizardInputs& in) {
  return app::missing_input(job_kind(in.kind), form_texts(in), app::InputFace::kForm).value_or("");
}

// ---- GuiOperator -----------------------------------------------------------------------------

template <typename F>
void GuiOperator::edit(F&& f) {
  {
    std::lock_guard lk(mu_);
    f(state_);
    ++version_;
  }
  if (notify_) notify_();
}

void GuiOperator::step(int seq, const std::string& name, const std::string& state) {
  edit([&](WizardProgress& s) {
    // What to do at the lock belongs to the step that asked: once a step starts or ends it is
    // stale, and acting on it ("Simulate at the lock", a person at the keypad) would type
    // into the next step's confirmation.
    s.prompt.reset();
    s.countdown.clear();
    for (auto& st : s.steps)
      if (st.seq == seq) {
        st.name = name;
        st.state = state;
        return;
      }
    s.steps.push_back({seq, name, state});
  });
}

void GuiOperator::plan(int total_steps) {
  edit([&](WizardProgress& s) { s.total_steps = total_steps; });
}

void GuiOperator::countdown(app::LockPrompt::Action what, int seconds_left, int total_s) {
  (void)total_s;
  edit([&](WizardProgress& s) { s.countdown = app::countdown_words(what, seconds_left); });
}

void GuiOperator::prompt(const app::LockPrompt& p) {
  edit([&](WizardProgress& s) {
    if (p.action == app::LockPrompt::Action::kNone && p.text.empty()) s.prompt.reset();
    else s.prompt = p;
  });
}

void GuiOperator::progress(const std::string& what, size_t done, size_t total) {
  edit([&](WizardProgress& s) {
    s.progress_what = what;
    s.done = done;
    s.total = total;
  });
}

void GuiOperator::note(const std::string& text) {
  edit([&](WizardProgress& s) {
    s.notes.push_back(text);
    if (s.notes.size() > 200) s.notes.erase(s.notes.begin());
  });
}

std::optional<bool> GuiOperator::confirm(const std::string& key, const std::string& question) {
  std::unique_lock lk(mu_);
  answer_.reset();
  state_.question = Question{key, question};
  ++version_;
  lk.unlock();
  if (notify_) notify_();
  lk.lock();
  cv_.wait(lk, [&] { return answer_.has_value() || cancel_.load(); });
  state_.question.reset();
  ++version_;
  std::optional<bool> a = cancel_ ? std::nullopt : answer_;
  lk.unlock();
  if (notify_) notify_();
  return a;
}

void GuiOperator::answer(bool yes) {
  {
    std::lock_guard lk(mu_);
    if (!state_.question) return;
    answer_ = yes;
  }
  cv_.notify_all();
}

void GuiOperator::request_cancel() {
  {
    std::lock_guard lk(mu_);
    cancel_ = true;
    ++version_;
  }
  cv_.notify_all();
  if (notify_) notify_();
}

void GuiOperator::set_paused(bool paused) {
  edit([&](WizardProgress& s) {
    s.paused = paused;
    if (!paused) return;
    // The step the cable pull stopped is paused, not failed: the wizard resumes it by itself.
    s.prompt.reset();
    s.countdown.clear();
    for (auto& st : s.steps)
      if (st.state == "started" || st.state == "checking") st.state = "paused: cable out";
  });
}

void GuiOperator::finish(WizardResult r) {
  edit([&](WizardProgress& s) {
    s.finished = true;
    s.paused = false;
    s.prompt.reset();
    s.countdown.clear();
    s.question.reset();
    s.result = std::move(r);
  });
}

WizardProgress GuiOperator::progress_copy() const {
  std::lock_guard lk(mu_);
  return state_;
}

// ---- WizardModel -----------------------------------------------------------------------------

void WizardModel::choose(WizardKind k) {
  inputs.kind = k;
  resume_job_id = 0;
  phase = Phase::kForm;
}

void WizardModel::start(app::DeviceWorker& worker, const WorkflowRunner& runner, std::function<void()> notify) {
  op_ = std::make_shared<GuiOperator>(std::move(notify));
  seen_ = 0;
  view_ = {};
  phase = Phase::kRunning;
  auto op = op_;
  const WizardInputs in = inputs;
  const int64_t resume = resume_job_id;
  worker.run_task(std::string(wizard_title(in.kind)), [op, in, resume, runner](app::TaskContext& ctx) {
    if (!runner) {
      WizardResult r;
      r.error = "Guided workflows are not available in this build.";
      op->finish(std::move(r));
      return;
    }
    WizardResult r = runner(in, resume, ctx, *op);
    // The lock went away mid-step: pause, wait for the same lock (by serial), resume the job.
    while (!r.ok && r.link_lost && r.resumable && r.job_id != 0 && !op->cancelled()) {
      op->set_paused(true);
      op->note("The lock is not answering. Plug the cable back in: the wizard carries on by itself.");
      if (!ctx.wait_reconnect(-1)) break;
      op->set_paused(false);
      op->note("The lock is back (same serial number). Resuming job " + std::to_string(r.job_id) + ".");
      r = runner(in, r.job_id, ctx, *op);
    }
    op->finish(std::move(r));
  });
}

void WizardModel::cancel() {
  if (op_) op_->request_cancel();
}

void WizardModel::answer(bool yes) {
  if (op_) op_->answer(yes);
}

void WizardModel::reset() {
  if (op_ && phase == Phase::kRunning) op_->request_cancel();
  phase = Phase::kChoose;
  resume_job_id = 0;
  cancel_asked = false;
  op_.reset();
  view_ = {};
  seen_ = 0;
}

bool WizardModel::update() {
  if (!op_) return false;
  const uint64_t v = op_->version();
  if (v == seen_) return false;
  seen_ = v;
  view_ = op_->progress_copy();
  if (view_.finished && phase == Phase::kRunning) phase = Phase::kDone;
  return true;
}

}  // namespace lockdiag::gui
