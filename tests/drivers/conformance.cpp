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
class Sim {
 public:
  Sim() {
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
    const char* bin_dir = std::getenv("LOCKDIAG_BIN_DIR");
    const std::string bin = std::string(bin_dir ? bin_dir : ".") + "/lockfw-sim";
    const std::string sock = socket(), state = (dir_ / "lock.state").string();
    const char* argv[] = {bin.c_str(), "--socket", sock.c_str(), "--state", state.c_str(), nullptr};
    // No doctest macros here: this runs lazily inside the reporter too.
    if (posix_spawn(&pid_, bin.c_str(), nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
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
  CHECK(ms / n < 50.0);
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
  CHECK(took < std::chrono::milliseconds(1000));
}

TEST_CASE("conformance: stray and damaged traffic does not derail the client") {
  auto t = open_transport(target_uri());
  REQUIRE(t);
  Transport* raw = t->get();
  auto c = Client::open(std::move(*t));
  REQUIRE(c);
  // an init on a channel nobody allocated: the lock answers ERROR there, which we must ignore
  Report stray{};
  stray[0] = 0x11; stray[1] = 0x22; stray[2] = 0x33; stray[3] = 0x44;
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
