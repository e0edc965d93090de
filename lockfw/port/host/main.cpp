// lockfw-sim: the lock firmware's core with a host HAL, its service port on a Unix socket,
// its physical world (keypad, battery, clock, power) on a control socket beside it.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "announce.h"
#include "control.h"
#include "lockfw/wire.h"
#include "lockdiag_version.h"
#include "provision.h"
#include "scenario.h"
#include "socket_server.h"
#include "state_file.h"
#include "virtual_lock.h"

namespace {
volatile bool g_stop = false;
void on_signal(int) { g_stop = true; }

using namespace lockfw;
using namespace lockfw::host;

int64_t system_utc_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const char* name_of_session(uint8_t s) {
  return s == wire::kSessionOpen ? "open" : s == wire::kSessionFactory ? "factory" : "none";
}
const char* name_of_enroll(uint8_t s) {
  static const char* n[] = {"idle", "wait-first", "wait-second", "committed", "aborted"};
  return s < 5 ? n[s] : "?";
}
const char* name_of_confirm(uint8_t s) {
  static const char* n[] = {"none", "waiting", "done", "denied", "timed-out", "failed", "cancelled"};
  return s < 7 ? n[s] : "?";
}
const char* name_of_battery(uint8_t s) {
  return s == wire::kBatteryCritical ? "critical" : s == wire::kBatteryLow ? "low" : "ok";
}

constexpr const char* kHelp =
    "commands: keypad KEYS | type-code SLOT [#|*0#] | type-person NAME [#|*0#] | enroll-person NAME [once] | "
    "open-session | arm-session | confirm | deny | battery MV | clock-drift S_PER_DAY | clock-jump +-S | clock-lose | "
    "set-time UTC | advance SECONDS | time | key-override | tamper | wet-keypad on|off | power-cut | "
    "power-cut-after N | power-cycle | status | persons | help";

class SimControl {
 public:
  SimControl(VirtualLock& vl, StateFile& state, FlashSim& flash) : vl_(vl), state_(state), flash_(flash) {}
  bool power_cut_requested() const { return power_cut_; }

  std::string handle(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> w;
    for (std::string t; in >> t;) w.push_back(t);
    if (w.empty()) return "error empty command; " + std::string(kHelp);
    const std::string r = dispatch(w);
    save();
    return r;
  }

  void save() {
    SimHeader& h = state_.header();
    h.rtc = vl_.rtc().save();
    h.battery_mv = vl_.battery().millivolts();
    h.wet = vl_.wet();
    h.world_offset_ms = vl_.clock().world_utc_ms() - system_utc_ms();
    state_.save_header();
  }

 private:
  std::string typed(uint64_t before) {
    const uint64_t n = vl_.bolt().unlocks() - before;
    return n ? " (bolt unlocked)" : "";
  }
  static bool suffix_ok(const std::string& s) { return s == "#" || s == "*0#"; }
  int admin_slot() {
    for (const auto& [slot, person] : state_.header().owners) {
      SlotData d;
      if (vl_.lock().read_slot(slot, d) && wire::role_of(d.role_kind) == wire::kRoleAdmin) return slot;
    }
    return -1;
  }
  bool known_person(const std::string& name) {
    for (const auto& p : scenario_persons(state_.header().scenario))
      if (p.name == name) return true;
    return is_visitor_name(state_.header().scenario, name);
  }
  // The state file's header keeps slot owners by name; a bounded number of visitors fits it.
  bool room_for_visitor(const std::string& name) {
    if (!is_visitor_name(state_.header().scenario, name)) return true;
    size_t visitors = 0;
    for (const auto& [slot, owner] : state_.header().owners)
      if (owner == name) return true;
      else if (is_visitor_name(state_.header().scenario, owner)) ++visitors;
    return visitors < kMaxVisitors;
  }
  static constexpr size_t kMaxVisitors = 64;
  void type_person(const std::string& person, const std::string& suffix) {
    std::string keys = scenario_person_code(state_.header().scenario, person) + suffix;
    vl_.keypad(keys);
    std::fill(keys.begin(), keys.end(), '\0');
  }

  std::string dispatch(const std::vector<std::string>& w) {
    const std::string& c = w[0];
    auto num = [&](size_t i, long long& v) {
      if (w.size() <= i) return false;
      try {
        size_t used = 0;
        v = std::stoll(w[i], &used);
        return used == w[i].size();
      } catch (...) {
        return false;
      }
    };
    long long v = 0;
    if (c == "help") return std::string("ok ") + kHelp;
    if (c == "keypad") {
      if (w.size() != 2 || w[1].find_first_not_of("0123456789*#") != std::string::npos)
        return "error usage: keypad KEYS (digits, * and #)";
      const uint64_t before = vl_.bolt().unlocks();
      vl_.keypad(w[1]);
      return "ok " + std::to_string(w[1].size()) + " keys" + typed(before);
    }
    if (c == "type-code") {
      const std::string suffix = w.size() > 2 ? w[2] : "#";
      if (!num(1, v) || !suffix_ok(suffix)) return "error usage: type-code SLOT [#|*0#]";
      auto it = state_.header().owners.find(static_cast<uint16_t>(v));
      if (it == state_.header().owners.end()) return "error nobody in this scenario holds slot " + w[1];
      const uint64_t before = vl_.bolt().unlocks();
      type_person(it->second, suffix);
      return "ok " + it->second + " typed the code of slot " + w[1] + typed(before);
    }
    if (c == "type-person") {
      const std::string suffix = w.size() > 2 ? w[2] : "#";
      if (w.size() < 2 || !suffix_ok(suffix)) return "error usage: type-person NAME [#|*0#]";
      if (!known_person(w[1])) return "error no person " + w[1] + " in scenario " + state_.header().scenario;
      const uint64_t before = vl_.bolt().unlocks();
      type_person(w[1], suffix);
      return "ok " + w[1] + " typed their code" + typed(before);
    }
    if (c == "enroll-person") {
      if (w.size() < 2 || (w.size() > 2 && w[2] != "once")) return "error usage: enroll-person NAME [once]";
      if (!known_person(w[1]))
        return "error no person " + w[1] + " in scenario " + state_.header().scenario +
               " (a visitor's name is 1 to 16 letters, digits, '.', '_' or '-')";
      if (!room_for_visitor(w[1]))
        return "error this virtual lock already has " + std::to_string(kMaxVisitors) + " visitors";
      const uint8_t st = vl_.lock().enroll_state();
      if (st != wire::kEnrollWaitFirst && st != wire::kEnrollWaitSecond)
        return "error the lock is not waiting for an enrollment";
      type_person(w[1], "#");
      if (w.size() > 2) return std::string("ok typed once; enrollment ") + name_of_enroll(vl_.lock().enroll_state());
      if (vl_.lock().enroll_state() == wire::kEnrollWaitSecond) type_person(w[1], "#");
      const uint8_t after = vl_.lock().enroll_state();
      if (after != wire::kEnrollCommitted) return std::string("error enrollment ") + name_of_enroll(after);
      // Which slot: the one the session reports.
      uint8_t out[64];
      vl_.lock().handle(wire::kCmdGetSession, nullptr, 0, out, sizeof out);
      wire::SessionResponse s;
      std::memcpy(&s, out, sizeof s);
      state_.header().owners[s.enroll_slot] = w[1];
      return "ok " + w[1] + " enrolled in slot " + std::to_string(s.enroll_slot);
    }
    if (c == "open-session" || c == "confirm") {
      const int slot = admin_slot();
      if (slot < 0) return "error no admin of this scenario holds a slot";
      type_person(state_.header().owners[static_cast<uint16_t>(slot)], c == "confirm" ? "#" : "*0#");
      if (c == "confirm") return std::string("ok confirmation ") + name_of_confirm(vl_.lock().confirm_state());
      return std::string("ok session ") + name_of_session(vl_.lock().session_state());
    }
    if (c == "arm-session") {  // 1.4: arms the control's own channel (0), as a host's ARM_SESSION would
      const auto r = vl_.call(wire::kCmdArmSession);
      return r.error ? "error the lock refused to arm (code " + std::to_string(r.error) + ")" : std::string("ok armed");
    }
    if (c == "deny") {
      vl_.keypad("*#");
      return std::string("ok confirmation ") + name_of_confirm(vl_.lock().confirm_state());
    }
    if (c == "battery") {
      if (!num(1, v) || v < 0 || v > 9000) return "error usage: battery MILLIVOLTS (0-9000)";
      vl_.battery().set(static_cast<uint16_t>(v));
      vl_.poll();
      return "ok battery " + w[1] + " mV (" + name_of_battery(vl_.lock().battery_state()) + ")";
    }
    if (c == "clock-drift") {
      if (!num(1, v) || v < -86400 || v > 86400) return "error usage: clock-drift SECONDS_PER_DAY (e.g. +90)";
      vl_.rtc().set_drift(static_cast<double>(v));
      return "ok rtc drifts " + std::to_string(v) + " s/day";
    }
    if (c == "clock-jump") {
      if (!num(1, v)) return "error usage: clock-jump +-SECONDS";
      vl_.rtc().jump(v);
      return "ok rtc moved " + std::to_string(v) + " s";
    }
    if (c == "clock-lose") {
      vl_.rtc().lose();
      return "ok rtc not set";
    }
    if (c == "set-time") {
      if (!num(1, v) || v < 0 || v > 0xFFFFFFFFll) return "error usage: set-time UTC_SECONDS";
      vl_.rtc().set(static_cast<uint32_t>(v));
      return "ok rtc " + w[1];
    }
    if (c == "advance") {
      if (!num(1, v) || v < 0 || v > 400ll * 86400) return "error usage: advance SECONDS (0 to 400 days)";
      vl_.advance_ms(static_cast<uint64_t>(v) * 1000u);
      return "ok advanced " + w[1] + " s";
    }
    if (c == "time") {
      std::ostringstream o;
      o << "ok world_utc=" << vl_.clock().world_utc_ms() / 1000 << " rtc=" << (vl_.rtc().is_set() ? "set" : "not-set")
        << " rtc_value=" << vl_.rtc().now() << " drift_s_per_day=" << vl_.rtc().drift();
      return o.str();
    }
    if (c == "key-override") {
      vl_.lock().key_override();
      return "ok mechanical key turned";
    }
    if (c == "tamper") {
      vl_.lock().tamper();
      return "ok tamper switch tripped";
    }
    if (c == "wet-keypad") {
      if (w.size() != 2 || (w[1] != "on" && w[1] != "off")) return "error usage: wet-keypad on|off";
      vl_.set_wet(w[1] == "on");
      return "ok wet keypad " + w[1];
    }
    if (c == "power-cut") {
      power_cut_ = true;
      return "ok power cut; start lockfw-sim again with the same --state to power the lock on";
    }
    if (c == "power-cut-after") {
      if (!num(1, v) || v < 1) return "error usage: power-cut-after N (flash program/erase operations)";
      flash_.cut_after(v - 1, static_cast<uint64_t>(v) * 7919u);
      return "ok power goes at flash operation " + w[1] + " from now";
    }
    if (c == "power-cycle") {
      const bool ok = vl_.power_cycle();
      return ok ? "ok power cycled; rtc not set" : "error power cycled but storage failed to mount";
    }
    if (c == "status") {
      Lock& l = vl_.lock();
      std::ostringstream o;
      o << "ok session=" << name_of_session(l.session_state()) << " enroll=" << name_of_enroll(l.enroll_state())
        << " confirm=" << name_of_confirm(l.confirm_state()) << " locked_out=" << (l.locked_out() ? 1 : 0)
        << " factory=" << (l.factory_state() ? 1 : 0) << " battery_mv=" << vl_.battery().millivolts()
        << " battery=" << name_of_battery(l.battery_state()) << " rtc=" << (vl_.rtc().is_set() ? "set" : "not-set")
        << " wet=" << (vl_.wet() ? 1 : 0) << " unlocks=" << vl_.bolt().unlocks()
        << " event_head=" << l.events().head_seq() << " storage=" << (l.storage_ok() ? "ok" : "failed")
        << " scenario=" << state_.header().scenario;
      return o.str();
    }
    if (c == "persons") {
      std::string r = "ok";
      for (const auto& p : scenario_persons(state_.header().scenario)) {
        int slot = -1;
        for (const auto& [s, name] : state_.header().owners)
          if (name == p.name) slot = s;
        r += " " + p.name + "=" + (slot >= 0 ? std::to_string(slot) : std::string("-"));
      }
      for (const auto& [s, name] : state_.header().owners)  // visitors, by the slot they hold
        if (is_visitor_name(state_.header().scenario, name)) r += " " + name + "=" + std::to_string(s);
      return r;
    }
    return "error unknown command '" + c + "'; " + kHelp;
  }

  VirtualLock& vl_;
  StateFile& state_;
  FlashSim& flash_;
  bool power_cut_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lockfw-sim: a virtual keypad lock serving its USB service port on a Unix socket"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", "lockfw-sim " LOCKDIAG_VERSION " (service protocol " +
                                        std::to_string(lockfw::wire::kProtocolMajor) + "." +
                                        std::to_string(lockfw::wire::kProtocolMinor) + ")");
  std::string socket_path, state_path, scenario;
  bool list = false;
  app.add_option("--socket", socket_path, "Unix socket to serve the service port on (control: PATH.ctl)");
  app.add_option("--state", state_path, "file holding the lock's flash and provisioning (created if missing)");
  app.add_option("--scenario", scenario, "start a new state file from a realistic scenario (see --list-scenarios)");
  app.add_flag("--list-scenarios", list, "list the scenarios and exit");
  bool lock_wide_sessions = false;
  app.add_flag("--lock-wide-sessions", lock_wide_sessions,
               "behave like a 1.3 lock: the service session is the whole lock's (default: protocol 1.4, a session "
               "belongs to the channel that armed it)");
  auto* ctl = app.add_subcommand("ctl",
                                 "act on a running virtual lock's physical world (keypad, battery, clock, power)");
  std::string ctl_socket;
  std::vector<std::string> words;
  ctl->add_option("--socket", ctl_socket, "the lock's service socket (the control socket is PATH.ctl)")->required();
  ctl->add_option("command", words, "command and arguments; 'help' lists them")->required();
  ctl->prefix_command();
  CLI11_PARSE(app, argc, argv);

  if (ctl->parsed()) {
    std::vector<std::string> rest = ctl->remaining();
    words.insert(words.end(), rest.begin(), rest.end());
    return control_client(ctl_socket, words);
  }
  if (list) {
    for (const auto& s : scenarios()) std::printf("%-24s %s\n", s.name.c_str(), s.description.c_str());
    return 0;
  }
  if (socket_path.empty() || state_path.empty()) {
    std::fprintf(stderr, "lockfw-sim: --socket and --state are required (or: lockfw-sim ctl ...)\n");
    return 2;
  }
  if (!scenario.empty() && !is_scenario(scenario)) {
    std::fprintf(stderr, "lockfw-sim: unknown scenario '%s' (see --list-scenarios)\n", scenario.c_str());
    return 2;
  }

  const DeviceConfig geometry{};
  constexpr uint32_t kBlockSize = 4096;
  const uint32_t blocks = geometry.event_first_block + geometry.event_blocks;
  bool created = false;
  auto state = StateFile::open(state_path, kBlockSize, blocks, created);
  if (!state) {
    std::fprintf(stderr, "lockfw-sim: %s\n", state.error().c_str());
    return 1;
  }
  SimHeader& header = state->header();
  if (created) {
    header.scenario = scenario.empty() ? "fresh" : scenario;
  } else if (!scenario.empty() && scenario != header.scenario) {
    std::fprintf(stderr, "lockfw-sim: %s was started from scenario '%s', not '%s' (use a new --state file)\n",
                 state_path.c_str(), header.scenario.c_str(), scenario.c_str());
    return 1;
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);

  static const DeviceConfig config = [&] {
    DeviceConfig c = scenario_config(header.scenario);
    c.channel_sessions = !lock_wide_sessions;
    return c;
  }();
  FlashSim flash(kBlockSize, blocks, state->flash());
  SimClock clock(false, system_utc_ms() + header.world_offset_ms);
  SocketServer server;
  // The code-hash key lives next to the state image, never inside it (docs/firmware.md, "Secret store").
  FileSecretStore secrets(FileSecretStore::path_for(state_path));
  VirtualLock vl(VirtualLock::Options{config, header.serial, 0, &secrets}, clock, flash, server.port());
  if (!created) {
    vl.rtc().restore(header.rtc);
    vl.battery().set(header.battery_mv);
    vl.set_wet(header.wet);
  }
  if (!vl.boot())
    std::fprintf(stderr, "lockfw-sim: the flash image did not mount; the lock reports a storage failure\n");
  if (vl.lock().storage_ok() && !vl.lock().secret_ok()) {
    // Refuse to start: a lock that cannot check any code is useless and would only confuse.
    std::fprintf(stderr,
                 "lockfw-sim: %s holds codes but its key file %s is %s: no code can be checked. Restore the "
                 "key file that belongs to this state image, or start with a new --state file.\n",
                 state_path.c_str(), secrets.path().c_str(),
                 secrets.exists() ? "not readable or not a key file" : "missing");
    return 1;
  }
  // Manufacture on the first start: device key + TEST-ONLY certificate (docs/firmware.md).
  if (vl.lock().storage_ok())
    if (const std::string w = provision_sim(vl, state_path + ".devcert", static_cast<uint64_t>(system_utc_ms() / 1000));
        !w.empty())
      std::fprintf(stderr, "lockfw-sim: %s\n", w.c_str());
  if (created && header.scenario != "fresh") {
    std::string why;
    if (!build_scenario(header.scenario, vl, header.owners, why)) {
      std::fprintf(stderr, "lockfw-sim: scenario %s failed: %s\n", header.scenario.c_str(), why.c_str());
      state->save_header();
      return 1;
    }
  }
  SimControl control(vl, *state, flash);
  control.save();
  // A power cut in the middle of a flash operation: the process dies there, like the lock.
  flash.on_cut = [&] {
    header.rtc = HostRtc::Saved{false, 0, 0, vl.rtc().drift()};
    state->save_header();
    state->sync();
    _exit(0);
  };

  if (auto ok = server.listen(socket_path); !ok) {
    std::fprintf(stderr, "lockfw-sim: %s\n", ok.error().c_str());
    return 1;
  }
  SimAnnouncement announcement(header.serial, socket_path);  // lockdiag devices finds it
  ControlServer ctl_server;
  if (auto ok = ctl_server.listen(control_socket_path(socket_path)); !ok) {
    std::fprintf(stderr, "lockfw-sim: %s\n", ok.error().c_str());
    return 1;
  }
  std::fprintf(stderr, "lockfw-sim: serial %s (%s) serving on %s, control on %s\n", header.serial.c_str(),
               header.scenario.c_str(), socket_path.c_str(), control_socket_path(socket_path).c_str());

  HostRtc::Saved last_rtc = vl.rtc().save();
  server.run([&](const uint8_t* r) { vl.port().on_report(r); },
             [&] {
               vl.poll();
               const HostRtc::Saved now = vl.rtc().save();
               if (now.set != last_rtc.set || now.base_s != last_rtc.base_s || now.drift != last_rtc.drift) {
                 control.save();
                 last_rtc = now;
               }
             },
             g_stop, 5, [&](std::vector<pollfd>& fds) { ctl_server.fds(fds); },
             [&](const pollfd& p) {
               ctl_server.ready(p, [&](const std::string& line) { return control.handle(line); });
               if (control.power_cut_requested()) {
                 header.rtc = HostRtc::Saved{false, 0, 0, vl.rtc().drift()};
                 state->save_header();
                 state->sync();
                 _exit(0);
               }
             });
  control.save();
  return 0;
}
