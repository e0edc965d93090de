#include "gadget/gadget_server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>

namespace lockfw::host {

namespace {

// Vendor usage page 0xFF00, one 64-byte input and one 64-byte output report, no report IDs.
const uint8_t kReportDescriptor[] = {
    0x06, 0x00, 0xFF,  // Usage Page (Vendor 0xFF00)
    0x09, 0x01,        // Usage (1)
    0xA1, 0x01,        // Collection (Application)
    0x09, 0x02,        //   Usage (2)
    0x15, 0x00,        //   Logical Minimum (0)
    0x26, 0xFF, 0x00,  //   Logical Maximum (255)
    0x75, 0x08,        //   Report Size (8)
    0x95, 0x40,        //   Report Count (64)
    0x81, 0x02,        //   Input (Data, Var, Abs)
    0x09, 0x03,        //   Usage (3)
    0x15, 0x00,        //   Logical Minimum (0)
    0x26, 0xFF, 0x00,  //   Logical Maximum (255)
    0x75, 0x08,        //   Report Size (8)
    0x95, 0x40,        //   Report Count (64)
    0x91, 0x02,        //   Output (Data, Var, Abs)
    0xC0,              // End Collection
};

bool write_file(const std::string& path, const void* data, size_t n) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, data, n) == static_cast<ssize_t>(n);
  ::close(fd);
  return ok;
}
bool write_str(const std::string& path, const std::string& s) { return write_file(path, s.data(), s.size()); }

std::string hex(unsigned v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%04x", v);
  return b;
}

}  // namespace

bool HidgUsbPort::send_report(const uint8_t* report64) {
  if (queue_.size() >= kMaxQueued) return false;  // core keeps it and tries again
  std::array<uint8_t, wire::kReportSize> r;
  std::memcpy(r.data(), report64, r.size());
  queue_.push_back(r);
  return true;
}

void HidgUsbPort::flush(int fd) {
  while (!queue_.empty()) {
    const ssize_t n = ::write(fd, queue_.front().data(), wire::kReportSize);
    if (n == static_cast<ssize_t>(wire::kReportSize)) {
      queue_.pop_front();
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) queue_.pop_front();  // the host went away: drop it, as the wire would
    return;
  }
}

std::expected<void, std::string> GadgetServer::start(const GadgetOptions& o) {
  const std::string base = o.configfs + "/usb_gadget";
  struct stat st;
  if (::stat(base.c_str(), &st) != 0)
    return std::unexpected("no USB gadget configfs at " + base +
                           " (mount -t configfs none /sys/kernel/config; modprobe libcomposite usb_f_hid)");
  root_ = base + "/" + o.name;
  auto fail = [&](const std::string& what) -> std::expected<void, std::string> {
    const std::string why = what + ": " + std::strerror(errno);
    teardown();
    return std::unexpected(why);
  };
  if (::mkdir(root_.c_str(), 0755) != 0) {
    const std::string why = std::string("cannot create ") + root_ + ": " + std::strerror(errno);
    root_.clear();
    return std::unexpected(why);
  }
  if (!write_str(root_ + "/idVendor", hex(wire::kUsbVendorId)) ||
      !write_str(root_ + "/idProduct", hex(wire::kUsbProductId)) ||
      !write_str(root_ + "/bcdDevice", hex(o.bcd_device)) || !write_str(root_ + "/bcdUSB", "0x0200"))
    return fail("cannot write the device descriptor");
  if (::mkdir((root_ + "/strings/0x409").c_str(), 0755) != 0 ||
      !write_str(root_ + "/strings/0x409/serialnumber", o.serial) ||
      !write_str(root_ + "/strings/0x409/manufacturer", o.manufacturer) ||
      !write_str(root_ + "/strings/0x409/product", o.product))
    return fail("cannot write the string descriptors");
  const std::string fn = root_ + "/functions/hid.usb0";
  if (::mkdir(fn.c_str(), 0755) != 0) return fail("cannot create the f_hid function (is usb_f_hid loaded?)");
  if (!write_str(fn + "/protocol", "0") || !write_str(fn + "/subclass", "0") ||
      !write_str(fn + "/report_length", "64") ||
      !write_file(fn + "/report_desc", kReportDescriptor, sizeof kReportDescriptor))
    return fail("cannot configure the f_hid function");
  const std::string cfg = root_ + "/configs/c.1";
  if (::mkdir(cfg.c_str(), 0755) != 0 || ::mkdir((cfg + "/strings/0x409").c_str(), 0755) != 0 ||
      !write_str(cfg + "/strings/0x409/configuration", "service port") || !write_str(cfg + "/MaxPower", "100") ||
      ::symlink(fn.c_str(), (cfg + "/hid.usb0").c_str()) != 0)
    return fail("cannot create the configuration");
  if (!write_str(root_ + "/UDC", o.udc)) return fail("cannot bind to UDC " + o.udc);

  // f_hid's character device: functions/hid.usb0/dev holds "major:minor"; the node is hidg<minor>.
  std::ifstream devf(fn + "/dev");
  std::string majmin;
  std::getline(devf, majmin);
  const auto colon = majmin.find(':');
  if (colon == std::string::npos) return fail("f_hid has no device number");
  dev_ = "/dev/hidg" + majmin.substr(colon + 1);
  for (int i = 0; i < 200 && fd_ < 0; ++i) {  // devtmpfs creates the node shortly after
    fd_ = ::open(dev_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (fd_ < 0) return fail("cannot open " + dev_);
  return {};
}

void GadgetServer::read_reports(const std::function<void(const uint8_t*)>& on_report) {
  uint8_t report[wire::kReportSize + 1];
  for (;;) {
    const ssize_t got = ::read(fd_, report, sizeof report);
    if (got < 0) return;
    // A report is exactly 64 bytes; anything else never reaches the firmware.
    if (got == static_cast<ssize_t>(wire::kReportSize)) on_report(report);
  }
}

void GadgetServer::teardown() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (root_.empty()) return;
  write_str(root_ + "/UDC", "\n");
  ::unlink((root_ + "/configs/c.1/hid.usb0").c_str());
  ::rmdir((root_ + "/configs/c.1/strings/0x409").c_str());
  ::rmdir((root_ + "/configs/c.1").c_str());
  ::rmdir((root_ + "/functions/hid.usb0").c_str());
  ::rmdir((root_ + "/strings/0x409").c_str());
  ::rmdir(root_.c_str());
  root_.clear();
}

GadgetServer::~GadgetServer() { teardown(); }

}  // namespace lockfw::host
