// lockdiag <-> lockfw-sim over the socket: identity end to end, and clean failures.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "lockdiag/app/connection.h"
#include "lockdiag/app/sim_process.h"
#include "lockfw/wire.h"
#include "run_process.h"

using namespace lockdiag;
using test::bin_dir;
using test::run_process;
using test::TempDir;

namespace {

app::SimProcess start_sim(const TempDir& dir, std::vector<std::string> args = {}) {
  auto sim = app::SimProcess::start(
      {.directory = dir.path(), .extra_args = std::move(args), .binary = bin_dir() / "lockfw-sim"});
  REQUIRE_MESSAGE(sim.has_value(), (sim ? "" : sim.error()));
  return std::move(*sim);
}

std::string lockdiag_bin() { return (bin_dir() / "lockdiag").string(); }

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// A peer on a SOCK_SEQPACKET socket that answers every report with something that is not
// our protocol.
class NonsensePeer {
 public:
  enum class Mode { kRandomReports, kShortDatagrams };
  NonsensePeer(const std::string& path, Mode mode) : mode_(mode) {
    fd_ = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(fd_, 4) == 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~NonsensePeer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }

 private:
  void serve() {
    while (!stop_) {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      uint8_t buf[64];
      uint8_t x = 1;
      while (recv(c, buf, sizeof buf, 0) > 0) {
        for (auto& b : buf) b = x = static_cast<uint8_t>(x * 73 + 11);
        send(c, buf, mode_ == Mode::kShortDatagrams ? 13 : 64, MSG_NOSIGNAL);
      }
      close(c);
    }
  }
  Mode mode_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

TEST_CASE("the client reads the virtual lock's identity, status, capabilities and session") {
  TempDir dir;
  auto sim = start_sim(dir, {"--scenario", "occupied-rental"});
  auto client = app::connect(sim.uri());
  REQUIRE_MESSAGE(client.has_value(), (client ? "" : client.error().message));
  CHECK(client->channel() != lockfw::wire::kBroadcastCid);

  auto id = client->identity();
  REQUIRE(id.has_value());
  CHECK(id->model == "LD-100 Keypad Deadbolt");
  CHECK(id->serial.rfind("LD1-", 0) == 0);
  CHECK(id->slot_count == 250);
  CHECK(id->event_capacity == 10000);
  CHECK(id->protocol_major == lockfw::wire::kProtocolMajor);

  auto caps = client->capabilities();
  REQUIRE(caps.has_value());
  CHECK(caps->slot_count == 250);
  CHECK(caps->min_code_len == 4);
  CHECK(caps->max_code_len == 10);

  auto st = client->status();
  REQUIRE(st.has_value());
  CHECK(st->battery_mv > 0);
  CHECK(st->withheld);  // no session: the lock withholds clock and log fields
  CHECK(st->session == drivers::SessionState::kNone);

  // Privileged commands without a session get a specific error, not silence.
  auto slots = client->call(lockfw::wire::kCmdReadSlots, std::vector<uint8_t>(4, 0));
  REQUIRE_FALSE(slots.has_value());
  CHECK(slots.error().kind == drivers::ErrorKind::kLockRefused);
  CHECK(slots.error().lock_code == lockfw::wire::kErrSessionRequired);
  CHECK(slots.error().message.find("service session") != std::string::npos);
}

TEST_CASE("a fresh virtual lock is in factory state: open for admin enrollment only") {
  TempDir dir;
  auto sim = start_sim(dir);
  auto client = app::connect(sim.uri());
  REQUIRE(client.has_value());
  auto st = client->status();
  REQUIRE(st.has_value());
  CHECK(st->factory_state);
  CHECK(st->session == drivers::SessionState::kFactory);
  auto slots = client->call(lockfw::wire::kCmdReadSlots, std::vector<uint8_t>(4, 0));
  REQUIRE_FALSE(slots.has_value());
  CHECK(slots.error().lock_code == lockfw::wire::kErrFactoryAdminOnly);
}

TEST_CASE("the same virtual lock keeps its serial across restarts (state file)") {
  TempDir dir;
  std::string first;
  {
    auto sim = start_sim(dir);
    first = app::connect(sim.uri())->identity()->serial;
  }
  auto sim = start_sim(dir);
  CHECK(app::connect(sim.uri())->identity()->serial == first);
}

TEST_CASE("two programs on one lock each get their own channel and answers") {
  TempDir dir;
  auto sim = start_sim(dir);
  auto a = app::connect(sim.uri());
  auto b = app::connect(sim.uri());
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(a->channel() != b->channel());
  for (int i = 0; i < 20; ++i) {
    CHECK(a->identity().has_value());
    CHECK(b->capabilities().has_value());
  }
}

TEST_CASE("lockdiag info prints the identity, as text and as JSON") {
  TempDir dir;
  auto sim = start_sim(dir);
  auto text = run_process({lockdiag_bin(), "--device", sim.uri(), "info"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("LD-100 Keypad Deadbolt") != std::string::npos);
  CHECK(text.out.find("Code slots:      250") != std::string::npos);

  auto js = run_process({lockdiag_bin(), "--device", sim.uri(), "--json", "info"});
  REQUIRE(js.exit_code == 0);
  const auto j = nlohmann::json::parse(js.out);
  CHECK(j.at("slot_count") == 250);
  CHECK(j.at("event_capacity") == 10000);
  CHECK(j.at("firmware") == "1.0.0");
  CHECK(j.at("serial").get<std::string>().rfind("LD1-", 0) == 0);
}

TEST_CASE("lockdiag info fails cleanly when nothing listens") {
  TempDir dir;
  const std::string path = (dir.path() / "nobody.sock").string();
  auto r = run_process({lockdiag_bin(), "--device", "sim:" + path, "info"});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(count_lines(r.err) == 1);
  CHECK(r.err.find("no virtual lock at " + path) != std::string::npos);

  // A stale socket file whose server is gone.
  {
    NonsensePeer gone(path, NonsensePeer::Mode::kRandomReports);
  }
  auto stale = run_process({lockdiag_bin(), "--device", "sim:" + path, "info"});
  CHECK(stale.exit_code == 3);
  CHECK(count_lines(stale.err) == 1);
  CHECK(stale.err.find("nothing is listening") != std::string::npos);
}

TEST_CASE("lockdiag info fails cleanly when the peer speaks nonsense") {
  TempDir dir;
  const std::string path = (dir.path() / "junk.sock").string();
  SUBCASE("random 64-byte reports") {
    NonsensePeer peer(path, NonsensePeer::Mode::kRandomReports);
    auto r = run_process({lockdiag_bin(), "--device", "sim:" + path, "--timeout-ms", "300", "info"});
    CHECK(r.exit_code == 4);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("not in the lockdiag service protocol") != std::string::npos);
  }
  SUBCASE("datagrams of the wrong size") {
    NonsensePeer peer(path, NonsensePeer::Mode::kShortDatagrams);
    auto r = run_process({lockdiag_bin(), "--device", "sim:" + path, "--timeout-ms", "300", "info"});
    CHECK(r.exit_code == 4);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("not in the lockdiag service protocol") != std::string::npos);
  }
}

TEST_CASE("a wrong device address is a usage error") {
  auto r = run_process({lockdiag_bin(), "--device", "carrier-pigeon:1", "info"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown device scheme") != std::string::npos);
}
