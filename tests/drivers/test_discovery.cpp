// Discovery: no USB at all, a fake sysfs tree, virtual locks' announcements, URIs, hotplug.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "lockdiag/drivers/discovery.h"
#include "lockdiag/drivers/transport.h"
#include "run_process.h"

using namespace lockdiag::drivers;
using lockdiag::test::TempDir;
namespace fs = std::filesystem;

namespace {
// Discovery over a fake sysfs and /dev, and a folder of virtual-lock announcements.
DiscoveryOptions fake_roots(const TempDir& sys, const TempDir& dev, const fs::path& sims_dir) {
  DiscoveryOptions o;
  o.sysfs_root = sys.path().string();
  o.dev_root = dev.path().string();
  o.sims_dir = sims_dir.string();
  return o;
}

void write_file(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << s << "\n";
}
}  // namespace

TEST_CASE("a machine with no USB at all: an empty list, no error") {
  TempDir sys, dev, sims;
  DiscoveryOptions o = fake_roots(sys, dev, sims.path() / "none");
  CHECK(list_devices(o).empty());
  // and this machine's real /sys, whatever it has, lists without throwing
  DiscoveryOptions real;
  real.sims_dir = o.sims_dir;
  CHECK_NOTHROW((void)list_devices(real));
}

TEST_CASE("a USB lock in sysfs: serial, firmware from bcdDevice, port path, hidraw and usbfs") {
  TempDir sys, dev, sims;
  const fs::path d = sys.path() / "bus/usb/devices/1-2.3";
  write_file(d / "idVendor", "1209");
  write_file(d / "idProduct", "0001");
  write_file(d / "serial", "LD1-0A0B0C0D");
  write_file(d / "bcdDevice", "0102");
  write_file(d / "product", "LD-100 Keypad Deadbolt");
  write_file(d / "busnum", "1");
  write_file(d / "devnum", "7");
  fs::create_directories(d / "1-2.3:1.0/0003:1209:0001.0004/hidraw/hidraw5");
  // another device that is not a lock, and an interface entry at top level
  write_file(sys.path() / "bus/usb/devices/1-1/idVendor", "046d");
  write_file(sys.path() / "bus/usb/devices/1-1/idProduct", "c52b");
  fs::create_directories(sys.path() / "bus/usb/devices/1-2.3:1.0");
  write_file(dev.path() / "hidraw5", "");
  write_file(dev.path() / "bus/usb/001/007", "");

  DiscoveryOptions o = fake_roots(sys, dev, sims.path());
  auto list = list_devices(o);
  REQUIRE(list.size() == 1);
  const DeviceInfo& l = list[0];
  CHECK(l.kind == DeviceInfo::Kind::kUsb);
  CHECK(l.serial == "LD1-0A0B0C0D");
  CHECK(l.firmware == "1.02");
  CHECK(l.port_path == "1-2.3");
  CHECK(l.bus == 1);
  CHECK(l.hidraw == dev.path().string() + "/hidraw5");
  CHECK(l.usbfs == dev.path().string() + "/bus/usb/001/007");
  CHECK(l.product == "LD-100 Keypad Deadbolt");
  REQUIRE(l.transports.size() == 2);
  CHECK(l.transports[0] == "hid:1209:0001:LD1-0A0B0C0D");
  CHECK(l.transports[1] == "usb:1209:0001:LD1-0A0B0C0D");
  CHECK(l.uri == l.transports[0]);
  CHECK(l.accessible);
}

TEST_CASE("a lock whose device nodes are missing says so") {
  TempDir sys, dev, sims;
  const fs::path d = sys.path() / "bus/usb/devices/3-1";
  write_file(d / "idVendor", "1209");
  write_file(d / "idProduct", "0001");
  write_file(d / "busnum", "3");
  write_file(d / "devnum", "2");
  fs::create_directories(d / "3-1:1.0/0003:1209:0001.0001/hidraw/hidraw0");
  DiscoveryOptions o = fake_roots(sys, dev, sims.path());
  auto list = list_devices(o);
  REQUIRE(list.size() == 1);
  CHECK_FALSE(list[0].accessible);
  CHECK(list[0].transports.empty());
  CHECK(list[0].uri == "hid:1209:0001");
  CHECK_FALSE(list[0].problem.empty());
}

TEST_CASE("the permission message names the udev rule") {
  CHECK(udev_rule_hint().find("70-lockdiag.rules") != std::string::npos);
  CHECK(udev_rule_hint().find("udevadm") != std::string::npos);
}

TEST_CASE("virtual locks: live announcements listed, stale ones cleaned") {
  TempDir sims;
  const fs::path sock = sims.path() / "lock.sock";
  write_file(sock, "");
  write_file(sims.path() / "LD1-LIVE.json", "{\"serial\":\"LD1-LIVE\",\"socket\":\"" + sock.string() +
                                                "\",\"pid\":" + std::to_string(getpid()) +
                                                ",\"model\":\"LD-100\",\"firmware\":\"1.0.0\"}");
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  write_file(sims.path() / "LD1-DEAD.json",
             "{\"serial\":\"LD1-DEAD\",\"socket\":\"" + sock.string() + "\",\"pid\":" + std::to_string(dead) + "}");
  write_file(sims.path() / "garbage.json", "{not json");
  DiscoveryOptions o;
  o.usb = false;
  o.sims_dir = sims.path().string();
  auto list = list_devices(o);
  REQUIRE(list.size() == 1);
  CHECK(list[0].kind == DeviceInfo::Kind::kSim);
  CHECK(list[0].serial == "LD1-LIVE");
  CHECK(list[0].uri == "sim:" + sock.string());
  CHECK(list[0].firmware == "1.0.0");
  CHECK_FALSE(fs::exists(sims.path() / "LD1-DEAD.json"));
  CHECK(fs::exists(sims.path() / "garbage.json"));  // not ours to delete
}

TEST_CASE("the watcher reports virtual locks coming and going") {
  TempDir sims;
  DiscoveryOptions o;
  o.usb = false;
  o.sims_dir = sims.path().string();
  std::atomic<int> added{0}, removed{0};
  DeviceWatcher w([&](const DeviceEvent& e) { (e.type == DeviceEvent::Type::kAdded ? added : removed)++; }, o, 20);
  const fs::path sock = sims.path() / "a.sock";
  write_file(sock, "");
  write_file(sims.path() / "A.json",
             "{\"serial\":\"A\",\"socket\":\"" + sock.string() + "\",\"pid\":" + std::to_string(getpid()) + "}");
  for (int i = 0; i < 200 && added.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(added.load() == 1);
  CHECK(w.current().size() == 1);
  fs::remove(sims.path() / "A.json");
  for (int i = 0; i < 200 && removed.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(removed.load() == 1);
  auto q = w.take_events();
  REQUIRE(q.size() == 2);
  CHECK(q[0].type == DeviceEvent::Type::kAdded);
  CHECK(q[1].type == DeviceEvent::Type::kRemoved);
  CHECK(w.take_events().empty());
}

TEST_CASE("device URIs") {
  auto bad = [](const std::string& u) {
    auto t = open_transport(u);
    return !t && t.error().kind == ErrorKind::kBadAddress;
  };
  CHECK(bad("nonsense"));
  CHECK(bad("ftp:x"));
  CHECK(bad("hid:12g9:0001"));
  CHECK(bad("hid:1209"));
  CHECK(bad("hid:1209:0001:"));
  CHECK(bad("hid:1-2"));  // ports are for usb:
  CHECK(bad("usb:1-"));
  CHECK(bad("usb:-2"));
  CHECK(bad("usb:1-2..3"));
  // well-formed but nothing there: unreachable, never a crash or a hang
  for (const char* u :
       {"hid:1209:0001", "hid:1209:0001:NOPE", "usb:1209:0001", "usb:1-2.3", "sim:/nonexistent/x.sock"}) {
    auto t = open_transport(u);
    REQUIRE_FALSE(t);
    INFO(u << ": " << t.error().message);
    CHECK((t.error().kind == ErrorKind::kUnreachable || t.error().kind == ErrorKind::kPermissionDenied));
  }
}
