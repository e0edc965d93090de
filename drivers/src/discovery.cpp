// Discovery: USB locks from sysfs (no permission needed to list them), hidraw nodes without a
// USB parent from hidapi, and virtual locks from their announcements. Hotplug: libusb where
// the platform has it, polling otherwise.
#include "lockdiag/drivers/discovery.h"

#include <hidapi/hidapi.h>
#include <libusb-1.0/libusb.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "lockdiag/drivers/client.h"
#include "usb_transports.h"

namespace lockdiag::drivers {

namespace fs = std::filesystem;

std::string udev_rule_hint() {
  return "Install lockdiag's udev rule so the logged-in user may open locks without root: "
         "sudo cp packaging/udev/70-lockdiag.rules /etc/udev/rules.d/ && sudo udevadm control --reload && "
         "sudo udevadm trigger, then unplug and replug the lock (docs/drivers.md, \"Permissions\")";
}

const char* to_string(DeviceInfo::Kind k) {
  switch (k) {
    case DeviceInfo::Kind::kUsb: return "usb";
    case DeviceInfo::Kind::kHid: return "hid";
    case DeviceInfo::Kind::kSim: return "sim";
  }
  return "unknown";
}

std::string DeviceInfo::key() const {
  switch (kind) {
    case Kind::kUsb: return "usb:" + usbfs + ":" + serial;  // usbfs names the bus and device number
    case Kind::kHid: return "hid:" + hidraw + ":" + serial;
    case Kind::kSim: return "sim:" + socket + ":" + std::to_string(process);
  }
  return uri;
}

std::string sims_directory() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime && *runtime) return std::string(runtime) + "/lockdiag/sims";
  return "/tmp/lockdiag-" + std::to_string(getuid()) + "/sims";
}

namespace {

bool can_open(const std::string& node) { return ::access(node.c_str(), R_OK | W_OK) == 0; }

std::string firmware_from_bcd(const std::string& bcd_hex) {
  // bcdDevice "0102" -> "1.02"
  if (bcd_hex.size() != 4) return bcd_hex;
  std::string major = bcd_hex.substr(0, 2);
  while (major.size() > 1 && major[0] == '0') major.erase(0, 1);
  return major + "." + bcd_hex.substr(2);
}

std::vector<DeviceInfo> list_usb(const DiscoveryOptions& o, std::set<std::string>& hidraw_seen) {
  std::vector<DeviceInfo> out;
  const fs::path root = fs::path(o.sysfs_root) / "bus/usb/devices";
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;  // no USB on this machine: nothing to list
  const std::string want_vid = hex4(o.vid), want_pid = hex4(o.pid);
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find(':') != std::string::npos || name.rfind("usb", 0) == 0) continue;  // interfaces, root hubs
    const std::string dir = entry.path().string();
    if (read_sysfs_attr(dir, "idVendor") != want_vid || read_sysfs_attr(dir, "idProduct") != want_pid) continue;
    DeviceInfo d;
    d.kind = DeviceInfo::Kind::kUsb;
    d.vid = o.vid;
    d.pid = o.pid;
    d.serial = read_sysfs_attr(dir, "serial");
    d.firmware = firmware_from_bcd(read_sysfs_attr(dir, "bcdDevice"));
    d.product = read_sysfs_attr(dir, "product");
    d.manufacturer = read_sysfs_attr(dir, "manufacturer");
    d.port_path = name;
    const std::string busnum = read_sysfs_attr(dir, "busnum"), devnum = read_sysfs_attr(dir, "devnum");
    if (!busnum.empty() && !devnum.empty()) {
      d.bus = std::atoi(busnum.c_str());
      char node[64];
      std::snprintf(node, sizeof node, "%s/bus/usb/%03d/%03d", o.dev_root.c_str(), d.bus, std::atoi(devnum.c_str()));
      d.usbfs = node;
    }
    // hidraw nodes of this device: <dev>/<dev>:<cfg>.<if>/<bus>:<vid>:<pid>.<n>/hidraw/hidrawN
    for (const auto& itf : fs::directory_iterator(entry.path(), ec)) {
      const std::string iname = itf.path().filename().string();
      if (iname.rfind(name + ":", 0) != 0) continue;
      for (const auto& hid : fs::directory_iterator(itf.path(), ec)) {
        const fs::path hr = hid.path() / "hidraw";
        if (!fs::is_directory(hr, ec)) continue;
        for (const auto& node : fs::directory_iterator(hr, ec)) {
          d.hidraw = o.dev_root + "/" + node.path().filename().string();
          hidraw_seen.insert(d.hidraw);
        }
      }
    }
    std::vector<std::string> denied;
    if (!d.hidraw.empty()) {
      if (can_open(d.hidraw)) d.transports.push_back(usb_uri("hid", d.vid, d.pid, d.serial));
      else denied.push_back(d.hidraw);
    }
    if (!d.usbfs.empty()) {
      const std::string u = d.serial.empty() ? "usb:" + d.port_path : usb_uri("usb", d.vid, d.pid, d.serial);
      if (can_open(d.usbfs)) d.transports.push_back(u);
      else denied.push_back(d.usbfs);
    }
    if (d.transports.empty()) {
      d.accessible = false;
      std::string nodes;
      for (auto& n : denied) nodes += (nodes.empty() ? "" : ", ") + n;
      d.problem = denied.empty() ? "the lock has no device node yet (is the kernel's HID driver loaded?)"
                                 : "this user may not open " + nodes + ". " + udev_rule_hint();
      d.uri = usb_uri("hid", d.vid, d.pid, d.serial);
    } else {
      d.uri = d.transports.front();
    }
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(), [](const DeviceInfo& a, const DeviceInfo& b) { return a.port_path < b.port_path; });
  return out;
}

std::string narrow(const wchar_t* w) {
  std::string s;
  if (!w) return s;
  for (; *w; ++w) s += (*w >= 0x20 && *w < 0x7F) ? static_cast<char>(*w) : '?';
  return s;
}

// hidraw nodes with no USB parent (uhid, Bluetooth): only hid: reaches them.
void list_other_hid(const DiscoveryOptions& o, const std::set<std::string>& seen, std::vector<DeviceInfo>& out) {
  if (!hidapi_ready()) return;
  hid_device_info* list = hid_enumerate(o.vid, o.pid);
  for (hid_device_info* h = list; h; h = h->next) {
    if (!h->path || seen.count(h->path)) continue;
    if (h->usage_page != 0 && h->usage_page != lockfw::wire::kHidUsagePage) continue;
    if (h->bus_type == HID_API_BUS_USB) continue;  // listed from sysfs (or about to be)
    DeviceInfo d;
    d.kind = DeviceInfo::Kind::kHid;
    d.vid = o.vid;
    d.pid = o.pid;
    d.serial = narrow(h->serial_number);
    d.product = narrow(h->product_string);
    d.manufacturer = narrow(h->manufacturer_string);
    char fw[16];
    std::snprintf(fw, sizeof fw, "%x.%02x", h->release_number >> 8, h->release_number & 0xFF);
    d.firmware = fw;
    d.hidraw = h->path;
    d.uri = usb_uri("hid", d.vid, d.pid, d.serial);
    if (can_open(d.hidraw)) {
      d.transports.push_back(d.uri);
    } else {
      d.accessible = false;
      d.problem = "this user may not open " + d.hidraw + ". " + udev_rule_hint();
    }
    out.push_back(std::move(d));
  }
  hid_free_enumeration(list);
}

bool process_alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

void list_sims(const std::string& dir, std::vector<DeviceInfo>& out) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<DeviceInfo> sims;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;  // being written, or not ours: leave it
    DeviceInfo d;
    d.kind = DeviceInfo::Kind::kSim;
    d.serial = j.value("serial", "");
    d.socket = j.value("socket", "");
    d.process = j.value("pid", 0);
    d.firmware = j.value("firmware", "");
    d.product = j.value("model", "");
    d.manufacturer = "lockfw-sim";
    if (d.socket.empty()) continue;
    if (!process_alive(d.process) || !fs::exists(d.socket, ec)) {
      fs::remove(entry.path(), ec);  // a crashed simulator's announcement: clean it up
      continue;
    }
    d.uri = "sim:" + d.socket;
    d.transports.push_back(d.uri);
    d.accessible = can_open(d.socket);
    if (!d.accessible) d.problem = "this user may not open " + d.socket + " (another user's virtual lock)";
    sims.push_back(std::move(d));
  }
  std::sort(sims.begin(), sims.end(), [](const DeviceInfo& a, const DeviceInfo& b) { return a.serial < b.serial; });
  out.insert(out.end(), sims.begin(), sims.end());
}

}  // namespace

std::vector<DeviceInfo> list_devices(const DiscoveryOptions& o) {
  std::vector<DeviceInfo> out;
  if (o.usb) {
    std::set<std::string> seen;
    out = list_usb(o, seen);
    if (o.sysfs_root == "/sys") list_other_hid(o, seen, out);
  }
  if (o.sims) list_sims(o.sims_dir.empty() ? sims_directory() : o.sims_dir, out);
  return out;
}

// ---- reconnect by serial --------------------------------------------------------------------

TransportFactory reopen_by_serial(std::string uri, std::string serial) {
  return [uri = std::move(uri), serial = std::move(serial)]() -> Result<std::unique_ptr<Transport>> {
    const auto colon = uri.find(':');
    const std::string scheme = colon == std::string::npos ? "" : uri.substr(0, colon);
    const std::string rest = colon == std::string::npos ? "" : uri.substr(colon + 1);
    if (scheme == "hid" || scheme == "usb") {
      auto a = parse_usb_address(rest, scheme == "usb");
      if (!a) return fail(ErrorKind::kBadAddress, "cannot reopen " + uri);
      if (a->by_port()) {
        if (auto t = open_transport(uri)) return t;  // the same port: most likely the same lock
        if (serial.empty()) return fail(ErrorKind::kUnreachable, "no lock at " + uri);
        return open_transport(usb_uri("usb", lockfw::wire::kUsbVendorId, lockfw::wire::kUsbProductId, serial));
      }
      return open_transport(usb_uri(scheme.c_str(), a->vid, a->pid, serial.empty() ? a->serial : serial));
    }
    if (scheme == "sim") {
      auto t = open_transport(uri);
      if (t || serial.empty()) return t;
      // A restarted virtual lock may serve another socket; its announcement says where.
      DiscoveryOptions only_sims;
      only_sims.usb = false;
      for (const DeviceInfo& d : list_devices(only_sims))
        if (d.serial == serial) return open_transport(d.uri);
      return t;
    }
    return fail(ErrorKind::kUnreachable, "cannot reopen " + uri + " (no reconnect for this transport)");
  };
}

// ---- hotplug ---------------------------------------------------------------------------------

struct DeviceWatcher::UsbHotplug {
  libusb_context* ctx = nullptr;
  libusb_hotplug_callback_handle handle{};
  std::thread thread;
  std::atomic<bool> stop{false};
};

DeviceWatcher::DeviceWatcher(Callback callback, DiscoveryOptions options, int poll_interval_ms)
    : callback_(std::move(callback)), options_(std::move(options)), interval_ms_(poll_interval_ms) {
  if (options_.usb && libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
    auto* u = new UsbHotplug;
    if (libusb_init(&u->ctx) == 0) {
      auto cb = [](libusb_context*, libusb_device*, libusb_hotplug_event, void* self) -> int {
        auto* w = static_cast<DeviceWatcher*>(self);
        {
          std::lock_guard lock(w->mu_);
          w->wake_ = true;
        }
        w->cv_.notify_all();
        return 0;
      };
      const int rc = libusb_hotplug_register_callback(
          u->ctx,
          static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
          LIBUSB_HOTPLUG_NO_FLAGS, options_.vid, options_.pid, LIBUSB_HOTPLUG_MATCH_ANY, cb, this, &u->handle);
      if (rc == 0) {
        hotplug_ = true;
        u->thread = std::thread([u] {
          while (!u->stop.load()) {
            timeval tv{0, 100000};
            libusb_handle_events_timeout_completed(u->ctx, &tv, nullptr);
          }
        });
        usb_ = u;
      } else {
        libusb_exit(u->ctx);
        delete u;
      }
    } else {
      delete u;  // no USB on this machine: polling still finds virtual locks
    }
  }
  scan();  // what is there at the start counts as "added"
  thread_ = std::thread([this] { run(); });
}

DeviceWatcher::~DeviceWatcher() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (usb_) {
    usb_->stop = true;
    libusb_hotplug_deregister_callback(usb_->ctx, usb_->handle);  // wakes the event thread
    if (usb_->thread.joinable()) usb_->thread.join();
    libusb_exit(usb_->ctx);
    delete usb_;
  }
}

void DeviceWatcher::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stop_ || wake_; });
    if (stop_) break;
    wake_ = false;
    lock.unlock();
    scan();
    lock.lock();
  }
}

void DeviceWatcher::rescan() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void DeviceWatcher::scan() {
  std::vector<DeviceInfo> now = list_devices(options_);
  std::vector<DeviceEvent> events;
  {
    std::lock_guard lock(mu_);
    for (const DeviceInfo& old : present_)
      if (std::none_of(now.begin(), now.end(), [&](const DeviceInfo& d) { return d.key() == old.key(); }))
        events.push_back({DeviceEvent::Type::kRemoved, old});
    for (const DeviceInfo& d : now)
      if (std::none_of(present_.begin(), present_.end(), [&](const DeviceInfo& old) { return d.key() == old.key(); }))
        events.push_back({DeviceEvent::Type::kAdded, d});
    present_ = std::move(now);
    queue_.insert(queue_.end(), events.begin(), events.end());
    while (queue_.size() > 1000) queue_.pop_front();  // nobody drains it: keep it bounded
  }
  if (callback_)
    for (const DeviceEvent& e : events) callback_(e);
}

std::vector<DeviceEvent> DeviceWatcher::take_events() {
  std::lock_guard lock(mu_);
  std::vector<DeviceEvent> out(queue_.begin(), queue_.end());
  queue_.clear();
  return out;
}

std::vector<DeviceInfo> DeviceWatcher::current() const {
  std::lock_guard lock(mu_);
  return present_;
}

}  // namespace lockdiag::drivers
