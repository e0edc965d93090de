// lockfw-sim's sockets: both created 0600, a path that exists and is not a
// socket is never deleted, a datagram longer than a report is refused (not truncated), an
// empty datagram does not drop the connection.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

#include "lockfw/wire.h"

extern char** environ;

namespace fs = std::filesystem;
using namespace lockfw::wire;

namespace {

fs::path sim_exe() {
  const char* d = std::getenv("LOCKDIAG_BIN_DIR");
  REQUIRE_MESSAGE(d != nullptr, "LOCKDIAG_BIN_DIR is not set");
  return fs::path(d) / "lockfw-sim";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream o;
  o << in.rdbuf();
  return o.str();
}

// Runs lockfw-sim until it serves both sockets (or exits: returns -1).
pid_t start_sim(const std::string& sock, const std::string& state, const char* scenario = "fresh") {
  std::vector<std::string> args{sim_exe().string(), "--socket", sock, "--state", state, "--scenario", scenario};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, args[0].c_str(), &fa, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  for (int i = 0; i < 1500; ++i) {
    if (fs::is_socket(sock) && fs::is_socket(sock + ".ctl")) return pid;
    int st = 0;
    if (waitpid(pid, &st, WNOHANG) == pid) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  return -1;
}

void stop_sim(pid_t pid) {
  kill(pid, SIGTERM);
  int st = 0;
  waitpid(pid, &st, 0);
}

// CPU time (user + system, clock ticks) the process has used so far.
long cpu_ticks(pid_t pid) {
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream in(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return utime + stime;
}

int raw_connect(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

// A 64-byte broadcast INIT report, optionally followed by `extra` more bytes in one datagram.
bool send_init(int fd, size_t extra = 0) {
  std::vector<uint8_t> rep(kReportSize + extra, 0xAB);
  const uint32_t cid = kBroadcastCid;
  std::memcpy(rep.data(), &cid, 4);
  rep[4] = kCmdInit | kInitFlag;
  rep[5] = 8;
  rep[6] = 0;
  return ::send(fd, rep.data(), rep.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(rep.size());
}

// True when an INIT answer arrives within `ms`.
bool init_answered(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, ms) != 1 || !(p.revents & POLLIN)) return false;
  uint8_t in[kReportSize];
  return ::recv(fd, in, sizeof in, 0) == static_cast<ssize_t>(kReportSize) && (in[4] & 0x7F) == kCmdInit;
}

}  // namespace

TEST_CASE("lockfw-sim sockets: 0600 both, odd datagrams refused, empty ones harmless") {
  const fs::path dir = fs::temp_directory_path() / ("lockfw-sim-sockets-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string sock = (dir / "lock.sock").string();
  const pid_t pid = start_sim(sock, (dir / "lock.state").string());
  REQUIRE(pid > 0);
  struct stat st{};
  REQUIRE(::stat(sock.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((sock + ".ctl").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);  // 1.1: the control socket had the umask's mode

  const int fd = raw_connect(sock);
  // 65 bytes is not a report: refused whole, never truncated to a valid-looking INIT.
  REQUIRE(send_init(fd, 1));
  CHECK_FALSE(init_answered(fd, 300));
  // An empty datagram is ignored; the connection stays up.
  REQUIRE(::send(fd, "", 0, MSG_NOSIGNAL) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(send_init(fd));
  CHECK(init_answered(fd, 2000));
  ::close(fd);
  // A client that shuts down its sending side is dropped (not polled forever); the lock
  // keeps serving others.
  const int half = raw_connect(sock);
  ::shutdown(half, SHUT_WR);
  const long before = cpu_ticks(pid);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  CHECK(cpu_ticks(pid) - before < sysconf(_SC_CLK_TCK) / 5);  // under 200 ms of CPU in 600 ms: no spin
  const int next = raw_connect(sock);
  REQUIRE(send_init(next));
  CHECK(init_answered(next, 2000));
  ::close(next);
  ::close(half);
  stop_sim(pid);
  CHECK_FALSE(fs::exists(sock));  // its own sockets are removed at exit
  fs::remove_all(dir);
}

TEST_CASE("lockfw-sim never deletes a file that is not a socket where its sockets go") {
  const fs::path dir = fs::temp_directory_path() / ("lockfw-sim-notsock-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "mine.sock") << "keep me\n";
  CHECK(start_sim((dir / "mine.sock").string(), (dir / "a.state").string()) == -1);
  CHECK(slurp(dir / "mine.sock") == "keep me\n");
  std::ofstream(dir / "other.sock.ctl") << "keep me too\n";
  CHECK(start_sim((dir / "other.sock").string(), (dir / "b.state").string()) == -1);
  CHECK(slurp(dir / "other.sock.ctl") == "keep me too\n");
  fs::remove_all(dir);
}

// ---- migration of a 1.1 state image ------------------------------------------------------------
namespace {
std::string ctl(const std::string& sock, const std::string& words) {
  const std::string cmd = sim_exe().string() + " ctl --socket " + sock + " " + words + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string o;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) o.append(buf, n);
  pclose(p);
  return o;
}
}  // namespace

TEST_CASE("a state image written by the 1.1 firmware mounts, keeps its codes and gains the 1.2 settings") {
  // tests/lockfw/data/occupied-rental-1.1.state: lockfw-sim 1.1 (before protocol 1.2),
  // scenario occupied-rental, alice unlocked once.
  const fs::path dir = fs::temp_directory_path() / ("lockfw-sim-upgrade-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(fs::path(LOCKFW_TEST_DATA) / "occupied-rental-1.1.state", dir / "lock.state");
  fs::permissions(dir / "lock.state", fs::perms::owner_read | fs::perms::owner_write);
  const std::string sock = (dir / "lock.sock").string();
  pid_t pid = start_sim(sock, (dir / "lock.state").string(), "occupied-rental");
  REQUIRE(pid > 0);
  CHECK(ctl(sock, "status").find("storage=ok") != std::string::npos);
  CHECK(ctl(sock, "type-person alice").find("(bolt unlocked)") != std::string::npos);
  CHECK(ctl(sock, "arm-session").find("ok armed") != std::string::npos);  // 1.4: for the control's channel
  CHECK(ctl(sock, "open-session").find("ok session open") != std::string::npos);
  stop_sim(pid);
  // Once more: the settings were written back in the 1.2 layout and still mount.
  pid = start_sim(sock, (dir / "lock.state").string(), "occupied-rental");
  REQUIRE(pid > 0);
  CHECK(ctl(sock, "type-person bob").find("(bolt unlocked)") != std::string::npos);
  stop_sim(pid);
  fs::remove_all(dir);
}
