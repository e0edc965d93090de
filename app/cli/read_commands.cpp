// Read-only commands: info, status, slots, events. They change nothing on the lock.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>

#include "cli_operator.h"
#include "commands.h"
#include "lockdiag/app/connection.h"
#include "lockdiag/app/findings.h"
#include "lockdiag/app/local_time.h"
#include "lockdiag/app/lock_words.h"
#include "lockdiag/app/lock_state.h"
#include "lockdiag/app/read_session.h"
#include "lockdiag/app/sim_keypad.h"
#include "lockdiag/app/sim_process.h"
#include "lockdiag/app/slot_labels.h"
#include "lockdiag/drivers/event_source.h"
#include "lockdiag/app/snapshot.h"

namespace lockdiag::cli {

using nlohmann::json;

namespace {

// A wire name in text output, as words: "temporary_until" -> "temporary until" (the
// identifiers stay in --json).
drivers::Result<drivers::Client> connect(const GlobalOptions& g) {
  return app::connect(g.device, {.call_timeout_ms = g.timeout_ms});
}

// How a read command that needs a service session gets one (docs/workflows.md, "Service
// session"): the workflows' wait, prompt and timeout.
struct SessionOptions {
  int wait_timeout_s = 180;
  bool sim_keypad = false;
};

void add_session_options(CLI::App* cmd, SessionOptions& o) {
  cmd->add_option("--wait-timeout", o.wait_timeout_s, "seconds to wait for the service session at the lock")
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--sim-keypad", o.sim_keypad,
                "virtual locks only: type the admin code and * 0 # through lockfw-sim's control interface");
}

// A session this process holds, or the arm + "admin code, * 0 #" + wait of a workflow.
// Returns an exit code on failure, 0 when the session is open.
int ensure_session(const GlobalOptions& g, const SessionOptions& o, drivers::Client& c) {
  if (o.sim_keypad && g.device.rfind("sim:", 0) != 0)
    return report_error(g, kExitUsage, "--sim-keypad works only with a virtual lock (sim:PATH)");
  CliOperator op;
  std::unique_ptr<app::SimKeypadOperator> sim;
  app::Operator* active = &op;
  if (o.sim_keypad) {
    sim = std::make_unique<app::SimKeypadOperator>(op, app::executable_dir() / "lockfw-sim", g.device.substr(4),
                                                   std::map<std::string, std::string>{{"admin", "new-admin"}});
    active = sim.get();
  }
  install_interrupt_handler();
  auto s = app::wait_for_read_session(c, *active, o.wait_timeout_s);
  if (s) return kExitOk;
  ExitCode code = kExitRefused;
  switch (s.error().cause) {
    case drivers::ErrorKind::kTimeout:
    case drivers::ErrorKind::kCancelled: code = kExitInterrupted; break;
    case drivers::ErrorKind::kUnreachable:
    case drivers::ErrorKind::kPermissionDenied:
    case drivers::ErrorKind::kDisconnected: code = kExitUnreachable; break;
    case drivers::ErrorKind::kProtocol: code = kExitProtocol; break;
    default: break;
  }
  return report_error(g, code, s.error().message);
}

// A progress bar for long reads, on a terminal only.
drivers::ProgressFn progress_bar(const std::string& what) {
  if (!isatty(STDERR_FILENO)) return {};
  return [what](const drivers::Progress& p) {
    const size_t total = p.total ? p.total : 1;
    const int filled = static_cast<int>(30 * std::min(p.done, total) / total);
    std::cerr << "\r\033[K" << what << " [" << std::string(filled, '#') << std::string(30 - filled, ' ') << "] "
              << p.done;
    if (p.total) std::cerr << "/" << p.total;
    if (p.done >= p.total && p.total) std::cerr << "\r\033[K";
    std::cerr << std::flush;
  };
}

int run_status(const GlobalOptions& g, bool with_session, const SessionOptions& o) {
  auto c = connect(g);
  if (!c) return report_error(g, c.error());
  if (with_session)
    if (const int rc = ensure_session(g, o, *c)) return rc;
  const uint32_t before = app::system_utc();
  auto s = c->status();
  if (!s) return report_error(g, s.error());
  auto sess = c->session();
  if (!sess) return report_error(g, sess.error());
  const int64_t drift = app::clock_drift_s(*s, before).value_or(0);
  const app::LocalTime lt = app::lock_local_time(*c, &*s);
  if (g.json) {
    json j{{"battery", {{"millivolts", s->battery_mv}, {"state", drivers::to_string(s->battery_state)}}},
           {"session", drivers::to_string(s->session)},
           {"session_remaining_s", sess->remaining_s},
           {"factory_state", s->factory_state},
           {"withheld", s->withheld},
           {"uptime_s", s->uptime_s}};
    if (!s->withheld)
      j.update({{"clock",
                 {{"set", s->clock_set},
                  {"utc", s->clock_utc},
                  {"utc_offset_min", s->utc_offset_min},
                  {"drift_s", drift},
                  {"offset_s", lt.offset_s(s->clock_utc)},
                  {"zone", lt.describe()}}},
                {"lockout",
                 {{"active", s->locked_out},
                  {"level", s->lockout_level},
                  {"remaining_s", s->lockout_remaining_s},
                  {"wrong_attempts", s->wrong_attempts}}},
                {"events", {{"head_seq", s->event_head_seq}, {"count", s->event_count}}},
                {"tamper", s->tamper}});
    print_json(j);
    return kExitOk;
  }
  std::cout << "Battery:   " << s->battery_mv << " mV (" << app::identifier_words(drivers::to_string(s->battery_state))
            << ")\n"
            << "Session:   " << app::identifier_words(drivers::to_string(s->session));
  if (s->session != drivers::SessionState::kNone) std::cout << " (" << sess->remaining_s << " s left)";
  std::cout << (s->factory_state ? "   FACTORY STATE" : "") << "\n";
  if (s->withheld) {
    std::cout << "Clock, lockout and log are shown with a service session. " << app::kOpenSessionAtLock << ".\n";
    return kExitOk;
  }
  const app::LocalTime laptop = app::laptop_local_time();
  std::cout << "Clock:     "
            << (s->clock_set
                    ? lt.format(s->clock_utc, true) + " (" + lt.describe() + "), drift " + std::to_string(drift) + " s"
                    : std::string("NOT SET (lost power)"))
            << "; laptop " << laptop.format(before, true) << " (" << laptop.describe() << ")\n"
            << "Lockout:   "
            << (s->locked_out ? "ACTIVE, " + std::to_string(s->lockout_remaining_s) + " s left" : std::string("no"))
            << " (wrong attempts " << s->wrong_attempts << ")\n"
            << "Event log: " << s->event_count << " events, next #" << s->event_head_seq << "\n";
  return kExitOk;
}

int run_slots(const GlobalOptions& g, const SessionOptions& o, const std::filesystem::path& store) {
  auto c = connect(g);
  if (!c) return report_error(g, c.error());
  if (const int rc = ensure_session(g, o, *c)) return rc;
  auto slots = c->read_slots(progress_bar("reading slots"));
  if (!slots) return report_error(g, slots.error());
  const app::LocalTime lt = app::lock_local_time(*c);
  // Who each code belongs to, from this laptop's jobs on the lock (labels, never codes).
  const auto id = c->identity();
  const auto known = app::known_slot_labels(store, id ? id->serial : std::string());
  const auto known_as = [&](int slot) {
    const auto it = known.find(slot);
    return it == known.end() ? std::string() : it->second.label;
  };
  if (g.json) {
    json out = json::array();
    for (const auto& s : *slots)
      out.push_back({{"index", s.index},
                     {"role", app::role_name(s.role)},
                     {"kind", app::kind_name(s.kind)},
                     {"enabled", s.enabled},
                     {"expired", s.expired},
                     {"retained_across_reset", s.retained_across_reset},
                     {"created", s.created},
                     {"last_used", s.last_used},
                     {"last_used_offset_s", lt.offset_s(s.last_used)},
                     {"use_count", s.use_count},
                     {"schedule", app::describe_schedule(s.schedule)},
                     {"schedule_zone", lt.describe()},  // the zone its wall times are read in
                     {"known_as", known_as(s.index)},
                     {"known_from_job", known.contains(s.index) ? known.at(s.index).job_id : 0}});
    print_json({{"slots", out}});
    return kExitOk;
  }
  // "Known as": as wide as the longest label, absent when no label is known.
  size_t name_w = 0;
  for (const auto& s : *slots) name_w = std::max(name_w, known_as(s.index).size());
  if (name_w) name_w = std::max<size_t>(name_w, 8) + 2;
  std::cout << std::left << std::setw(6) << "Slot" << std::setw(static_cast<int>(name_w)) << (name_w ? "Known as" : "")
            << std::setw(9) << "Role" << std::setw(21) << "Kind" << std::setw(9) << "Enabled" << std::setw(23)
            << "Last used" << std::setw(6) << "Uses" << "Schedule\n";
  for (const auto& s : *slots)
    std::cout << std::setw(6) << s.index << std::setw(static_cast<int>(name_w)) << known_as(s.index) << std::setw(9)
              << app::identifier_words(app::role_name(s.role)) << std::setw(21)
              << app::identifier_words(app::kind_name(s.kind)) << std::setw(9) << (s.enabled ? "yes" : "NO")
              << std::setw(23) << app::format_local(lt, s.last_used) << std::setw(6) << s.use_count
              << app::describe_schedule(s.schedule, lt) << (s.expired ? "  EXPIRED" : "")
              << (s.retained_across_reset ? "  RETAINED ACROSS RESET" : "") << "\n";
  std::cout << slots->size() << " occupied slot(s)"
            << (known.empty() ? "" : "; names from earlier jobs on this laptop (" + store.string() + ")") << "\n";
  return kExitOk;
}

// Who made a change; policy and schedule old -> new. Never a code.
void add_change_json(json& j, const drivers::Event& e, const drivers::ChangeInfo& ci) {
  if (ci.by) j["changed_by"] = {{"kind", drivers::change_source_kind_name(ci.by->kind)}, {"id", ci.by->id}};
  if (ci.values.empty()) return;
  json v = json::array();
  for (const auto& c : ci.values)
    v.push_back({{"field", drivers::change_field_name(c.field)}, {"old", c.old_value}, {"new", c.new_value}});
  j["changes"] = v;
  drivers::Schedule o, n;
  if (e.type == drivers::EventType::kScheduleChanged && drivers::schedule_change(ci.values, o, n))
    j["schedule"] = {{"old", app::describe_schedule(o)}, {"new", app::describe_schedule(n)}};
}

void print_change(const drivers::Event& e, const drivers::ChangeInfo& ci, const app::LocalTime& lt) {
  if (ci.by) std::cout << " " << drivers::describe_change_source(*ci.by);
  for (const auto& line : drivers::describe_policy_changes(ci.values)) std::cout << "; " << line;
  drivers::Schedule o, n;
  if (e.type == drivers::EventType::kScheduleChanged && drivers::schedule_change(ci.values, o, n))
    std::cout << "; schedule: " << app::describe_schedule(o, lt) << " -> " << app::describe_schedule(n, lt);
}

int run_events(const GlobalOptions& g, uint32_t since, const SessionOptions& o) {
  auto c = connect(g);
  if (!c) return report_error(g, c.error());
  if (const int rc = ensure_session(g, o, *c)) return rc;
  auto batch = c->read_events(since, progress_bar("reading events"));
  if (!batch) return report_error(g, batch.error());
  const app::LocalTime lt = app::lock_local_time(*c);
  const auto changes = drivers::fold_change_sources(batch->events);  // who made each change (1.4)
  if (g.json) {
    json ev = json::array();
    for (const auto& e : batch->events) {
      json j{{"seq", e.seq},
             {"time", e.time},
             {"type", drivers::event_type_name(e.type)},
             {"clock_not_set", e.clock_not_set},
             {"offset_s", lt.offset_s(e.time)}};
      if (e.slot) j["slot"] = *e.slot;
      if (e.reason != drivers::Reason::kNone) j["reason"] = drivers::reason_name(e.reason);
      if (const auto it = changes.find(e.seq); it != changes.end()) add_change_json(j, e, it->second);
      ev.push_back(j);
    }
    print_json({{"first_seq", batch->first_seq},
                {"next_seq", batch->next_seq},
                {"truncated", batch->truncated},
                {"events", ev}});
    return kExitOk;
  }
  if (batch->truncated) std::cout << "(events before #" << batch->first_seq << " were overwritten)\n";
  for (const auto& e : batch->events) {
    std::cout << "#" << std::setw(7) << std::left << e.seq << std::setw(22) << app::format_local(lt, e.time)
              << (e.clock_not_set ? "*" : " ") << "  " << std::setw(30) << app::event_label(e.type);
    if (e.slot) std::cout << " slot " << *e.slot;
    if (e.type == drivers::EventType::kRejected) std::cout << ": " << app::reason_label(e.reason);
    else if (e.reason != drivers::Reason::kNone) std::cout << " (" << app::reason_label(e.reason) << ")";
    if (const auto it = changes.find(e.seq); it != changes.end()) print_change(e, it->second, lt);
    std::cout << "\n";
  }
  std::cout << batch->events.size() << " event(s); next read: --since " << batch->next_seq << "\n";
  return kExitOk;
}

}  // namespace

int run_info(const GlobalOptions& g) {
  auto client = connect(g);
  if (!client) return report_error(g, client.error());
  auto id = client->identity();
  if (!id) return report_error(g, id.error());
  if (g.json) {
    print_json({{"device", g.device},
                {"model", id->model},
                {"serial", id->serial},
                {"firmware", id->firmware},
                {"hardware_revision", id->hw_revision},
                {"protocol", std::to_string(id->protocol_major) + "." + std::to_string(id->protocol_minor)},
                {"slot_count", id->slot_count},
                {"event_capacity", id->event_capacity}});
  } else {
    std::cout << "Model:           " << id->model << "\n"
              << "Serial:          " << id->serial << "\n"
              << "Firmware:        " << id->firmware << " (hardware rev " << id->hw_revision << ")\n"
              << "Protocol:        " << id->protocol_major << "." << id->protocol_minor << "\n"
              << "Code slots:      " << id->slot_count << "\n"
              << "Event capacity:  " << id->event_capacity << "\n"
              << "Device:          " << g.device << "\n";
  }
  return kExitOk;
}

void add_read_commands(CLI::App& root, GlobalOptions& g) {
  root.add_subcommand("info", "identity of the lock: model, serial, firmware, slot count, event capacity")
      ->callback([&g] { command_exit_code() = run_info(g); });
  auto so = std::make_shared<SessionOptions>();
  auto with_session = std::make_shared<bool>(false);
  auto* st = root.add_subcommand("status", "battery, session, clock and drift, lockout, event log size");
  st->add_flag("--session", *with_session,
               "wait for a service session (admin code, then * 0 # at the lock) to show clock, lockout and log");
  add_session_options(st, *so);
  st->callback([&g, so, with_session] { command_exit_code() = run_status(g, *with_session, *so); });
  auto* sl = root.add_subcommand("slots", "the slot table: role, kind, schedule, enabled, last used (never a code)");
  add_session_options(sl, *so);
  auto store = std::make_shared<std::string>(app::JobStore::default_path().string());
  sl->add_option("--store", *store, "the job database whose jobs name the slots (default: " + *store + ")");
  sl->callback([&g, so, store] { command_exit_code() = run_slots(g, *so, *store); });
  auto since = std::make_shared<uint32_t>(0);
  auto* ev = root.add_subcommand("events", "the event log, from a sequence number on");
  ev->add_option("--since", *since, "first sequence number to read (default: the oldest kept)");
  add_session_options(ev, *so);
  ev->callback([&g, since, so] { command_exit_code() = run_events(g, *since, *so); });
}

}  // namespace lockdiag::cli
