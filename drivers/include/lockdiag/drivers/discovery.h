// Which locks are reachable now, and when that changes (docs/drivers.md, "Discovery").
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lockfw/wire.h"

namespace lockdiag::drivers {

struct DeviceInfo {
  enum class Kind { kUsb, kHid, kSim };  // kHid: a hidraw node with no USB parent (uhid, BT)
  Kind kind = Kind::kUsb;
  std::string uri;                    // the URI lockdiag opens it with by default
  std::vector<std::string> transports;  // every URI that reaches it: hid:..., usb:..., sim:...
  uint16_t vid = 0, pid = 0;
  std::string serial;
  std::string firmware;       // from the USB descriptor (bcdDevice) or the sim's announcement
  std::string product, manufacturer;
  int bus = -1;
  std::string port_path;      // "1-2.3": bus 1, port 2, then port 3 of the hub behind it
  std::string hidraw;         // /dev/hidrawN, if the kernel's HID driver has bound it
  std::string usbfs;          // /dev/bus/usb/BBB/DDD
  std::string socket;         // sim: the service-port socket
  int process = 0;            // sim: lockfw-sim's pid
  bool accessible = true;     // false: present, but this user may not open it
  std::string problem;        // why not, and what to do (names the udev rule)
  std::string key() const;    // stable while the device stays plugged in
};
const char* to_string(DeviceInfo::Kind k);

struct DiscoveryOptions {
  bool usb = true;           // USB and hidraw locks
  bool sims = true;          // virtual locks announced under sims_dir
  std::string sims_dir;      // empty: sims_directory()
  std::string sysfs_root = "/sys";  // tests point this at a fake tree
  std::string dev_root = "/dev";
  uint16_t vid = lockfw::wire::kUsbVendorId;
  uint16_t pid = lockfw::wire::kUsbProductId;
};

// Every lock reachable now. A machine with no USB at all gives an empty list, never an error.
std::vector<DeviceInfo> list_devices(const DiscoveryOptions& options = {});

// Where lockfw-sim announces itself: $XDG_RUNTIME_DIR/lockdiag/sims, or /tmp/lockdiag-<uid>/sims.
std::string sims_directory();

// What to tell a user who may not open the lock's device nodes.
std::string udev_rule_hint();

struct DeviceEvent {
  enum class Type { kAdded, kRemoved };
  Type type;
  DeviceInfo device;
};

// Notices locks being plugged in and unplugged (and virtual locks starting and stopping).
// libusb hotplug wakes it at once where the platform has it; otherwise it polls. Events go to
// the callback (on the watcher's thread) and into a queue the UI thread can drain.
class DeviceWatcher {
 public:
  using Callback = std::function<void(const DeviceEvent&)>;
  explicit DeviceWatcher(Callback callback = {}, DiscoveryOptions options = {}, int poll_interval_ms = 500);
  ~DeviceWatcher();
  DeviceWatcher(const DeviceWatcher&) = delete;
  DeviceWatcher& operator=(const DeviceWatcher&) = delete;

  std::vector<DeviceEvent> take_events();     // drains the queue
  std::vector<DeviceInfo> current() const;    // the devices present at the last scan
  bool hotplug_supported() const { return hotplug_; }
  void rescan();                               // scan now (e.g. after a permission change)

 private:
  void run();
  void scan();
  Callback callback_;
  DiscoveryOptions options_;
  int interval_ms_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wake_ = false;
  bool hotplug_ = false;
  std::vector<DeviceInfo> present_;
  std::deque<DeviceEvent> queue_;
  struct UsbHotplug;
  UsbHotplug* usb_ = nullptr;
  std::thread thread_;
};

}  // namespace lockdiag::drivers
