// run_job / resume_job and the five service-call workflows as sequences of recorded steps.
#include <algorithm>
#include <set>

#include "inputs_json.h"
#include "job_steps.h"
#include "lock_waits.h"
#include "lockdiag/app/try.h"
#include "lockdiag/app/input_check.h"
#include "lockdiag/app/snapshot.h"
#include "lockdiag/app/tzif.h"
#include "lockdiag/app/workflow.h"

namespace lockdiag::app {

using nlohmann::json;

const char* to_string(JobKind k) {
  switch (k) {
    case JobKind::kDiagnose: return "diagnose";
    case JobKind::kHandoffAudit: return "handoff_audit";
    case JobKind::kResetOnboarding: return "reset_onboarding";
    case JobKind::kRotation: return "rotation";
    case JobKind::kClockSync: return "clock_sync";
  }
  return "diagnose";
}

std::optional<JobKind> job_kind_from(const std::string& s) {
  for (auto k :
       {JobKind::kDiagnose, JobKind::kHandoffAudit, JobKind::kResetOnboarding, JobKind::kRotation, JobKind::kClockSync})
    if (s == to_string(k)) return k;
  return std::nullopt;
}

namespace {

using Step = WorkflowResult<StepDone>;

std::unexpected<WorkflowError> stop(const std::string& message, bool resumable = false) {
  return std::unexpected(WorkflowError{message, 0, resumable, drivers::ErrorKind::kLockRefused});
}

bool is_temporary_or_guest(const json& slot) {
  const std::string kind = slot.at("kind");
  return slot.at("role") == "guest" || kind == "temporary_until" || kind == "temporary_first_use";
}

std::vector<int> free_slots(const json& snapshot, int capacity, int count, const std::set<int>& taken = {}) {
  std::set<int> used = taken;
  for (const auto& s : snapshot.at("slots")) used.insert(s.at("index").get<int>());
  std::vector<int> out;
  for (int i = 0; i < capacity && static_cast<int>(out.size()) < count; ++i)
    if (!used.count(i)) out.push_back(i);
  return out;
}

WorkflowResult<void> diagnose(JobContext& c) {
  c.env.op.plan(5);  // the steps below, one each
  LOCKDIAG_TRY(a, step_read_identity(c));
  LOCKDIAG_TRY(b, step_open_session(c));
  LOCKDIAG_TRY(d, step_snapshot(c, "before"));
  LOCKDIAG_TRY(e, step_close_session(c));
  LOCKDIAG_TRY(f, step_report(c));
  return {};
}

// "temporary_until" -> "temporary until": a question is read by a person.
std::string plain_kind(std::string kind) {
  std::replace(kind.begin(), kind.end(), '_', ' ');
  return kind;
}

// Which codes leave with the old occupant: every guest and temporary code, and every other
// non-admin code the new owner does not keep.
Step plan_removals(JobContext& c) {
  return c.runner.run("plan_removals", [&]() -> Step {
    const auto before = stored_snapshot(c, "before");
    if (!before) return stop("the lock as found was not recorded", true);
    std::vector<int> remove, keep;
    for (const auto& slot : before->at("slots")) {
      const int index = slot.at("index");
      if (slot.at("role") == "admin") continue;
      bool keep_it = false;
      if (!is_temporary_or_guest(slot)) {
        if (c.inputs.keep_decided) {
          keep_it = std::find(c.inputs.keep_slots.begin(), c.inputs.keep_slots.end(), index) !=
                    c.inputs.keep_slots.end();
        } else {
          auto answer = c.env.op.confirm("keep." + std::to_string(index),
                                         "Does the new owner keep the code in slot " + std::to_string(index) + " (" +
                                             slot.at("role").get<std::string>() + ", " +
                                             plain_kind(slot.at("kind").get<std::string>()) + ", last used " +
                                             format_lock_time(slot.at("last_used")) + ")?");
          if (!answer)
            return stop("which codes the new owner keeps was not answered: give --keep SLOTS or an answers file", true);
          keep_it = *answer;
        }
      }
      (keep_it ? keep : remove).push_back(index);
    }
    return StepDone{std::to_string(remove.size()) + " code(s) to remove, " + std::to_string(keep.size()) + " kept",
                    {{"remove", remove}, {"keep", keep}}};
  });
}

// Which codes an audit removes, as far as known before it asks: every non-admin code that is
// temporary, a guest's, or not on a --keep list (asked per slot: each one counts until answered).
int planned_removals(const JobContext& c, const json& before) {
  int n = 0;
  for (const auto& slot : before.at("slots")) {
    if (slot.at("role") == "admin") continue;
    const int index = slot.at("index");
    const bool kept = !is_temporary_or_guest(slot) && c.inputs.keep_decided &&
                      std::find(c.inputs.keep_slots.begin(), c.inputs.keep_slots.end(), index) !=
                          c.inputs.keep_slots.end();
    if (!kept) ++n;
  }
  return n;
}

WorkflowResult<void> handoff_audit(JobContext& c) {
  // identity, session, as found, battery, admin test, plan, removals, clock, as left, close, report
  constexpr int kFixedSteps = 10;
  c.env.op.plan(kFixedSteps);
  LOCKDIAG_TRY(a, step_read_identity(c));
  LOCKDIAG_TRY(b, step_open_session(c));
  LOCKDIAG_TRY(snap, step_snapshot(c, "before"));
  if (const auto before = stored_snapshot(c, "before")) c.env.op.plan(kFixedSteps + planned_removals(c, *before));
  const int admin = snap->detail.value("admin_slot", -1);
  if (admin < 0)
    return stop(
        "this lock has no admin code: a handoff audit needs the owner's admin code; run a reset + onboarding instead");
  LOCKDIAG_TRY(power, step_check_power(c, "the handoff audit"));
  LOCKDIAG_TRY(t, step_live_test(c, "verify_admin", admin, "the owner", true));
  LOCKDIAG_TRY(plan, plan_removals(c));
  c.env.op.plan(kFixedSteps + static_cast<int>(plan->detail.at("remove").size()));
  for (int slot : plan->detail.at("remove").get<std::vector<int>>()) {
    LOCKDIAG_TRY(d, step_delete_slot(c, slot, "not kept by the new owner"));
  }
  LOCKDIAG_TRY(clk, step_sync_clock(c));
  LOCKDIAG_TRY(after, step_snapshot(c, "after"));
  LOCKDIAG_TRY(e, step_close_session(c));
  LOCKDIAG_TRY(f, step_report(c));
  return {};
}

Step factory_reset(JobContext& c) {
  const auto before = stored_snapshot(c, "before");
  const uint32_t epoch = before ? before->value("secret_epoch", 0u) : 0u;
  // Took effect: factory state, a new device secret, or (a lock that keeps its codes) the
  // FACTORY_RESET event in the log since the lock was read.
  auto verify = [&]() -> std::optional<StepDone> {
    StepDone done{"factory reset done, confirmed at the lock", {}, true};
    if (auto st = c.env.client.status(); st && st->factory_state) return done;
    if (auto fp = c.env.client.get_fingerprint(); fp && fp->secret_epoch != epoch) return done;
    if (auto ev = c.env.client.read_events(before ? before->at("events").value("next_seq", 0u) : 0u))
      for (const auto& e : ev->events)
        if (e.type == drivers::EventType::kFactoryReset) return done;
    return std::nullopt;
  };
  return c.runner.run(
      "factory_reset",
      [&]() -> Step {
        auto ok = confirm_at_lock(
            c, [&] { return c.env.client.factory_reset(false); },
            {LockPrompt::Action::kConfirmAtLock, -1, "admin",
             "At the lock: the owner types the admin code then # to confirm the FACTORY RESET."},
            "the factory reset");
        if (!ok) return std::unexpected(ok.error());
        return StepDone{"factory reset done, confirmed at the lock", {}, true};
      },
      verify);
}

// After the reset: which codes are still there (a lock that retains codes across a reset).
Step check_factory_state(JobContext& c) {
  return c.runner.run("verify_factory_state", [&]() -> Step {
    auto session = wait_for_session(c.env);  // the reset may have ended the session
    if (!session) return std::unexpected(session.error());
    auto st = c.env.client.status();
    if (!st) return std::unexpected(lock_error(st.error()));
    std::vector<drivers::SlotRecord> slots;
    if (!st->factory_state) {  // only a lock that kept codes lets us read its table now
      auto read = c.env.client.read_slots();
      if (!read) return std::unexpected(lock_error(read.error()));
      slots = std::move(*read);
    }
    std::vector<int> retained;
    int retained_admin = -1;
    for (const auto& s : slots) {
      retained.push_back(s.index);
      if (s.role == drivers::Role::kAdmin && retained_admin < 0) retained_admin = s.index;
    }
    if (!retained.empty()) {
      auto findings = c.env.store.findings(c.runner.job_id());
      auto list = findings ? *findings : std::vector<FindingRecord>{};
      list.push_back(
          {"codes_retained_after_reset", "critical",
           std::to_string(retained.size()) + " code(s) survived the factory reset",
           "This lock model keeps codes across a reset: every old code is removed or replaced one by one in this job.",
           json{{"slots", retained}}.dump()});
      (void)c.env.store.replace_findings(c.runner.job_id(), list);
    }
    return StepDone{st->factory_state ? "the lock is in factory state with no code"
                                      : std::to_string(retained.size()) + " code(s) retained across the reset",
                    {{"factory_state", st->factory_state}, {"retained", retained}, {"retained_admin", retained_admin}}};
  });
}

Step plan_enrollment(JobContext& c, const json& check) {
  return c.runner.run("plan_enrollment", [&]() -> Step {
    const auto before = stored_snapshot(c, "before");
    const int capacity = before ? before->value("slot_capacity", 0) : 0;
    const auto retained = check.at("retained").get<std::vector<int>>();
    int admin_slot = check.value("retained_admin", -1);
    std::set<int> taken(retained.begin(), retained.end());
    json empty_table{{"slots", json::array()}};
    if (admin_slot < 0) {
      const auto f = free_slots(empty_table, capacity, 1, taken);
      if (f.empty()) return stop("no free slot for the admin code");
      admin_slot = f.front();
    }
    taken.insert(admin_slot);
    json users = json::array();
    for (const auto& u : c.inputs.enroll) {
      int slot = u.slot;
      if (slot < 0) {
        const auto f = free_slots(empty_table, capacity, 1, taken);
        if (f.empty()) return stop("no free slot for " + u.label);
        slot = f.front();
      }
      taken.insert(slot);
      users.push_back({{"label", u.label}, {"slot", slot}});
    }
    return StepDone{"admin in slot " + std::to_string(admin_slot) + ", " + std::to_string(users.size()) +
                        " user(s) to enroll",
                    {{"admin_slot", admin_slot}, {"users", users}}};
  });
}

WorkflowResult<void> reset_onboarding(JobContext& c) {
  // identity, ownership, session, as found, battery, reset, check, plan, admin, clock, admin
  // test, as left, count removed, close, report; then per person an enrollment and a test, and
  // per code kept across the reset (known after the check) a removal.
  const int fixed = 15 + 2 * static_cast<int>(c.inputs.enroll.size());
  c.env.op.plan(fixed);
  LOCKDIAG_TRY(a, step_read_identity(c));
  LOCKDIAG_TRY(own, c.runner.run("record_ownership", [&]() -> Step {
    return StepDone{"ownership: " + c.inputs.ownership_evidence + "; present: " + c.inputs.present,
                    {{"evidence", c.inputs.ownership_evidence}}};
  }));
  LOCKDIAG_TRY(b, step_open_session(c));
  LOCKDIAG_TRY(before, step_snapshot(c, "before"));
  LOCKDIAG_TRY(power, step_check_power(c, "a reset and onboarding"));
  if (before->detail.value("factory_state", false)) {
    // Nothing to erase, and no admin code to confirm with: onboarding starts right away.
    LOCKDIAG_TRY(reset, c.runner.run("factory_reset_not_needed", [&]() -> Step {
      return StepDone{"the lock was already in factory state: no reset needed", {}};
    }));
  } else {
    LOCKDIAG_TRY(reset, factory_reset(c));
  }
  LOCKDIAG_TRY(check, check_factory_state(c));
  LOCKDIAG_TRY(plan, plan_enrollment(c, check->detail));
  const int admin_slot = plan->detail.at("admin_slot");
  {
    int removals = 0;
    for (int slot : check->detail.at("retained").get<std::vector<int>>()) removals += slot != admin_slot;
    c.env.op.plan(fixed + removals);
  }
  LOCKDIAG_TRY(adm, step_enroll(c, "enroll_admin", admin_slot, drivers::Role::kAdmin, {}, "admin"));
  for (int slot : check->detail.at("retained").get<std::vector<int>>())
    if (slot != admin_slot) {
      LOCKDIAG_TRY(d, step_delete_slot(c, slot, "retained across the factory reset"));
    }
  LOCKDIAG_TRY(clk, step_sync_clock(c));
  const auto users = plan->detail.at("users");
  for (size_t i = 0; i < users.size() && i < c.inputs.enroll.size(); ++i) {
    const auto& u = c.inputs.enroll[i];
    const int slot = users[i].at("slot");
    LOCKDIAG_TRY(e, step_enroll(c, "enroll_user_" + std::to_string(slot), slot, u.role, u.schedule, u.label));
  }
  LOCKDIAG_TRY(t, step_live_test(c, "live_test_admin", admin_slot, "admin", true));
  for (size_t i = 0; i < users.size(); ++i) {
    const int slot = users[i].at("slot");
    LOCKDIAG_TRY(lt, step_live_test(c, "live_test_" + std::to_string(slot), slot, users[i].at("label"), false));
  }
  LOCKDIAG_TRY(after, step_snapshot(c, "after"));
  LOCKDIAG_TRY(removed, c.runner.run("count_removed", [&]() -> Step {
    const int old = before->detail.value("occupied", 0);
    auto findings = c.env.store.findings(c.runner.job_id());
    auto list = findings ? *findings : std::vector<FindingRecord>{};
    list.push_back(
        {"old_codes_removed", "info",
         std::to_string(old) + " code(s) from before the reset were removed; none of them opens the lock now",
         "Nothing to do: only the codes enrolled today are valid.", json{{"removed", old}}.dump()});
    (void)c.env.store.replace_findings(c.runner.job_id(), list);
    return StepDone{std::to_string(old) + " old code(s) removed", {{"removed", old}}};
  }));
  LOCKDIAG_TRY(e, step_close_session(c));
  LOCKDIAG_TRY(f, step_report(c));
  return {};
}

WorkflowResult<void> rotation(JobContext& c) {
  // identity, session, as found, battery, clock, as left, close, report; per code a new code and
  // a test; per expired code (known from the lock as found) a removal.
  const int fixed = 8 + 2 * static_cast<int>(c.inputs.enroll.size());
  c.env.op.plan(fixed);
  LOCKDIAG_TRY(a, step_read_identity(c));
  LOCKDIAG_TRY(b, step_open_session(c));
  LOCKDIAG_TRY(before, step_snapshot(c, "before"));
  if (before->detail.value("admin_slot", -1) < 0)
    return stop("this lock has no admin code: there is nothing to rotate; run a reset + onboarding to set it up");
  LOCKDIAG_TRY(power, step_check_power(c, "rotating codes"));
  const auto snap = stored_snapshot(c, "before");
  {
    int expired = 0;
    for (const auto& s : snap->at("slots")) expired += s.at("expired").get<bool>();
    c.env.op.plan(fixed + expired);
  }
  for (const auto& u : c.inputs.enroll) {
    if (u.slot < 0) return stop("rotation needs the slot of each code to rotate");
    // A rotated code keeps its slot's role and schedule; only the code changes.
    const json* slot = nullptr;
    for (const auto& s : snap->at("slots"))
      if (s.at("index") == u.slot) slot = &s;
    if (!slot) return stop("slot " + std::to_string(u.slot) + " holds no code to rotate");
    const std::string r = slot->at("role");
    const drivers::Role role = r == "admin"     ? drivers::Role::kAdmin
                               : r == "guest"   ? drivers::Role::kGuest
                               : r == "service" ? drivers::Role::kService
                                                : drivers::Role::kUser;
    const drivers::Schedule schedule = schedule_from_json(slot->value("schedule", json::object()));
    LOCKDIAG_TRY(e, step_enroll(c, "rotate_slot_" + std::to_string(u.slot), u.slot, role, schedule, u.label));
  }
  // Hygiene: temporary codes past expiry go.
  for (const auto& s : snap->at("slots"))
    if (s.at("expired").get<bool>()) {
      LOCKDIAG_TRY(d, step_delete_slot(c, s.at("index"), "temporary code past its expiry"));
    }
  for (const auto& u : c.inputs.enroll) {
    LOCKDIAG_TRY(t, step_live_test(c, "live_test_" + std::to_string(u.slot), u.slot, u.label, false));
  }
  LOCKDIAG_TRY(clk, step_sync_clock(c));
  LOCKDIAG_TRY(after, step_snapshot(c, "after"));
  LOCKDIAG_TRY(e, step_close_session(c));
  LOCKDIAG_TRY(f, step_report(c));
  return {};
}

WorkflowResult<void> clock_sync(JobContext& c) {
  c.env.op.plan(7);  // the steps below, one each
  LOCKDIAG_TRY(a, step_read_identity(c));
  LOCKDIAG_TRY(b, step_open_session(c));
  LOCKDIAG_TRY(before, step_snapshot(c, "before"));
  if (before->detail.value("factory_state", false))
    return stop(
        "this lock is in factory state: it takes the time when its admin code is enrolled; run a reset + onboarding to "
        "set it up");
  LOCKDIAG_TRY(clk, step_sync_clock(c));
  LOCKDIAG_TRY(after, step_snapshot(c, "after"));
  LOCKDIAG_TRY(e, step_close_session(c));
  LOCKDIAG_TRY(f, step_report(c));
  return {};
}

#undef RUN

WorkflowResult<JobOutcome> execute(const JobRecord& job, WorkflowEnv& env) {
  StepRunner runner(env.store, env.op, job.id);
  JobContext c{env, runner, inputs_from_json(json::parse(job.params_json, nullptr, false)), job};
  const auto kind = job_kind_from(job.kind).value_or(JobKind::kDiagnose);
  WorkflowResult<void> r;
  switch (kind) {
    case JobKind::kDiagnose: r = diagnose(c); break;
    case JobKind::kHandoffAudit: r = handoff_audit(c); break;
    case JobKind::kResetOnboarding: r = reset_onboarding(c); break;
    case JobKind::kRotation: r = rotation(c); break;
    case JobKind::kClockSync: r = clock_sync(c); break;
  }
  if (!r) {
    WorkflowError e = r.error();
    e.job_id = job.id;
    (void)env.store.set_job_state(job.id, e.resumable ? JobState::kInterrupted : JobState::kFailed);
    return std::unexpected(e);
  }
  (void)env.store.set_job_state(job.id, JobState::kDone);
  JobOutcome out;
  out.job_id = job.id;
  out.state = JobState::kDone;
  if (auto f = env.store.findings(job.id)) out.findings = *f;
  out.visit = visit_summary(env.store, job.id);
  if (auto steps = env.store.steps(job.id))
    for (const auto& s : *steps)
      if (s.name == "sign_report") {
        const auto d = json::parse(s.detail_json, nullptr, false);
        if (!d.is_discarded() && d.contains("json")) {
          out.report_json = d.at("json").get<std::string>();
          out.report_pdf = d.at("pdf").get<std::string>();
        }
      }
  out.summary = reports::job_title(reports::parse_job_kind(to_string(kind)).value_or(reports::JobKind::diagnose)) +
                " of lock " + job.lock_serial + " done: " + std::to_string(out.visit.as_found.size()) +
                " finding(s) on arrival" +
                (out.visit.still_to_do ? ", " + std::to_string(out.visit.still_to_do->size()) + " still to do" : "");
  return out;
}

// One driver per job: the lease is held from before the first step until the program leaves
// the job (a crash leaves a lease whose holder is gone, which the next driver takes over).
class JobLeaseGuard {
 public:
  JobLeaseGuard(JobStore& store, int64_t job_id) : store_(store), job_id_(job_id) {
    auto r = store_.take_lease(job_id_);
    if (r) held_ = true;
    else error_ = r.error();
  }
  ~JobLeaseGuard() {
    if (held_) (void)store_.release_lease(job_id_);
  }
  JobLeaseGuard(const JobLeaseGuard&) = delete;
  JobLeaseGuard& operator=(const JobLeaseGuard&) = delete;
  // Why this program may not drive the job; nullopt: it holds the lease.
  std::optional<WorkflowError> refused() const {
    if (held_) return std::nullopt;
    return WorkflowError{error_.message, job_id_, false, drivers::ErrorKind::kIo};
  }

 private:
  JobStore& store_;
  int64_t job_id_;
  bool held_ = false;
  StoreError error_{StoreError::kIo, ""};
};

}  // namespace

WorkflowError input_error(ErrorKind kind, std::string message, int64_t job_id, bool resumable) {
  WorkflowError e{std::move(message), job_id, resumable};
  e.kind = kind;
  return e;
}

WorkflowResult<JobOutcome> run_job(JobKind kind, const JobInputs& inputs, WorkflowEnv& env) {
  if (auto missing = missing_input(kind, inputs))
    return std::unexpected(input_error(ErrorKind::kMissingInput, "missing " + *missing));
  // Everything the report needs, before the job exists and long before the first change.
  if (auto bad = check_job_inputs(inputs)) return std::unexpected(input_error(ErrorKind::kBadInput, *bad));
  // The site's zone: named (refused with the nearest names when unknown) or the laptop's.
  auto site_zone = resolve_zone(inputs.site_zone);
  if (!site_zone) return std::unexpected(input_error(ErrorKind::kBadInput, "site zone: " + site_zone.error()));
  auto id = env.client.identity();
  if (!id) return std::unexpected(lock_error(id.error()));
  if (auto bad = check_lock_serial(id->serial))
    return std::unexpected(WorkflowError{*bad, 0, false, drivers::ErrorKind::kProtocol});
  if (auto r = env.store.upsert_lock({id->serial, id->model, id->firmware, std::nullopt}); !r)
    return std::unexpected(WorkflowError{r.error().message, 0, false, drivers::ErrorKind::kIo});
  JobRecord job;
  job.kind = to_string(kind);
  job.lock_serial = id->serial;
  job.site = inputs.site;
  job.customer = inputs.customer;
  job.technician = inputs.technician;
  job.params_json = inputs_to_json(inputs).dump();
  job.site_zone = *site_zone;
  auto job_id = env.store.create_job(job);
  if (!job_id) return std::unexpected(WorkflowError{job_id.error().message, 0, false, drivers::ErrorKind::kIo});
  JobLeaseGuard lease(env.store, *job_id);
  if (auto refused = lease.refused()) return std::unexpected(*refused);
  auto stored = env.store.job(*job_id);
  if (!stored) return std::unexpected(WorkflowError{stored.error().message, *job_id, false, drivers::ErrorKind::kIo});
  return execute(*stored, env);
}

namespace {

// Applies the technician's corrections to a job's stored inputs, then checks every field the
// report needs; a field still bad says which option fixes it.
WorkflowResult<void> fix_and_check_inputs(JobStore& store, const JobRecord& job, const InputFixes& fixes) {
  JobInputs in = inputs_from_json(json::parse(job.params_json, nullptr, false));
  in.technician = job.technician.empty() ? in.technician : job.technician;
  in.site = job.site.empty() ? in.site : job.site;
  in.customer = job.customer.empty() ? in.customer : job.customer;
  const auto apply = [](std::string& field, const std::optional<std::string>& fix) {
    if (fix) field = *fix;
  };
  apply(in.technician, fixes.technician);
  apply(in.company, fixes.company);
  apply(in.licence, fixes.licence);
  apply(in.site, fixes.site);
  apply(in.customer, fixes.customer);
  apply(in.notes, fixes.notes);
  apply(in.present, fixes.present);
  apply(in.ownership_evidence, fixes.ownership_evidence);
  if (auto bad = check_job_inputs(in))
    return std::unexpected(input_error(ErrorKind::kBadInput,
                                       "job " + std::to_string(job.id) + ": " + *bad +
                                           "; correct it with: lockdiag job resume " + std::to_string(job.id) +
                                           " --OPTION \"new text\"",
                                       job.id, false));
  if (fixes.empty()) return {};
  if (job.state == JobState::kDone)
    return std::unexpected(
        input_error(ErrorKind::kBadInput,
                    "job " + std::to_string(job.id) + " is finished and signed; its fields cannot change", job.id,
                    false));
  if (auto r = store.amend_job(job.id, in.site, in.customer, in.technician, inputs_to_json(in).dump()); !r)
    return std::unexpected(WorkflowError{r.error().message, job.id, true, drivers::ErrorKind::kIo});
  return {};
}

}  // namespace

WorkflowResult<JobOutcome> resume_job(int64_t job_id, WorkflowEnv& env, const InputFixes& fixes) {
  // The lease before anything else, even reading the job: what the store says may be about to change.
  if (auto j = env.store.job(job_id); !j)
    return std::unexpected(WorkflowError{j.error().message, 0, false, drivers::ErrorKind::kIo});
  JobLeaseGuard lease(env.store, job_id);
  if (auto refused = lease.refused()) return std::unexpected(*refused);
  auto job = env.store.job(job_id);
  if (!job) return std::unexpected(WorkflowError{job.error().message, 0, false, drivers::ErrorKind::kIo});
  if (job->state == JobState::kDone)
    return std::unexpected(
        input_error(ErrorKind::kBadInput, "job " + std::to_string(job_id) + " is already finished", job_id, false));
  auto id = env.client.identity();
  if (!id) return std::unexpected(lock_error(id.error()));
  if (id->serial != job->lock_serial)
    return std::unexpected(input_error(ErrorKind::kBadInput,
                                       "job " + std::to_string(job_id) + " is for lock " + job->lock_serial +
                                           ", but the lock connected is " + id->serial,
                                       job_id, true));
  if (auto f = fix_and_check_inputs(env.store, *job, fixes); !f) return std::unexpected(f.error());
  if (!fixes.empty()) {
    job = env.store.job(job_id);
    if (!job) return std::unexpected(WorkflowError{job.error().message, job_id, true, drivers::ErrorKind::kIo});
    env.op.note("Job " + std::to_string(job_id) + ": the corrected fields are saved");
  }
  const auto kind_words = reports::job_title(reports::parse_job_kind(job->kind).value_or(reports::JobKind::diagnose));
  env.op.note("Resuming job " + std::to_string(job_id) + " (" + kind_words + ") on lock " + job->lock_serial);
  // Where it stopped, when and how it goes on: recorded for the report (docs/workflows.md).
  ResumeRecord rec;
  rec.at = utc_now_rfc3339();
  rec.previous_state = to_string(job->state);
  if (auto steps = env.store.steps(job_id))
    for (const auto& st : *steps)
      if (st.state != StepState::kDone && st.state != StepState::kSkipped) {
        rec.step_seq = st.seq;
        rec.step_name = st.name;
        rec.step_state = to_string(st.state);
        break;
      }
  const LeaseHolder me = LeaseHolder::self();
  rec.how = "lockdiag job resume (pid " + std::to_string(me.pid) + " on " + me.host + ")" +
            (rec.step_state == "started" ? "; the step cut off in the middle was checked against the lock before "
                                           "anything was done again"
                                         : "") +
            (fixes.empty() ? "" : "; fields corrected by the technician first");
  (void)env.store.add_resume(job_id, rec);
  (void)env.store.set_job_state(job_id, JobState::kRunning);
  // A session may have ended with the interruption (power cut, timeout): reopen it first.
  if (auto s = env.client.session(); s && s->state == drivers::SessionState::kNone) {
    if (auto steps = env.store.steps(job_id); steps && !steps->empty() && steps->size() > 1)
      if (auto w = wait_for_session(env); !w) {
        WorkflowError e = w.error();
        e.job_id = job_id;
        (void)env.store.set_job_state(job_id, JobState::kInterrupted);
        return std::unexpected(e);
      }
  }
  return execute(*job, env);
}

}  // namespace lockdiag::app
