// Read-only commands: info, status, slots, events. They change nothing on the lock.
#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <memory>

#include "commands.h"
#include "lockdiag/app/connection.h"
#include "lockdiag/app/findings.h"
#include "lockdiag/app/lock_state.h"
#include "lockdiag/app/snapshot.h"
#include "lockfw/wire.h"

namespace lockdiag::cli {

using nlohmann::json;

namespace {

drivers::Result<drivers::Client> connect(const GlobalOptions& g) {
  return app::connect(g.device, {.call_timeout_ms = g.timeout_ms});
}

// A progress bar for long reads, on a terminal only.
drivers::ProgressFn progress_bar(const std::string& what) {
  if (!isatty(STDERR_FILENO)) return {};
  return [what](const drivers::Progress& p) {
    const size_t total = p.total ? p.total : 1;
    const int filled = static_cast<int>(30 * std::min(p.done, total) / total);
    std::cerr << "\r\033[K" << what << " [" << std::string(filled, '#') << std::string(30 - filled, ' ') << "] " << p.done;
    if (p.total) std::cerr << "/" << p.total;
    if (p.done >= p.total && p.total) std::cerr << "\r\033[K";
    std::cerr << std::flush;
  };
}

int run_status(const GlobalOptions& g) {
  auto c = connect(g);
  if (!c) return report_error(g, c.error());
  const uint32_t before = app::system_utc();
  auto s = c->status();
  if (!s) return report_error(g, s.error());
  auto sess = c->session();
  if (!sess) return report_error(g, sess.error());
  const int64_t drift = s->clock_set ? static_cast<int64_t>(s->clock_utc) - before : 0;
  if (g.json) {
    json j{{"battery", {{"millivolts", s->battery_mv}, {"state", drivers::to_string(s->battery_state)}}},
           {"session", drivers::to_string(s->session)},
           {"session_remaining_s", sess->remaining_s},
           {"factory_state", s->factory_state},
           {"withheld", s->withheld},
           {"uptime_s", s->uptime_s}};
    if (!s->withheld)
      j.update({{"clock", {{"set", s->clock_set}, {"utc", s->clock_utc}, {"utc_offset_min", s->utc_offset_min}, {"drift_s", drift}}},
                {"lockout", {{"active", s->locked_out}, {"level", s->lockout_level}, {"remaining_s", s->lockout_remaining_s},
                             {"wrong_attempts", s->wrong_attempts}}},
                {"events", {{"head_seq", s->event_head_seq}, {"count", s->event_count}}},
                {"tamper", s->tamper}});
    print_json(j);
    return kExitOk;
  }
  std::cout << "Battery:   " << s->battery_mv << " mV (" << drivers::to_string(s->battery_state) << ")\n"
            << "Session:   " << drivers::to_string(s->session);
  if (s->session != drivers::SessionState::kNone) std::cout << " (" << sess->remaining_s << " s left)";
  std::cout << (s->factory_state ? "   FACTORY STATE" : "") << "\n";
  if (s->withheld) {
    std::cout << "Clock, lockout and log are shown with a service session: at the lock, type the admin code then * 0 #\n";
    return kExitOk;
  }
  std::cout << "Clock:     " << (s->clock_set ? app::format_lock_time(s->clock_utc) + " UTC, drift " + std::to_string(drift) + " s"
                                               : std::string("NOT SET (lost power)"))
            << "\n"
            << "Lockout:   " << (s->locked_out ? "ACTIVE, " + std::to_string(s->lockout_remaining_s) + " s left" : std::string("no"))
            << " (wrong attempts " << s->wrong_attempts << ")\n"
            << "Event log: " << s->event_count << " events, next #" << s->event_head_seq << "\n";
  return kExitOk;
}

int run_slots(const GlobalOptions& g) {
  auto c = connect(g);
  if (!c) return report_error(g, c.error());
  auto slots = c->read_slots(progress_bar("reading slots"));
  if (!slots) return report_error(g, slots.error());
  if (g.json) {
    json out = json::array();
    for (const auto& s : *slots)
      out.push_back({{"index", s.index}, {"role", app::role_name(s.role)}, {"kind", app::kind_name(s.kind)},
                     {"enabled", s.enabled}, {"expired", s.expired}, {"retained_across_reset", s.retained_across_reset},
                     {"created", s.created}, {"last_used", s.last_used}, {"use_count", s.use_count},
                     {"schedule", app::describe_schedule(s.schedule)}});
    print_json({{"slots", out}});
    return kExitOk;
  }
  std::cout << std::left << std::setw(6) << "Slot" << std::setw(9) << "Role" << std::setw(21) << "Kind" << std::setw(9)
            << "Enabled" << std::setw(18) << "Last used" << std::setw(6) << "Uses" << "Schedule\n";
  for (const auto& s : *slots)
    std::cout << std::setw(6) << s.index << std::setw(9) << app::role_name(s.role) << std::setw(21)
              << app::kind_name(s.kind) << std::setw(9) << (s.enabled ? "yes" : "NO") << std::setw(18)
              << app::format_lock_time(s.last_used) << std::setw(6) << s.use_count << app::describe_schedule(s.schedule)
              << (s.expired ? "  EXPIRED" : "") << (s.retained_across_reset ? "  RETAINED ACROSS RESET" : "") << "\n";
  std::cout << slots->size() << " occupied slot(s)\n";
  return kExitOk;
}

int run_events(const GlobalOptions& g, uint32_t since) {
  auto c = connect(g);
  if (!c) return report_error(g, c.error());
  auto batch = c->read_events(since, progress_bar("reading events"));
  if (!batch) return report_error(g, batch.error());
  if (g.json) {
    json ev = json::array();
    for (const auto& e : batch->events) {
      json j{{"seq", e.seq}, {"time", e.time}, {"type", drivers::event_type_name(e.type)}, {"clock_not_set", e.clock_not_set}};
      if (e.slot) j["slot"] = *e.slot;
      if (e.reason) j["reason"] = drivers::reason_name(e.reason);
      ev.push_back(j);
    }
    print_json({{"first_seq", batch->first_seq}, {"next_seq", batch->next_seq}, {"truncated", batch->truncated}, {"events", ev}});
    return kExitOk;
  }
  if (batch->truncated) std::cout << "(events before #" << batch->first_seq << " were overwritten)\n";
  for (const auto& e : batch->events) {
    std::cout << "#" << std::setw(7) << std::left << e.seq << app::format_lock_time(e.time) << (e.clock_not_set ? "*" : " ")
              << "  " << std::setw(20) << drivers::event_type_name(e.type);
    if (e.slot) std::cout << " slot " << *e.slot;
    if (e.type == lockfw::wire::kEvRejected) std::cout << ": " << app::rejection_reason_text(e.reason);
    else if (e.reason) std::cout << " (" << drivers::reason_name(e.reason) << ")";
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
  root.add_subcommand("status", "battery, session, clock and drift, lockout, event log size")
      ->callback([&g] { command_exit_code() = run_status(g); });
  root.add_subcommand("slots", "the slot table: role, kind, schedule, enabled, last used (never a code)")
      ->callback([&g] { command_exit_code() = run_slots(g); });
  auto since = std::make_shared<uint32_t>(0);
  auto* ev = root.add_subcommand("events", "the event log, from a sequence number on");
  ev->add_option("--since", *since, "first sequence number to read (default: the oldest kept)");
  ev->callback([&g, since] { command_exit_code() = run_events(g, *since); });
}

}  // namespace lockdiag::cli
