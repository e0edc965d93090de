#include "job_steps.h"

#include <algorithm>

#include "lock_waits.h"
#include "zone_sync.h"
#include "lockdiag/app/report_builder.h"
#include "lockdiag/app/lock_words.h"
#include "lockdiag/app/snapshot.h"
#include "attestation_steps.h"
#include "lockdiag/app/visit_summary.h"

namespace lockdiag::app {

using nlohmann::json;

namespace {

std::unexpected<WorkflowError> failed(const drivers::Error& e) { return std::unexpected(lock_error(e)); }
std::unexpected<WorkflowError> failed(const std::string& message, bool resumable = true) {
  return std::unexpected(WorkflowError{message, 0, resumable, drivers::ErrorKind::kLockRefused});
}

// nullopt: the table could not be read, so nobody knows (a resume must not take that for "gone").
std::optional<bool> slot_present(JobContext& c, int slot) {
  auto slots = c.env.client.read_slots();
  if (!slots) return std::nullopt;
  return std::any_of(slots->begin(), slots->end(), [&](const drivers::SlotRecord& s) { return s.index == slot; });
}

}  // namespace

std::optional<json> stored_snapshot(JobContext& c, const std::string& phase) {
  auto s = c.env.store.snapshot(c.runner.job_id(), phase);
  if (!s || !*s) return std::nullopt;
  auto j = json::parse(**s, nullptr, false);
  return j.is_discarded() ? std::nullopt : std::optional<json>(j);
}

WorkflowResult<StepDone> step_read_identity(JobContext& c) {
  return c.runner.run("read_identity", [&]() -> WorkflowResult<StepDone> {
    auto id = c.env.client.identity();
    if (!id) return failed(id.error());
    if (id->serial != c.job.lock_serial)
      return failed("this is lock " + id->serial + ", but job " + std::to_string(c.job.id) + " is for lock " +
                        c.job.lock_serial + "; connect the right lock",
                    true);
    return StepDone{id->model + ", serial " + id->serial + ", firmware " + id->firmware, {{"firmware", id->firmware}}};
  });
}

WorkflowResult<StepDone> step_open_session(JobContext& c) {
  return c.runner.run("open_session", [&]() -> WorkflowResult<StepDone> {
    auto s = wait_for_session(c.env);
    if (!s) return std::unexpected(s.error());
    const bool factory = s->state == drivers::SessionState::kFactory;
    return StepDone{factory ? "the lock is in factory state: session open for admin enrollment only"
                            : "service session opened at the lock with the admin code",
                    {{"opened_by", factory ? "factory_state" : "keypad_service_sequence"},
                     {"at", utc_now_rfc3339()},
                     {"session_id", s->session_id}},
                    true};
  });
}

WorkflowResult<StepDone> step_snapshot(JobContext& c, const std::string& phase) {
  return c.runner.run("snapshot_" + phase, [&]() -> WorkflowResult<StepDone> {
    uint32_t from = 0;
    AnalysisContext ac;
    ac.complaint_slot = c.inputs.complaint_slot;
    {
      const uint32_t t = c.env.now_utc ? c.env.now_utc() : system_utc();
      if (!c.job.site_zone.empty()) ac.site_zone = c.job.site_zone;
      const std::string zone = !c.inputs.zone.empty()     ? c.inputs.zone
                               : !c.job.site_zone.empty() ? c.job.site_zone
                                                          : system_zone_name();
      auto table = load_zone_table(zone, t);
      if (table && !table->changes.empty()) ac.next_offset_change_utc = table->changes.front().utc;
    }
    if (phase == "before") {
      if (auto lock = c.env.store.find_lock(c.job.lock_serial); lock && *lock && (*lock)->last_event_seq)
        from = *(*lock)->last_event_seq;
      if (auto prev = c.env.store.previous_snapshot(c.job.lock_serial, c.job.id, "after"); prev && *prev) {
        const auto p = json::parse(**prev, nullptr, false);
        if (!p.is_discarded()) {
          ac.previous_fingerprint = p.value("fingerprint", "");
          ac.previous_secret_epoch = p.value("secret_epoch", 0u);
        }
      }
    } else if (auto before = stored_snapshot(c, "before")) {
      from = before->at("events").value("next_seq", 0u);
    }
    auto state = read_lock_state(c.env.client, from, c.env.now_utc,
                                 [&](const std::string& what, size_t done, size_t total) {
                                   c.env.op.progress("reading " + what, done, total);
                                 });
    if (!state) return failed(state.error());
    const json snap = snapshot_json(*state);
    if (auto r = c.env.store.save_snapshot(c.runner.job_id(), phase, snap.dump()); !r) return failed(r.error().message);
    auto findings = analyze(*state, ac);
    const json analysis = findings_to_json(findings);  // as found / as left (visit_summary.h)
    if (phase == "after") {
      // Keep what was found on arrival; add only what is new on leaving.
      auto before = c.env.store.findings(c.runner.job_id());
      std::vector<FindingRecord> merged = before ? *before : std::vector<FindingRecord>{};
      for (auto& f : findings)
        if (std::none_of(merged.begin(), merged.end(), [&](const auto& m) { return m.code == f.code; }))
          merged.push_back(f);
      findings = merged;
    }
    if (auto r = c.env.store.replace_findings(c.runner.job_id(), findings); !r) return failed(r.error().message);
    int admin_slot = -1;
    for (const auto& s : state->slots)
      if (s.role == drivers::Role::kAdmin && admin_slot < 0) admin_slot = s.index;
    const auto active = active_by_role(snap);
    std::string by_role;  // "1 admin, 2 user active": words, not JSON
    for (const auto& [role, n] : active.items())
      if (n.get<int>() > 0) by_role += (by_role.empty() ? "" : ", ") + std::to_string(n.get<int>()) + " " + role;
    return StepDone{std::to_string(state->slots.size()) + " codes (" + (by_role.empty() ? "none" : by_role) +
                        " active), " + std::to_string(state->events.events.size()) + " events read, fingerprint " +
                        state->fingerprint.hex().substr(0, 16),
                    {{"next_seq", state->events.next_seq},
                     {"admin_slot", admin_slot},
                     {"occupied", state->slots.size()},
                     {"fingerprint", state->fingerprint.hex()},
                     {"factory_state", state->status.factory_state},
                     {phase == "after" ? "as_left" : "as_found", analysis},
                     {"attestation", take_attestation(c, phase)}}};  // right after the read
  });
}

WorkflowResult<void> confirm_at_lock(JobContext& c, const ConfirmRequest& request, const LockPrompt& prompt,
                                     const std::string& what) {
  constexpr int kTries = 3;
  for (int attempt = 1;; ++attempt) {
    auto head = c.env.client.status();
    if (!head) return failed(head.error());
    auto pending = request();
    if (!pending && drivers::refused(pending.error(), drivers::LockRefusal::kConfirmationPending)) {
      (void)c.env.client.cancel_confirmation();  // a request from before an interruption
      pending = request();
    }
    if (!pending) return failed(pending.error());
    auto s = wait_for_confirmation(c.env, pending->ticket, prompt);
    if (!s) return std::unexpected(s.error());
    if (s->confirm_state == drivers::ConfirmState::kDone) return {};
    if (s->confirm_state != drivers::ConfirmState::kDenied)
      return failed(what + " was not confirmed at the lock in time; nothing was changed; resume to ask again");
    // The lock denies on a wrong code as it does on "* #" (fail safe). A wrong code is a typo or
    // a keypad that missed a key: ask again. "* #" is the owner saying no.
    bool mistyped = false;
    if (auto ev = c.env.client.read_events(head->event_head_seq))
      for (const auto& e : ev->events) mistyped = mistyped || e.type == drivers::EventType::kWrongCode;
    if (!mistyped) return failed("the owner refused " + what + " at the lock", false);
    if (attempt == kTries)
      return failed("a wrong code was typed " + std::to_string(kTries) + " times to confirm " + what +
                    "; nothing was changed; resume the job to ask again");
    c.env.op.note("The code typed to confirm " + what + " was not accepted, so the lock refused it; asking again.");
  }
}

WorkflowResult<StepDone> step_check_power(JobContext& c, const std::string& work) {
  return c.runner.run("check_battery", [&]() -> WorkflowResult<StepDone> {
    auto st = c.env.client.status();
    if (!st) return failed(st.error());
    if (st->battery_state != drivers::BatteryState::kOk)
      return failed("the batteries are " +
                    std::string(st->battery_state == drivers::BatteryState::kCritical ? "critical" : "low") + " (" +
                    std::to_string(st->battery_mv) + " mV): replace them before " + work +
                    ", so the keypad does not miss keys and the lock cannot die half way; then resume the job");
    return StepDone{"batteries fine for " + work + " (" + std::to_string(st->battery_mv) + " mV)",
                    {{"battery_mv", st->battery_mv}}};
  });
}

WorkflowResult<StepDone> step_delete_slot(JobContext& c, int slot, const std::string& why) {
  const std::string name = "delete_slot_" + std::to_string(slot);
  auto verify = [&]() -> std::optional<StepDone> {
    if (slot_present(c, slot) != std::optional<bool>(false)) return std::nullopt;
    return StepDone{"slot " + std::to_string(slot) + " is empty (" + why + ")", {{"slot", slot}}, true};
  };
  return c.runner.run(
      name,
      [&]() -> WorkflowResult<StepDone> {
        auto ok = confirm_at_lock(
            c, [&] { return c.env.client.delete_slot(static_cast<uint16_t>(slot)); },
            {LockPrompt::Action::kConfirmAtLock, slot, "admin",
             "At the lock: the owner types the admin code then # to confirm deleting slot " + std::to_string(slot) +
                 "."},
            "the deletion of slot " + std::to_string(slot));
        if (!ok) return std::unexpected(ok.error());
        return StepDone{"slot " + std::to_string(slot) + " deleted (" + why + "), confirmed at the lock",
                        {{"slot", slot}},
                        true};
      },
      verify);
}

WorkflowResult<StepDone> step_enroll(JobContext& c, const std::string& name, int slot, drivers::Role role,
                                     const drivers::Schedule& schedule, const std::string& person) {
  // After an interruption the event log says whether the new code committed.
  auto verify = [&]() -> std::optional<StepDone> {
    const auto before = stored_snapshot(c, "before");
    auto events = c.env.client.read_events(before ? before->at("events").value("next_seq", 0u) : 0u);
    if (!events) return std::nullopt;
    for (const auto& e : events->events)
      if (e.type == drivers::EventType::kEnrollCommitted && e.slot && *e.slot == slot)
        return StepDone{"code for " + person + " enrolled in slot " + std::to_string(slot),
                        {{"slot", slot}, {"person", person}},
                        true};
    return std::nullopt;
  };
  return c.runner.run(
      name,
      [&]() -> WorkflowResult<StepDone> {
        constexpr int kSameCodeTries = 3;  // the lock refused the slot's old code: ask again, a few times
        std::optional<drivers::SessionInfo> s;
        for (int attempt = 1;; ++attempt) {
          auto open = c.env.client.open_enrollment(static_cast<uint16_t>(slot), role, schedule);
          if (!open && drivers::refused(open.error(), drivers::LockRefusal::kEnrollmentActive)) {
            (void)c.env.client.abort_enrollment();
            open = c.env.client.open_enrollment(static_cast<uint16_t>(slot), role, schedule);
          }
          if (!open) return failed(open.error());
          auto w = wait_for_enrollment(c.env, slot,
                                       {LockPrompt::Action::kEnrollCode, slot, person,
                                        "At the lock: " + person +
                                            " types a new code (4 to 10 digits) then #, twice."});
          if (!w) {
            (void)c.env.client.abort_enrollment();
            return std::unexpected(w.error());
          }
          s = *w;
          if (s->enroll_state == drivers::EnrollState::kCommitted || s->enroll_reason != drivers::Reason::kSameCode ||
              attempt == kSameCodeTries)
            break;
          c.env.op.note("The code typed for " + person + " is the one slot " + std::to_string(slot) +
                        " already has; a new code must differ from the old one. Asking again.");
        }
        if (s->enroll_state == drivers::EnrollState::kAborted && s->enroll_reason == drivers::Reason::kSameCode)
          return failed("slot " + std::to_string(slot) + " still has its old code: " + person +
                        " typed the current code again " + std::to_string(kSameCodeTries) +
                        " times; resume the job to enroll a different code");
        if (s->enroll_state != drivers::EnrollState::kCommitted)
          return failed("the enrollment for " + person + " was aborted at the lock (" + reason_label(s->enroll_reason) +
                        "); resume to try again");
        return StepDone{"code for " + person + " enrolled in slot " + std::to_string(slot) + " (" + role_name(role) +
                            ", " + identifier_words(kind_name(schedule.kind)) + ")",
                        {{"slot", slot}, {"person", person}},
                        true};
      },
      verify);
}

WorkflowResult<StepDone> step_live_test(JobContext& c, const std::string& name, int slot, const std::string& person,
                                        bool must_unlock) {
  return c.runner.run(name, [&]() -> WorkflowResult<StepDone> {
    auto st = c.env.client.status();
    if (!st) return failed(st.error());
    auto r = wait_for_entry(c.env, slot, st->event_head_seq,
                            {LockPrompt::Action::kTypeCode, slot, person,
                             "At the lock: " + person + " types their code then # (live entry test of slot " +
                                 std::to_string(slot) + ")."});
    if (!r) return std::unexpected(r.error());
    const json d{{"slot", slot}, {"accepted", r->accepted}, {"wrong_codes", r->wrong_codes}};
    if (r->accepted) return StepDone{"slot " + std::to_string(slot) + " opened the lock in a live test", d, true};
    if (r->known && !must_unlock)
      return StepDone{"slot " + std::to_string(slot) + " is recognised but refused now: " + reason_label(r->reason), d,
                      true};
    if (r->known) return failed("slot " + std::to_string(slot) + " was refused: " + reason_label(r->reason), false);
    return failed("the code typed was not recognised (" + std::to_string(r->wrong_codes) +
                      " wrong tries): the person does not know the code of slot " + std::to_string(slot),
                  false);
  });
}

WorkflowResult<StepDone> step_sync_clock(JobContext& c) {
  auto now = [&] { return c.env.now_utc ? c.env.now_utc() : system_utc(); };
  auto drift_now = [&]() -> std::optional<int64_t> {
    auto st = c.env.client.status();
    if (!st) return std::nullopt;
    return clock_drift_s(*st, now());
  };
  return c.runner.run(
      "sync_clock",
      [&]() -> WorkflowResult<StepDone> {
        const auto before = drift_now();
        auto st = c.env.client.status();
        if (!st) return failed(st.error());
        int offset_min = st->utc_offset_min;
        std::optional<ZoneTable> table;  // clock sync with a zone: the laptop's tzdata for it
        if (!c.inputs.zone.empty()) {
          auto t = load_zone_table(c.inputs.zone, now());
          if (!t) return failed(t.error(), false);
          offset_min = t->initial_offset_s / 60;
          table = std::move(*t);
        }
        auto set = c.env.client.set_clock(now(), offset_min);
        if (!set) return failed(set.error());
        const auto after = drift_now();
        if (!after) return failed("the lock did not keep the time it was given");
        json d{{"drift_before_s", before ? json(*before) : json(nullptr)}, {"drift_after_s", *after}};
        std::string text = "clock set; drift " +
                           (before ? std::to_string(*before) + " s" : std::string("(clock was not set)")) + " -> " +
                           std::to_string(*after) + " s";
        if (table) {
          auto z = sync_zone(c.env.client, *table);
          if (!z) return failed(z.error());
          text += "; " + z->text;
          d["zone"] = z->detail;
        }
        return StepDone{text, d};
      },
      [&]() -> std::optional<StepDone> {
        const auto d = drift_now();
        if (!d || std::abs(*d) > 2) return std::nullopt;
        if (!c.inputs.zone.empty() && !lock_follows(c.env.client, c.inputs.zone)) return std::nullopt;
        return StepDone{"clock set; drift now " + std::to_string(*d) + " s", {{"drift_after_s", *d}}};
      });
}

WorkflowResult<StepDone> step_close_session(JobContext& c) {
  return c.runner.run("close_session", [&]() -> WorkflowResult<StepDone> {
    auto r = c.env.client.close_session();
    // No session (it timed out) or a factory-state session (it ends with the admin enrollment).
    if (!r && !drivers::refused(r.error(), drivers::LockRefusal::kSessionRequired) &&
        !drivers::refused(r.error(), drivers::LockRefusal::kFactoryAdminOnly))
      return failed(r.error());
    return StepDone{"service session closed"};
  });
}

WorkflowResult<StepDone> step_report(JobContext& c) {
  return c.runner.run("sign_report", [&]() -> WorkflowResult<StepDone> {
    // The last read's end is where the next visit's event read starts.
    for (const char* phase : {"after", "before"})
      if (auto snap = stored_snapshot(c, phase)) {
        (void)c.env.store.set_last_event_seq(c.job.lock_serial, snap->at("events").value("next_seq", 0u));
        break;
      }
    if (!c.inputs.sign_report) return StepDone{"report not signed (asked not to)"};
    auto files = write_signed_report(c.env.store, c.runner.job_id(), c.inputs.report_dir);
    if (!files) return std::unexpected(files.error());
    return StepDone{"report signed with key " + files->key_id,
                    {{"json", files->json.string()}, {"pdf", files->pdf.string()}, {"sha256", files->sha256}}};
  });
}

}  // namespace lockdiag::app
