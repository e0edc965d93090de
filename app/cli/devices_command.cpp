// lockdiag devices [--json] [--watch [--for S]]: every lock reachable now, and (with --watch)
// locks as they are plugged in and out.
#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include "commands.h"
#include "lockdiag/app/lock_presence.h"
#include "lockdiag/drivers/discovery.h"

namespace lockdiag::cli {

namespace {

volatile std::sig_atomic_t g_watch_interrupted = 0;
void on_interrupt(int) { g_watch_interrupted = 1; }

nlohmann::json to_json(const std::vector<app::JobRecord>& jobs) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& j : jobs)
    arr.push_back({{"id", j.id},
                   {"kind", j.kind},
                   {"state", j.state == app::JobState::kInterrupted ? "interrupted" : "running"},
                   {"site", j.site},
                   {"resume", "lockdiag job resume " + std::to_string(j.id)}});
  return arr;
}

nlohmann::json to_json(const drivers::DeviceInfo& d) {
  nlohmann::json j{{"kind", drivers::to_string(d.kind)},
                   {"uri", d.uri},
                   {"transports", d.transports},
                   {"serial", d.serial},
                   {"firmware", d.firmware},
                   {"product", d.product},
                   {"accessible", d.accessible}};
  if (d.kind != drivers::DeviceInfo::Kind::kSim) {
    char id[16];
    std::snprintf(id, sizeof id, "%04x:%04x", d.vid, d.pid);
    j["usb_id"] = id;
    j["manufacturer"] = d.manufacturer;
  }
  if (!d.port_path.empty()) {
    j["bus"] = d.bus;
    j["port_path"] = d.port_path;
  }
  if (!d.hidraw.empty()) j["hidraw"] = d.hidraw;
  if (!d.usbfs.empty()) j["usbfs"] = d.usbfs;
  if (!d.socket.empty()) {
    j["socket"] = d.socket;
    j["pid"] = d.process;
  }
  if (!d.problem.empty()) j["problem"] = d.problem;
  return j;
}

void print_text(const drivers::DeviceInfo& d, const std::vector<app::JobRecord>& unfinished, const char* prefix = "") {
  std::string where;
  if (d.kind == drivers::DeviceInfo::Kind::kSim) where = "virtual lock, pid " + std::to_string(d.process);
  else if (!d.port_path.empty()) where = "USB port " + d.port_path;
  else where = "HID " + d.hidraw;
  std::string transports;
  for (const auto& t : d.transports) transports += (transports.empty() ? "" : ", ") + t.substr(0, t.find(':'));
  std::cout << prefix << d.uri << "\n"
            << "    serial " << (d.serial.empty() ? "(none)" : d.serial) << ", firmware "
            << (d.firmware.empty() ? "?" : d.firmware) << ", " << where << "\n"
            << "    opens with: " << (transports.empty() ? "nothing (see below)" : transports) << "\n";
  if (!d.problem.empty()) std::cout << "    ! " << d.problem << "\n";
  if (const auto advice = app::unfinished_advice(unfinished); !advice.empty()) std::cout << "    > " << advice << "\n";
}

int run_devices(const GlobalOptions& g, const std::filesystem::path& store, bool watch, double seconds) {
  if (!watch) {
    const auto list = drivers::list_devices();
    if (g.json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& d : list) {
        auto j = to_json(d);
        j["unfinished_jobs"] = to_json(app::unfinished_jobs(store, d.serial));
        arr.push_back(j);
      }
      print_json({{"devices", arr}});
    } else if (list.empty()) {
      std::cout
          << "No locks found. Plug a lock into this computer's USB port, or start a virtual lock (lockdiag demo).\n";
    } else {
      for (const auto& d : list) print_text(d, app::unfinished_jobs(store, d.serial));
    }
    // A lock that is there but may not be opened is a finding the user must act on.
    for (const auto& d : list)
      if (!d.accessible) return kExitUnreachable;
    return kExitOk;
  }
  g_watch_interrupted = 0;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  app::LockPresence presence(
      [&](const app::PresenceEvent& e) {
        const bool added = e.type == app::PresenceEvent::Type::kArrived;
        if (g.json) {
          std::cout << nlohmann::json{{"event", added ? "added" : "removed"},
                                      {"device", to_json(e.device)},
                                      {"unfinished_jobs", to_json(e.unfinished)},
                                      {"text", e.text},
                                      {"schema_version", kJsonSchemaVersion}}
                           .dump()
                    << std::endl;
        } else {
          print_text(e.device, e.unfinished, added ? "+ " : "- ");
          std::cout.flush();
        }
      },
      store, {}, 250);
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  while (!g_watch_interrupted && (seconds <= 0 || std::chrono::steady_clock::now() < end))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return kExitOk;
}

}  // namespace

void add_devices_command(CLI::App& root, GlobalOptions& g) {
  auto* cmd = root.add_subcommand(
      "devices", "list every lock reachable now: USB locks (hid:, usb:) and running virtual locks (sim:)");
  auto watch = std::make_shared<bool>(false);
  auto seconds = std::make_shared<double>(0);
  auto store = std::make_shared<std::string>(app::JobStore::default_path().string());
  cmd->add_flag("--json", g.json, "machine-readable output on stdout (as the global --json)");
  cmd->add_flag("--watch", *watch, "keep running and report locks as they are plugged in and out (Ctrl-C ends)");
  cmd->add_option("--for", *seconds, "with --watch: stop after this many seconds")->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--store", *store, "the job database to look up unfinished jobs in (default: " + *store + ")");
  cmd->callback([&g, watch, seconds, store] { command_exit_code() = run_devices(g, *store, *watch, *seconds); });
}

}  // namespace lockdiag::cli
