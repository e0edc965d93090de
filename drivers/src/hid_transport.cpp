// hid:VID:PID[:SERIAL] through hidapi. On Linux this is the hidraw backend: the kernel's HID
// driver keeps the device, and every program with the node open sees every IN report (the
// framing's channel ids keep them apart).
#include <hidapi/hidapi.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cwchar>
#include <mutex>
#include <vector>

#include "lockdiag/drivers/discovery.h"
#include "usb_transports.h"

namespace lockdiag::drivers {

namespace {

std::string narrow(const wchar_t* w) {
  std::string s;
  if (!w) return s;
  for (; *w; ++w) s += (*w >= 0x20 && *w < 0x7F) ? static_cast<char>(*w) : '?';
  return s;
}

class HidTransport final : public Transport {
 public:
  HidTransport(hid_device* dev, std::string uri, std::string path)
      : dev_(dev), uri_(std::move(uri)), path_(std::move(path)) {}
  ~HidTransport() override { hid_close(dev_); }

  Result<void> write(const Report& report) override {
    // No report IDs: hidapi wants a leading 0 byte, which the kernel strips.
    uint8_t buf[lockfw::wire::kReportSize + 1];
    buf[0] = 0;
    std::memcpy(buf + 1, report.data(), report.size());
    const int n = hid_write(dev_, buf, sizeof buf);
    if (n < 0) return gone_or_io("write");
    return {};
  }

  Result<Report> read(int timeout_ms) override {
    uint8_t buf[lockfw::wire::kReportSize + 1];
    const int n = hid_read_timeout(dev_, buf, sizeof buf, timeout_ms < 0 ? 0 : timeout_ms);
    if (n < 0) return gone_or_io("read");
    if (n == 0) return fail(ErrorKind::kTimeout, "no report within " + std::to_string(timeout_ms) + " ms");
    if (n != static_cast<int>(lockfw::wire::kReportSize))
      return fail(ErrorKind::kProtocol,
                  uri_ + " sent a " + std::to_string(n) + "-byte report; a service-port report is 64 bytes");
    Report out;
    std::memcpy(out.data(), buf, out.size());
    return out;
  }

  std::string describe() const override { return uri_; }

 private:
  std::unexpected<Error> gone_or_io(const char* what) const {
    const std::string why = narrow(hid_error(dev_));
    // hidraw reports a vanished device as a poll error or ENODEV; the node is gone too.
    if (::access(path_.c_str(), F_OK) != 0 || why.find("disconnected") != std::string::npos ||
        why.find("No such device") != std::string::npos)
      return fail(ErrorKind::kDisconnected, "the lock at " + uri_ + " was disconnected");
    return fail(ErrorKind::kIo, std::string(what) + " on " + uri_ + " failed: " + why);
  }
  hid_device* dev_;
  std::string uri_;
  std::string path_;
};

}  // namespace

bool hidapi_ready() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = hid_init() == 0; });
  return ok;
}

Result<std::unique_ptr<Transport>> open_hid_transport(const UsbAddress& a) {
  if (!hidapi_ready()) return fail(ErrorKind::kIo, "hidapi could not start");
  struct Candidate {
    std::string path, serial;
  };
  std::vector<Candidate> found;
  hid_device_info* list = hid_enumerate(a.vid, a.pid);
  for (hid_device_info* d = list; d; d = d->next) {
    // The hidraw backend reads the usage page from the report descriptor; 0 means unknown.
    if (d->usage_page != 0 && d->usage_page != lockfw::wire::kHidUsagePage) continue;
    const std::string serial = narrow(d->serial_number);
    if (!a.serial.empty() && serial != a.serial) continue;
    found.push_back({d->path ? d->path : "", serial});
  }
  hid_free_enumeration(list);
  const std::string wanted = usb_uri("hid", a.vid, a.pid, a.serial);
  if (found.empty())
    return fail(ErrorKind::kUnreachable,
                "no lock at " + wanted + " (is it plugged in? `lockdiag devices` lists what is there)");
  if (found.size() > 1 && a.serial.empty()) {
    std::string serials;
    for (auto& c : found) serials += (serials.empty() ? "" : ", ") + c.serial;
    return fail(ErrorKind::kBadAddress, std::to_string(found.size()) + " locks match " + wanted + " (serials " +
                                            serials + "); add the serial, e.g. " +
                                            usb_uri("hid", a.vid, a.pid, found[0].serial));
  }
  const Candidate& c = found.front();
  hid_device* dev = hid_open_path(c.path.c_str());
  if (!dev) {
    const int e = errno;
    if (::access(c.path.c_str(), R_OK | W_OK) != 0 && (errno == EACCES || e == EACCES || e == EPERM))
      return fail(ErrorKind::kPermissionDenied,
                  "the lock is there (" + c.path + ") but this user may not open it. " + udev_rule_hint());
    return fail(ErrorKind::kUnreachable, "cannot open " + c.path + ": " + narrow(hid_error(nullptr)));
  }
  return std::unique_ptr<Transport>(new HidTransport(dev, usb_uri("hid", a.vid, a.pid, c.serial), c.path));
}

}  // namespace lockdiag::drivers
