// lockfw-sim as a process: scenarios, the control interface, persistence across runs and
// power cuts, and a scan of everything it writes, prints or sends for the scenarios' code
// values (there must be none).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "leak_scan.h"
#include "lockfw/wire.h"
#include "scenario.h"

extern char** environ;

namespace fs = std::filesystem;
using namespace lockfw::wire;

namespace {

fs::path bin_dir() {
  const char* d = std::getenv("LOCKDIAG_BIN_DIR");
  REQUIRE_MESSAGE(d != nullptr, "LOCKDIAG_BIN_DIR is not set");
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream o;
  o << in.rdbuf();
  return o.str();
}

// Everything the simulator produced, for the leak scan.
struct Outputs {
  std::string all;
  void add(const std::string& s) { all += s; }
  void add(const std::vector<uint8_t>& v) { all.append(v.begin(), v.end()); }
};

class Sim {
 public:
  Sim(fs::path dir, std::vector<std::string> extra) : dir_(std::move(dir)) {
    fs::create_directories(dir_);
    sock_ = (dir_ / "lock.sock").string();
    state_ = (dir_ / "lock.state").string();
    start(std::move(extra));
  }
  ~Sim() { stop(); }

  void start(std::vector<std::string> extra) {
    std::vector<std::string> args{(bin_dir() / "lockfw-sim").string(), "--socket", sock_, "--state", state_};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    const std::string out = (dir_ / ("sim-" + std::to_string(runs_) + ".log")).string();
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    ++runs_;
    REQUIRE(posix_spawn(&pid_, args[0].c_str(), &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 1500; ++i) {
      if (fs::exists(sock_ + ".ctl")) return;
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        FAIL("lockfw-sim exited at start: " << slurp(out));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("lockfw-sim did not start");
  }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = -1;
  }
  // Waits for the process to end by itself (after a power cut).
  bool wait_exit() {
    for (int i = 0; i < 500 && pid_ > 0; ++i) {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) pid_ = -1;
      else std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pid_ <= 0;
  }
  void clean_sockets() {
    fs::remove(sock_);
    fs::remove(sock_ + ".ctl");
  }

  // `lockfw-sim ctl --socket ... words`: exit code and output.
  int ctl(const std::string& words, std::string* out = nullptr) {
    const std::string cmd = (bin_dir() / "lockfw-sim").string() + " ctl --socket " + sock_ + " " + words + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string o;
    char buf[512];
    while (size_t n = fread(buf, 1, sizeof buf, p)) o.append(buf, n);
    const int st = pclose(p);
    outputs.add(o);
    if (out) *out = o;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  std::string ctl_ok(const std::string& words) {
    std::string o;
    const int rc = ctl(words, &o);
    INFO(words << " -> " << o);
    CHECK(rc == 0);
    CHECK(o.rfind("ok", 0) == 0);
    return o;
  }

  void collect_files() {
    outputs.add(slurp(state_));
    for (int i = 0; i < runs_; ++i) outputs.add(slurp(dir_ / ("sim-" + std::to_string(i) + ".log")));
  }

  const std::string& sock() const { return sock_; }
  const std::string& state() const { return state_; }
  Outputs outputs;

 private:
  fs::path dir_;
  std::string sock_, state_;
  pid_t pid_ = -1;
  int runs_ = 0;
};

// A deliberately small host side of the wire: INIT, then one request at a time.
class Port {
 public:
  explicit Port(const std::string& path, Outputs& out) : out_(out) {
    fd_ = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    uint8_t nonce[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    auto r = exchange(kBroadcastCid, kCmdInit, nonce, 8);
    REQUIRE(r.size() == sizeof(InitResponse));
    InitResponse ir{};
    std::memcpy(&ir, r.data(), sizeof ir);
    cid_ = ir.cid;
  }
  ~Port() { ::close(fd_); }

  std::vector<uint8_t> call(uint8_t cmd, const void* req = nullptr, size_t len = 0, uint8_t* error = nullptr) {
    auto r = exchange(cid_, cmd, static_cast<const uint8_t*>(req), len);
    if (error) *error = last_cmd_ == kCmdError ? r[0] : 0;
    return r;
  }
  template <typename T>
  std::vector<uint8_t> call(uint8_t cmd, const T& req, uint8_t* error = nullptr) {
    return call(cmd, &req, sizeof req, error);
  }

 private:
  std::vector<uint8_t> exchange(uint32_t cid, uint8_t cmd, const uint8_t* data, size_t len) {
    REQUIRE(len <= kInitDataSize);
    uint8_t rep[kReportSize] = {};
    std::memcpy(rep, &cid, 4);
    rep[4] = static_cast<uint8_t>(cmd | kInitFlag);
    rep[5] = static_cast<uint8_t>(len);
    rep[6] = static_cast<uint8_t>(len >> 8);
    if (len) std::memcpy(rep + 7, data, len);
    REQUIRE(::send(fd_, rep, sizeof rep, 0) == static_cast<ssize_t>(sizeof rep));
    std::vector<uint8_t> msg;
    size_t want = 0;
    bool started = false;
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      REQUIRE(::poll(&p, 1, 5000) == 1);
      uint8_t in[kReportSize];
      REQUIRE(::recv(fd_, in, sizeof in, 0) == static_cast<ssize_t>(kReportSize));
      out_.add(std::vector<uint8_t>(in, in + kReportSize));
      uint32_t rcid;
      std::memcpy(&rcid, in, 4);
      if (rcid != cid) continue;
      if (!started) {
        REQUIRE((in[4] & kInitFlag) != 0);
        last_cmd_ = in[4] & 0x7F;
        want = in[5] | (in[6] << 8);
        msg.assign(in + 7, in + 7 + std::min<size_t>(want, kInitDataSize));
        started = true;
      } else {
        msg.insert(msg.end(), in + 5, in + 5 + std::min<size_t>(want - msg.size(), kContDataSize));
      }
      if (msg.size() >= want) return msg;
    }
  }
  Outputs& out_;
  int fd_ = -1;
  uint32_t cid_ = 0;
  uint8_t last_cmd_ = 0;
};

struct Ev {
  uint32_t seq;
  uint8_t type;
  int slot;
  uint8_t extra;
};

std::vector<Ev> read_events(Port& port) {
  std::vector<Ev> out;
  uint32_t from = 0;
  for (;;) {
    uint8_t err = 0;
    auto page = port.call(kCmdReadEvents, ReadEventsRequest{from, 0, 0}, &err);
    REQUIRE(err == 0);
    ReadEventsResponseHead h{};
    std::memcpy(&h, page.data(), sizeof h);
    const uint8_t* p = page.data() + sizeof h;
    auto leb = [&p] {
      uint32_t v = 0;
      int s = 0;
      for (;;) {
        const uint8_t b = *p++;
        v |= static_cast<uint32_t>(b & 0x7F) << s;
        if (!(b & 0x80)) return v;
        s += 7;
      }
    };
    for (uint16_t i = 0; i < h.count; ++i) {
      const uint8_t b = *p++;
      leb();
      Ev e{h.first_seq + i, static_cast<uint8_t>(b & 0x3F), -1, 0};
      if (b & kEvHasSlot) e.slot = static_cast<int>(leb());
      if (b & kEvHasExtra) e.extra = *p++;
      out.push_back(e);
    }
    REQUIRE(p == page.data() + page.size());
    if (!(h.flags & kEventsMore)) return out;
    from = h.first_seq + h.count;
  }
}

// The slot table as a 1.1 host reads it: compact records, decoded with wire.h's reader.
std::vector<SlotRecordFields> read_slots(Port& port) {
  std::vector<SlotRecordFields> out;
  for (uint16_t start = 0; start != kNoMoreSlots;) {
    uint8_t err = 0;
    auto page = port.call(kCmdReadSlots, ReadSlotsRequest{start, 0, kSlotFormatCompact, 0}, &err);
    REQUIRE(err == 0);
    ReadSlotsResponseHead h{};
    REQUIRE(page.size() >= sizeof h);
    std::memcpy(&h, page.data(), sizeof h);
    REQUIRE(+h.format == kSlotFormatCompact);
    const uint8_t* p = page.data() + sizeof h;
    const uint8_t* end = page.data() + page.size();
    CompactSlotCursor cursor{start, 0};
    for (int i = 0; i < h.count; ++i) {
      SlotRecordFields s{};
      REQUIRE(read_compact_slot(p, end, cursor, s) == CompactSlotStatus::kOk);
      out.push_back(s);
    }
    REQUIRE(p == end);
    start = h.next_index;
  }
  return out;
}

// Opens an enrollment for `slot` with `role`; the test stops if the lock refuses.
void open_enrollment(Port& port, uint16_t slot, uint8_t role) {
  OpenEnrollmentRequest rq{};
  rq.slot = slot;
  rq.role = role;
  uint8_t err = 1;
  port.call(kCmdOpenEnrollment, rq, &err);
  REQUIRE(err == 0);
}

StatusResponse status(Port& port) {
  StatusResponse s{};
  auto r = port.call(kCmdGetStatus);
  std::memcpy(&s, r.data(), sizeof s);
  return s;
}

int count(const std::vector<Ev>& ev, uint8_t type, int reason = -1) {
  int n = 0;
  for (const auto& e : ev)
    if (e.type == type && (reason < 0 || (e.extra & kReasonMask) == reason)) ++n;
  return n;
}

// No code value of the scenario anywhere in what was collected.
void scan_for_codes(const std::string& scenario, const Outputs& out) {
  const auto codes = lockfw::host::scenario_code_values(scenario);
  REQUIRE(codes.size() >= 10);
  REQUIRE(out.all.size() > 100000);  // the flash image at least
  // The scanner itself works: a planted code is found, one inside a longer number is not (the
  // outputs hold clock times and sequence numbers; a code's digits inside one are no leak).
  REQUIRE(lockdiag::test::scan_for_codes("xx" + codes[0] + "yy", {codes[0]}, "planted").size() == 1);
  REQUIRE(lockdiag::test::scan_for_codes("17" + codes[0] + "00", {codes[0]}, "in a number").empty());
  for (const auto& c : codes) CHECK(c.size() >= 6);
  const auto hits = lockdiag::test::scan_for_codes(out.all, codes, "lockfw-sim's outputs and image");
  for (const auto& h : hits)
    FAIL_CHECK("a " << h.code_length << " of scenario " << scenario << " leaked at " << h.offset);
  CHECK(hits.empty());
}

fs::path scratch(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("lockfw-sim-test-" + std::to_string(getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

}  // namespace

TEST_CASE("every scenario starts, reads back as described, and leaks no code value") {
  for (const auto& info : lockfw::host::scenarios()) {
    const std::string name = info.name;
    CAPTURE(name);
    const fs::path dir = scratch(name);
    {
      Sim sim(dir, {"--scenario", name});
      Port port(sim.sock(), sim.outputs);
      sim.ctl_ok("status");
      sim.ctl_ok("persons");
      sim.ctl_ok("time");
      CapabilitiesResponse caps{};
      auto c = port.call(kCmdGetCapabilities);
      std::memcpy(&caps, c.data(), sizeof caps);
      CHECK(+caps.slot_count == 250);
      CHECK(+caps.event_capacity == 10000);
      const bool factory = name == "fresh" || name == "post-reset";
      StatusResponse st = status(port);
      CHECK(((st.flags & kStatusFactoryState) != 0) == factory);
      if (!factory) {
        // On marginal batteries the keypad loses keys: the admin may have to try again.
        for (int i = 0; i < 30 && port.call(kCmdGetSession)[0] != kSessionOpen; ++i) {
          if (i) sim.ctl_ok("advance 130");  // wait out a lockout the lost keys may have caused
          port.call(kCmdArmSession);  // 1.4: the session is for the channel that armed it
          CHECK(sim.ctl("open-session") == 0);
        }
        REQUIRE(+port.call(kCmdGetSession)[0] == kSessionOpen);
      } else {
        CHECK(sim.ctl("open-session") != 0);  // nobody holds an admin slot
      }
      st = status(port);
      uint8_t err = 0;
      port.call(kCmdReadEvents, ReadEventsRequest{0, 0, 0}, &err);
      CHECK(err == (factory ? kErrFactoryAdminOnly : 0));  // factory state: admin enrollment only
      const auto ev = factory ? std::vector<Ev>{} : read_events(port);
      if (!factory) CHECK(count(ev, kEvPowerOn) >= 1);
      auto fp = port.call(kCmdGetFingerprint, nullptr, 0, &err);
      CHECK(err == (factory ? kErrFactoryAdminOnly : 0));
      if (factory) CHECK((st.flags & kStatusWithheld) == 0);  // the factory session shows status
      if (name == "occupied-rental") {
        CHECK(ev.size() >= 2500);
        CHECK(ev.size() <= 3500);
        CHECK(count(ev, kEvWrongCode) >= 10);
        CHECK(count(ev, kEvLockoutStart) >= 1);
        CHECK(count(ev, kEvLockoutEnd) >= 1);
        CHECK(count(ev, kEvUnlockCode) >= 2000);
        const auto slots = read_slots(port);
        CHECK(slots.size() == 8);
        int admins = 0, users = 0, guests = 0, expired = 0;
        for (const auto& s : slots) {
          admins += role_of(s.role_kind) == kRoleAdmin;
          users += role_of(s.role_kind) == kRoleUser;
          guests += role_of(s.role_kind) == kRoleGuest;
          expired += (s.flags & kSlotExpired) != 0;
        }
        CHECK(admins == 1);
        CHECK(users == 3);
        CHECK(guests == 4);
        CHECK(expired == 2);
        CHECK((st.flags & kStatusClockSet) != 0);
      }
      if (name == "marginal-battery") {
        CHECK(+st.battery_state == kBatteryLow);
        CHECK(+st.battery_mv == 4150);
      }
      if (name == "clock-lost") {
        CHECK((st.flags & kStatusClockSet) == 0);
        std::string o;
        sim.ctl("type-code 6", &o);  // guest with a date range: refused, clock not set
        CHECK(o.find("unlocked") == std::string::npos);
        sim.ctl_ok("type-code 1");   // persistent user: fine
        CHECK(count(read_events(port), kEvRejected, kReasonClockNotSet) == 1);
      }
      if (name == "interrupted-enrollment") {
        CHECK(count(ev, kEvEnrollAborted, kReasonPowerLost) == 1);
        for (const auto& s : read_slots(port)) CHECK(+s.index != 8);
      }
      if (name == "retained-after-reset") {
        CHECK((caps.features & kFeatureRetainsCodesOnReset) != 0);
        CHECK(count(ev, kEvFactoryReset) == 1);
        int retained = 0;
        for (const auto& s : read_slots(port)) retained += (s.flags & kSlotRetainedAcrossReset) != 0;
        CHECK(retained == 4);
      }
      // Everyone who holds a slot types their code once.
      for (const auto& p : lockfw::host::scenario_persons(name))
        if (p.slot >= 0 && name != "post-reset") sim.ctl("type-code " + std::to_string(p.slot));
      if (name == "occupied-rental") {
        std::string o;
        sim.ctl("type-code 1", &o);
        CHECK(o.find("bolt unlocked") != std::string::npos);
        sim.ctl("type-code 4", &o);  // expired guest
        CHECK(o.find("bolt unlocked") == std::string::npos);
      }
      sim.stop();
      sim.collect_files();
      scan_for_codes(name, sim.outputs);
    }
    fs::remove_all(dir);
  }
}

TEST_CASE("control interface: errors, physical world, enrollment by a person, persistence and power cuts") {
  const fs::path dir = scratch("ctl");
  Sim sim(dir, {"--scenario", "fresh"});
  std::string o;
  CHECK(sim.ctl("no-such-command", &o) == 1);
  CHECK(o.rfind("error", 0) == 0);
  CHECK(sim.ctl("keypad 12a4#") == 1);
  CHECK(sim.ctl("battery lots") == 1);
  CHECK(sim.ctl("type-code 0") == 1);  // nobody holds slot 0 yet
  CHECK(sim.ctl("enroll-person owner") == 1);  // no enrollment open
  CHECK(sim.ctl("enroll-person stranger") == 1);
  sim.ctl_ok("help");

  std::string serial;
  {
    Port port(sim.sock(), sim.outputs);
    auto id = port.call(kCmdGetIdentity);
    IdentityResponse ir{};
    std::memcpy(&ir, id.data(), sizeof ir);
    serial = ir.serial;
    // Factory onboarding: the owner enrolls as admin at the keypad.
    OpenEnrollmentRequest rq{};
    rq.slot = 0;
    rq.role = kRoleAdmin;
    uint8_t err = 1;
    port.call(kCmdOpenEnrollment, rq, &err);
    REQUIRE(err == 0);
    CHECK(sim.ctl_ok("enroll-person owner").find("slot 0") != std::string::npos);
    CHECK(+port.call(kCmdGetSession)[0] == kSessionOpen);
    SetClockRequest sc{1767225600u, 60, 0};
    port.call(kCmdSetClock, sc, &err);
    CHECK(err == 0);
    rq.slot = 3;
    rq.role = kRoleUser;
    port.call(kCmdOpenEnrollment, rq, &err);
    REQUIRE(err == 0);
    sim.ctl_ok("enroll-person alice");
    CHECK(sim.ctl_ok("type-code 3").find("bolt unlocked") != std::string::npos);
    CHECK(sim.ctl_ok("type-person alice").find("bolt unlocked") != std::string::npos);
    CHECK(sim.ctl_ok("keypad 000000#").find("bolt unlocked") == std::string::npos);
    // Delete with confirmation from the keypad.
    port.call(kCmdDeleteSlot, SlotRequest{3, 0}, &err);
    REQUIRE(err == 0);
    CHECK(sim.ctl_ok("deny").find("denied") != std::string::npos);
    port.call(kCmdDeleteSlot, SlotRequest{3, 0}, &err);
    CHECK(sim.ctl_ok("confirm").find("done") != std::string::npos);
    CHECK(sim.ctl("type-code 3") == 0);  // the person still exists; the lock no longer opens
    rq.slot = 3;
    port.call(kCmdOpenEnrollment, rq, &err);
    sim.ctl_ok("enroll-person alice");

    // Physical world.
    sim.ctl_ok("battery 3900");
    CHECK(+status(port).battery_state == kBatteryCritical);
    CHECK(sim.ctl_ok("type-code 3").find("bolt unlocked") == std::string::npos);  // no bolt at critical
    sim.ctl_ok("battery 5800");
    sim.ctl_ok("key-override");
    sim.ctl_ok("tamper");
    CHECK((status(port).flags & kStatusTamper) != 0);
    sim.ctl_ok("wet-keypad on");
    sim.ctl_ok("wet-keypad off");
    std::string t0 = sim.ctl_ok("time");
    SetClockRequest now{static_cast<uint32_t>(std::stoll(t0.substr(t0.find("world_utc=") + 10))), 60, 0};
    port.call(kCmdSetClock, now, &err);
    REQUIRE(err == 0);
    sim.ctl_ok("clock-drift +90");
    sim.ctl_ok("advance 86400");  // a day later the lock is 90 s fast
    port.call(kCmdArmSession);  // 1.4: the session is for the channel that armed it
    sim.ctl_ok("open-session");
    const StatusResponse st = status(port);
    std::string t = sim.ctl_ok("time");
    const long long world = std::stoll(t.substr(t.find("world_utc=") + 10));
    CHECK(std::llabs(static_cast<long long>(st.clock_utc) - world - 90) <= 2);
    sim.ctl_ok("set-time 1767225600");
    sim.ctl_ok("clock-lose");
    port.call(kCmdArmSession);  // 1.4: the session is for the channel that armed it
    sim.ctl_ok("open-session");
    CHECK((status(port).flags & kStatusClockSet) == 0);
    const auto ev = read_events(port);
    CHECK(count(ev, kEvKeyOverride) == 1);
    CHECK(count(ev, kEvTamper) == 1);
    CHECK(count(ev, kEvCodeDeleted) == 1);
    CHECK(count(ev, kEvBatteryCritical) == 1);
  }

  // Power cut in the middle of an enrollment: the process dies; the restart logs the abort.
  {
    Port port(sim.sock(), sim.outputs);
    port.call(kCmdArmSession);  // 1.4: the session is for the channel that armed it
    sim.ctl_ok("open-session");
    open_enrollment(port, 5, kRoleGuest);
    sim.ctl_ok("enroll-person new-guest once");
    sim.ctl_ok("power-cut-after 1");  // the next flash write (the commit) loses power
    CHECK(sim.ctl("enroll-person new-guest once") != 0);
  }
  REQUIRE(sim.wait_exit());
  sim.clean_sockets();
  sim.start({});
  {
    Port port(sim.sock(), sim.outputs);
    auto id = port.call(kCmdGetIdentity);
    IdentityResponse ir{};
    std::memcpy(&ir, id.data(), sizeof ir);
    CHECK(std::string(ir.serial) == serial);  // the same lock
    port.call(kCmdArmSession);  // 1.4: the session is for the channel that armed it
    sim.ctl_ok("open-session");
    CHECK((status(port).flags & kStatusClockSet) == 0);  // power lost: clock lost
    const auto ev = read_events(port);
    CHECK(count(ev, kEvEnrollAborted, kReasonPowerLost) == 1);
    CHECK(count(ev, kEvKeyOverride) == 1);  // the log survived
    for (const auto& s : read_slots(port)) CHECK(+s.index != 5);
    CHECK(sim.ctl_ok("type-code 3").find("bolt unlocked") != std::string::npos);
    // A plain power cut, then a graceful stop and restart keep everything.
    sim.ctl_ok("power-cycle");
  }
  sim.ctl_ok("power-cut");
  REQUIRE(sim.wait_exit());
  sim.clean_sockets();
  sim.start({"--scenario", "fresh"});  // same scenario: accepted
  CHECK(sim.ctl_ok("type-code 3").find("bolt unlocked") != std::string::npos);
  sim.stop();
  sim.start({});
  CHECK(sim.ctl_ok("status").find("scenario=fresh") != std::string::npos);
  sim.stop();
  sim.collect_files();
  scan_for_codes("fresh", sim.outputs);
  fs::remove_all(dir);
}

TEST_CASE("visitors: a name the scenario does not have enrolls with a code of its own") {
  using lockfw::host::is_visitor_name;
  using lockfw::host::scenario_person_code;
  CHECK(is_visitor_name("occupied-rental", "Anna-tenant"));
  CHECK_FALSE(is_visitor_name("occupied-rental", "alice"));  // a scenario person
  CHECK_FALSE(is_visitor_name("occupied-rental", "Anna tenant"));
  CHECK_FALSE(is_visitor_name("occupied-rental", "a-name-far-too-long"));
  CHECK_FALSE(is_visitor_name("no-such-scenario", "anna"));
  const std::string anna = scenario_person_code("occupied-rental", "anna");
  CHECK(anna.size() == 7);
  CHECK(anna == scenario_person_code("occupied-rental", "anna"));  // the same at every run
  CHECK(anna != scenario_person_code("occupied-rental", "bert"));
  for (const auto& c : lockfw::host::scenario_code_values("occupied-rental")) {
    CHECK(c.find(anna) == std::string::npos);
    CHECK(anna.find(c) == std::string::npos);
  }

  const fs::path dir = scratch("visitor");
  Sim sim(dir, {"--scenario", "fresh"});
  Port port(sim.sock(), sim.outputs);
  open_enrollment(port, 0, kRoleAdmin);
  sim.ctl_ok("enroll-person owner");
  open_enrollment(port, 4, kRoleUser);
  std::string o;
  CHECK(sim.ctl("enroll-person Anna+tenant", &o) == 1);
  CHECK(o.find("visitor's name") != std::string::npos);
  CHECK(sim.ctl_ok("enroll-person anna").find("slot 4") != std::string::npos);
  CHECK(sim.ctl_ok("type-code 4").find("bolt unlocked") != std::string::npos);
  CHECK(sim.ctl_ok("type-person anna").find("bolt unlocked") != std::string::npos);
  CHECK(sim.ctl_ok("persons").find(" anna=4") != std::string::npos);
}

TEST_CASE("a wet keypad garbles entries; a graceful restart keeps the clock and the log") {
  const fs::path dir = scratch("wet");
  Sim sim(dir, {"--scenario", "occupied-rental"});
  sim.ctl_ok("wet-keypad on");
  int unlocked = 0;
  for (int i = 0; i < 20; ++i) unlocked += sim.ctl_ok("type-code 1").find("bolt unlocked") != std::string::npos;
  CHECK(unlocked < 20);
  sim.ctl_ok("advance 3600");  // any lockout the phantom keys caused passes
  sim.ctl_ok("wet-keypad off");
  CHECK(sim.ctl_ok("type-code 1").find("bolt unlocked") != std::string::npos);
  uint32_t head = 0;
  {
    Port port(sim.sock(), sim.outputs);
    port.call(kCmdArmSession);  // 1.4: the session is for the channel that armed it
    sim.ctl_ok("open-session");
    head = status(port).event_head_seq;
  }
  sim.stop();
  sim.start({});
  {
    Port port(sim.sock(), sim.outputs);
    port.call(kCmdArmSession);  // 1.4: the session is for the channel that armed it
    sim.ctl_ok("open-session");
    const StatusResponse st = status(port);
    CHECK((st.flags & kStatusClockSet) != 0);
    CHECK(+st.event_head_seq > head);
    CHECK(sim.ctl_ok("persons").find("alice=1") != std::string::npos);
  }
  sim.stop();
  sim.collect_files();
  scan_for_codes("occupied-rental", sim.outputs);
  fs::remove_all(dir);
}

TEST_CASE("lockfw-sim refuses a state file from another scenario and a file that is not its own") {
  const fs::path dir = scratch("refuse");
  fs::create_directories(dir);
  {
    Sim sim(dir, {"--scenario", "marginal-battery"});
  }
  const std::string exe = (bin_dir() / "lockfw-sim").string();
  const std::string base = exe + " --socket " + (dir / "x.sock").string() + " --state ";
  CHECK(std::system((base + (dir / "lock.state").string() + " --scenario fresh >/dev/null 2>&1").c_str()) != 0);
  std::ofstream(dir / "notes.txt") << "my notes\n";
  CHECK(std::system((base + (dir / "notes.txt").string() + " >/dev/null 2>&1").c_str()) != 0);
  CHECK(slurp(dir / "notes.txt") == "my notes\n");
  CHECK(std::system((base + (dir / "n.state").string() + " --scenario nonsense >/dev/null 2>&1").c_str()) != 0);
  CHECK(std::system((exe + " --list-scenarios >/dev/null").c_str()) == 0);
  fs::remove_all(dir);
}
