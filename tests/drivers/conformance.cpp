// The transport conformance suite: the same checks against every transport that can reach a
// lock. Without LOCKDIAG_CONFORMANCE_URI it starts its own lockfw-sim (sim: is always there);
// the usbvm test runs it against hid: and usb: on a real kernel USB device.
#include <doctest/doctest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "lockdiag/drivers/client.h"
#include "lockdiag/drivers/discovery.h"
#include "lockfw/wire.h"

extern char** environ;

using namespace lockdiag::drivers;
namespace wire = lockfw::wire;
namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

namespace {

// A lockfw-sim child for the sim: run.
std::string bin_path(const char* name) {
  const char* bin_dir = std::getenv("LOCKDIAG_BIN_DIR");
  return std::string(bin_dir ? bin_dir : ".") + "/" + name;
}

// Runs a program to completion; true if it exited 0.
bool run(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return false;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

class Sim {
 public:
  explicit Sim(std::vector<std::string> extra = {}) : extra_(std::move(extra)) {
    char tmpl[] = "/tmp/lockdiag-conf-XXXXXX";
    dir_ = mkdtemp(tmpl);
    start();
  }
  ~Sim() {
    stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void start() {
    const std::string bin = bin_path("lockfw-sim");
    std::vector<std::string> args{bin, "--socket", socket(), "--state", (dir_ / "lock.state").string()};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string sock = socket();
    // No doctest macros here: this runs lazily inside the reporter too.
    if (posix_spawn(&pid_, bin.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
      std::fprintf(stderr, "conformance: cannot start %s\n", bin.c_str());
      std::abort();
    }
    std::string why;
    for (int i = 0; i < 1000; ++i) {
      auto t = open_transport(uri());
      if (t) return;
      why = t.error().message;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::fprintf(stderr, "conformance: lockfw-sim did not come up at %s: %s\n", sock.c_str(), why.c_str());
    std::abort();
  }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::string socket() const { return (dir_ / "lock.sock").string(); }
  std::string uri() const { return "sim:" + socket(); }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  std::vector<std::string> extra_;
};

std::unique_ptr<Sim> g_sim;  // stopped at exit

std::string target_uri() {
  if (const char* u = std::getenv("LOCKDIAG_CONFORMANCE_URI"); u && *u) return u;
  if (!g_sim) g_sim = std::make_unique<Sim>();
  return g_sim->uri();
}

std::string scheme() { return target_uri().substr(0, target_uri().find(':')); }

Result<Client> open_client(ClientOptions o = {}) {
  auto t = open_transport(target_uri());
  if (!t) return std::unexpected(t.error());
  return Client::open(std::move(*t), o);
}

}  // namespace

TEST_CASE("conformance: open allocates a channel and reads the identity") {
  const std::string uri = target_uri();
  INFO("uri: " << uri);
  auto c = open_client();
  REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
  CHECK(c->channel() != 0);
  CHECK(c->channel() != wire::kBroadcastCid);
  CHECK_FALSE(c->serial().empty());
  auto id = c->identity();
  REQUIRE(id);
  CHECK(id->protocol_major == wire::kProtocolMajor);
  CHECK(id->slot_count > 0);
  CHECK(id->event_capacity > 0);
  // the transport names itself with a URI that opens the same lock again
  CHECK(c->transport().describe().rfind(scheme() + ":", 0) == 0);
}

TEST_CASE("conformance: the open commands decode") {
  auto c = open_client();
  REQUIRE(c);
  auto st = c->status();
  REQUIRE(st);
  CHECK(st->battery_mv > 0);
  auto caps = c->capabilities();
  REQUIRE(caps);
  CHECK(caps->max_response >= 64);
  CHECK(caps->slot_count == c->slot_count());
  auto s = c->session();
  REQUIRE(s);
}

TEST_CASE("conformance: messages of every length cross the transport intact") {
  auto c = open_client();
  REQUIRE(c);
  for (size_t n : {0, 1, 56, 57, 58, 115, 116, 117, 200, 256}) {
    std::vector<uint8_t> data(n);
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(0xA5 ^ (i * 13) ^ n);
    auto echo = c->ping(data);
    INFO("length " << n);
    REQUIRE_MESSAGE(echo, (echo ? "" : echo.error().message));
    CHECK(*echo == data);
  }
}

TEST_CASE("conformance: many round trips, with their latency") {
  auto c = open_client();
  REQUIRE(c);
  const int n = 200;
  const auto t0 = SteadyClock::now();
  for (int i = 0; i < n; ++i) REQUIRE(c->status());
  const double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
  std::printf("conformance %s: %d status round trips, %.2f ms each\n", target_uri().c_str(), n, ms / n);
  // A bound against stalls (a lost wake-up costs a whole timeout), not a benchmark: loaded CI
  // machines and sanitizers are slow. bench_link measures the link.
  CHECK(ms / n < 200.0);
}

TEST_CASE("conformance: a read with nothing pending times out on time") {
  auto t = open_transport(target_uri());
  REQUIRE(t);
  const auto t0 = SteadyClock::now();
  auto r = (*t)->read(100);
  const auto took = SteadyClock::now() - t0;
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::kTimeout);
  CHECK(took >= std::chrono::milliseconds(90));
  CHECK(took < std::chrono::milliseconds(2000));  // returned, did not hang (generous for loaded machines)
}

TEST_CASE("conformance: stray and damaged traffic does not derail the client") {
  auto t = open_transport(target_uri());
  REQUIRE(t);
  Transport* raw = t->get();
  auto c = Client::open(std::move(*t));
  REQUIRE(c);
  // an init on a channel nobody allocated: the lock answers ERROR there, which we must ignore
  Report stray{};
  stray[0] = 0x11;
  stray[1] = 0x22;
  stray[2] = 0x33;
  stray[3] = 0x44;
  stray[4] = wire::kCmdGetStatus | wire::kInitFlag;
  REQUIRE(raw->write(stray));
  REQUIRE(c->identity());
  // a continuation on our own channel with no message started: the lock answers
  // INVALID_SEQUENCE on our channel; the client resyncs and carries on
  Report cont{};
  const uint32_t cid = c->channel();
  for (int i = 0; i < 4; ++i) cont[static_cast<size_t>(i)] = static_cast<uint8_t>(cid >> (8 * i));
  cont[4] = 3;
  REQUIRE(raw->write(cont));
  auto id = c->identity();
  REQUIRE_MESSAGE(id, (id ? "" : id.error().message));
  REQUIRE(c->status());
}

TEST_CASE("conformance: two programs on one lock do not interleave") {
  if (scheme() == "usb") {
    // libusb claims the interface: a second program is refused, plainly
    auto a = open_client();
    REQUIRE(a);
    auto b = open_transport(target_uri());
    REQUIRE_FALSE(b);
    CHECK(b.error().message.find("another program") != std::string::npos);
    return;
  }
  auto a = open_client();
  auto b = open_client();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->channel() != b->channel());
  for (int i = 0; i < 20; ++i) {
    std::vector<uint8_t> da(100, static_cast<uint8_t>(i)), db(70, static_cast<uint8_t>(0xF0 + i % 16));
    auto ea = a->ping(da);
    auto eb = b->ping(db);
    REQUIRE(ea);
    REQUIRE(eb);
    CHECK(*ea == da);
    CHECK(*eb == db);
  }
}

TEST_CASE("conformance: session-gated commands are refused with a clear error") {
  auto c = open_client();
  REQUIRE(c);
  auto s = c->session();
  REQUIRE(s);
  if (s->state != SessionState::kNone) return;  // a session is open at the lock: nothing to check
  auto r = c->read_slots();
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::kLockRefused);
  CHECK(r.error().lock_code == wire::kErrSessionRequired);
}

TEST_CASE("conformance: cancellation before the call") {
  auto c = open_client();
  REQUIRE(c);
  CancelToken t;
  t.cancel();
  auto r = c->read_events(0, {}, &t);
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::kCancelled);
  REQUIRE(c->status());
}

TEST_CASE("conformance: the lock goes away and comes back (sim)") {
  if (scheme() != "sim" || !g_sim) return;  // needs a lock this test can restart
  ClientOptions o;
  o.call_timeout_ms = 500;
  auto c = open_client(o);
  REQUIRE(c);
  const std::string serial = c->serial();
  g_sim->stop();
  auto r = c->status();
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::kDisconnected);
  g_sim->start();  // same state file: the same lock
  REQUIRE(c->reconnect(3000));
  CHECK(c->serial() == serial);
  REQUIRE(c->status());
}

TEST_CASE("conformance: paged reads of the real firmware in a service session") {
  // A lock with history whose service session is opened at its (virtual) keypad.
  std::unique_ptr<Sim> own;
  std::string uri = target_uri(), ctl_socket;
  if (scheme() == "sim" && g_sim) {
    own = std::make_unique<Sim>(std::vector<std::string>{"--scenario", "occupied-rental"});
    uri = own->uri();
    ctl_socket = own->socket();
  } else if (const char* s = std::getenv("LOCKDIAG_CONFORMANCE_SIM_SOCKET"); s && *s) {
    ctl_socket = s;  // the simulator behind the USB gadget
  } else {
    return;  // a physical lock: its session is the technician's to open
  }
  auto t = open_transport(uri);
  REQUIRE(t);
  auto c = Client::open(std::move(*t));
  REQUIRE(c);
  REQUIRE(c->arm_session());  // 1.4: the code at the keypad opens the session for this client only
  REQUIRE(run({bin_path("lockfw-sim"), "ctl", "--socket", ctl_socket, "open-session"}));
  auto s = c->session();
  REQUIRE(s);
  REQUIRE(s->state == SessionState::kOpen);

  const auto t0 = SteadyClock::now();
  auto slots = c->read_slots();
  REQUIRE_MESSAGE(slots, (slots ? "" : slots.error().message));
  CHECK_FALSE(slots->empty());
  for (size_t i = 0; i < slots->size(); ++i) {
    CHECK((*slots)[i].index < c->slot_count());
    if (i > 0) CHECK((*slots)[i].index > (*slots)[i - 1].index);
  }
  auto st = c->status();
  REQUIRE(st);
  auto batch = c->read_events(0);
  REQUIRE_MESSAGE(batch, (batch ? "" : batch.error().message));
  const double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
  CHECK(batch->events.size() >= st->event_count);  // a read may see events logged since
  CHECK(batch->next_seq >= st->event_head_seq);
  CHECK(batch->next_seq == batch->head_seq);
  for (size_t i = 1; i < batch->events.size(); ++i) CHECK(batch->events[i].seq == batch->events[i - 1].seq + 1);
  std::printf("conformance %s: %zu slots and %zu events (%d pages) in %.0f ms\n", uri.c_str(), slots->size(),
              batch->events.size(), batch->pages, ms);
  auto fp = c->get_fingerprint();
  REQUIRE(fp);
  CHECK(fp->occupied_count == static_cast<int>(slots->size()));
  auto more = c->read_events(batch->next_seq);
  REQUIRE(more);
  CHECK(more->first_seq == batch->next_seq);
}
