// A hostile lock cannot make lockdiag grow without bound. Each hostile
// answer (tests/drivers/support/hostile_lock.h) is played against every read command of the
// real CLI, over a socket; each run must end within its time with exit 4 and one clear line,
// and a peak memory (wait4's ru_maxrss) under 64 MB.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

#include "core/service_port.h"
#include "host_hal.h"
#include "hostile_lock.h"
#include "run_process.h"
#include "socket_server.h"

namespace {

using namespace lockdiag;
using namespace std::chrono_literals;

#if defined(__SANITIZE_ADDRESS__)
constexpr long kPeakLimitKb = 512 * 1024;  // shadow memory: the bound proves boundedness, not the budget
#else
constexpr long kPeakLimitKb = 64 * 1024;
#endif

struct Served {
  explicit Served(test::Hostility h, const std::string& path) : lock(h) {
    REQUIRE(server.listen(path));
    thread = std::thread([this] {
      lockfw::host::SimClock clock(false);
      lockfw::host::HostTicks ticks(clock);
      lockfw::host::HostEntropy entropy;
      lockfw::ServicePort port(server.port(), ticks, entropy, lock);
      server.run([&](const uint8_t* r) { port.on_report(r); }, [&] { port.poll(); }, stop, 2);
    });
  }
  ~Served() {
    stop = true;
    thread.join();
  }
  test::HostileLock lock;
  lockfw::host::SocketServer server;
  volatile bool stop = false;
  std::thread thread;
};

struct Run {
  int exit_code = -1;
  long peak_kb = 0;
  std::string err;
  bool killed = false;
};

// The CLI as a child: stderr to a file, killed after 30 s, peak memory from wait4.
Run run_cli(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  const auto err_path = dir / "stderr";
  std::fflush(stdout);  // the child must not repeat what this process buffered
  std::fflush(stderr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
#if !defined(__SANITIZE_ADDRESS__)
    rlimit as{1ul << 30, 1ul << 30};  // before the fix this one read took 2.5 GB: keep the machine alive
    setrlimit(RLIMIT_AS, &as);
#endif
    FILE* e = std::freopen(err_path.c_str(), "w", stderr);
    FILE* o = std::freopen("/dev/null", "w", stdout);
    (void)e;
    (void)o;
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  Run r;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  int status = 0;
  rusage ru{};
  for (;;) {
    const pid_t w = wait4(pid, &status, WNOHANG, &ru);
    if (w == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      r.killed = true;
      wait4(pid, &status, 0, &ru);
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.peak_kb = ru.ru_maxrss;
  std::ifstream in(err_path);
  r.err.assign(std::istreambuf_iterator<char>(in), {});
  return r;
}

}  // namespace

TEST_CASE("every read command stays bounded against every hostile answer") {
  test::TempDir dir;
  const std::string lockdiag = (test::bin_dir() / "lockdiag").string();
  long worst_kb = 0;
  for (const auto h : test::all_hostilities()) {
    const std::string sock = (dir.path() / "hostile.sock").string();
    Served served(h, sock);
    for (const std::string cmd : {"info", "status", "slots", "events"}) {
      for (const bool json : {false, true}) {
        CAPTURE(test::hostility_name(h));
        CAPTURE(cmd);
        CAPTURE(json);
        std::vector<std::string> args{lockdiag, "--device", "sim:" + sock, "--timeout-ms", "1500"};
        if (json) args.push_back("--json");
        args.push_back(cmd);
        const Run r = run_cli(args, dir.path());
        CAPTURE(r.err);
        CHECK_FALSE(r.killed);
        CHECK(r.peak_kb < kPeakLimitKb);
        worst_kb = std::max(worst_kb, r.peak_kb);
        if (cmd == "slots" || cmd == "events") {
          CHECK(r.exit_code == 4);
          // One line a technician can act on, in JSON too.
          CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
          const bool names_it = r.err.find("READ_") != std::string::npos || r.err.find("lock") != std::string::npos;
          CHECK(names_it);
        } else {
          CHECK(r.exit_code == 0);  // the open commands read fixed-size answers: nothing hostile here
        }
      }
    }
    std::filesystem::remove(sock);
  }
  MESSAGE("highest peak memory of a hostile read: " << worst_kb / 1024 << " MB");
}
