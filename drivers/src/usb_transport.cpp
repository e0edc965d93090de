// usb:VID:PID[:SERIAL] and usb:BUS-PORTS through libusb: the interrupt endpoints of the lock's
// HID interface, with the kernel's HID driver detached while lockdiag holds the interface and
// reattached when it lets go. For hosts without hidraw access, and for port topology.
#include <libusb-1.0/libusb.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <vector>

#include "lockdiag/drivers/discovery.h"
#include "usb_transports.h"

namespace lockdiag::drivers {

std::string read_sysfs_attr(const std::string& dir, const char* name) {
  std::ifstream in(dir + "/" + name);
  std::string s;
  if (in) std::getline(in, s);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

namespace {

std::string port_path_of(libusb_device* d) {
  uint8_t ports[8];
  const int n = libusb_get_port_numbers(d, ports, sizeof ports);
  std::string s = std::to_string(libusb_get_bus_number(d));
  if (n <= 0) return s + "-0";
  for (int i = 0; i < n; ++i) s += (i == 0 ? "-" : ".") + std::to_string(ports[i]);
  return s;
}

struct Endpoints {
  int interface = -1;
  uint8_t in = 0, out = 0;  // out 0: no interrupt OUT endpoint, use SET_REPORT on the control pipe
};

Endpoints find_endpoints(libusb_device* d) {
  Endpoints e;
  libusb_config_descriptor* cfg = nullptr;
  if (libusb_get_active_config_descriptor(d, &cfg) != 0 && libusb_get_config_descriptor(d, 0, &cfg) != 0) return e;
  for (int i = 0; i < cfg->bNumInterfaces && e.interface < 0; ++i) {
    const libusb_interface& itf = cfg->interface[i];
    if (itf.num_altsetting < 1) continue;
    const libusb_interface_descriptor& alt = itf.altsetting[0];
    if (alt.bInterfaceClass != LIBUSB_CLASS_HID) continue;
    Endpoints cand;
    cand.interface = alt.bInterfaceNumber;
    for (int k = 0; k < alt.bNumEndpoints; ++k) {
      const libusb_endpoint_descriptor& ep = alt.endpoint[k];
      if ((ep.bmAttributes & 0x03) != LIBUSB_TRANSFER_TYPE_INTERRUPT) continue;
      if (ep.bEndpointAddress & LIBUSB_ENDPOINT_IN) cand.in = ep.bEndpointAddress;
      else cand.out = ep.bEndpointAddress;
    }
    if (cand.in) e = cand;
  }
  libusb_free_config_descriptor(cfg);
  return e;
}

// The serial number without opening the device where sysfs has it (no permission needed).
std::string serial_of(libusb_device* d, libusb_device_handle* h, const libusb_device_descriptor& desc) {
  const std::string s = read_sysfs_attr("/sys/bus/usb/devices/" + port_path_of(d), "serial");
  if (!s.empty() || !h || !desc.iSerialNumber) return s;
  unsigned char buf[128];
  const int n = libusb_get_string_descriptor_ascii(h, desc.iSerialNumber, buf, sizeof buf);
  return n > 0 ? std::string(reinterpret_cast<char*>(buf), static_cast<size_t>(n)) : std::string();
}

class UsbTransport final : public Transport {
 public:
  UsbTransport(libusb_context* ctx, libusb_device_handle* h, Endpoints ep, bool reattach, std::string uri)
      : ctx_(ctx), h_(h), ep_(ep), reattach_(reattach), uri_(std::move(uri)) {}
  ~UsbTransport() override {
    libusb_release_interface(h_, ep_.interface);
    if (reattach_) libusb_attach_kernel_driver(h_, ep_.interface);  // give hidraw back
    libusb_close(h_);
    libusb_exit(ctx_);
  }

  Result<void> write(const Report& report) override {
    uint8_t buf[lockfw::wire::kReportSize];
    std::memcpy(buf, report.data(), sizeof buf);
    int rc;
    if (ep_.out) {
      int done = 0;
      rc = libusb_interrupt_transfer(h_, ep_.out, buf, sizeof buf, &done, 1000);
      if (rc == 0 && done != static_cast<int>(sizeof buf)) return fail(ErrorKind::kIo, "short write to " + uri_);
    } else {  // HID SET_REPORT(Output, id 0)
      rc = libusb_control_transfer(h_, 0x21, 0x09, 0x0200, static_cast<uint16_t>(ep_.interface), buf, sizeof buf, 1000);
      if (rc >= 0) rc = 0;
    }
    if (rc == 0) return {};
    return error_of(rc, "write");
  }

  Result<Report> read(int timeout_ms) override {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      // libusb treats 0 as "wait forever"
      const unsigned int t = static_cast<unsigned int>(left < 1 ? 1 : left);
      uint8_t buf[lockfw::wire::kReportSize];
      int got = 0;
      const int rc = libusb_interrupt_transfer(h_, ep_.in, buf, sizeof buf, &got, t);
      if (got == static_cast<int>(sizeof buf) && (rc == 0 || rc == LIBUSB_ERROR_TIMEOUT)) {
        Report out;
        std::memcpy(out.data(), buf, out.size());
        return out;
      }
      if (rc == 0 && got == 0) {
        // Some device stacks (Linux f_hid) end a full-size report with a zero-length
        // packet; it carries nothing.
        if (Clock::now() >= deadline)
          return fail(ErrorKind::kTimeout, "no report within " + std::to_string(timeout_ms) + " ms");
        continue;
      }
      if (rc == 0 || (rc == LIBUSB_ERROR_TIMEOUT && got > 0))
        return fail(ErrorKind::kProtocol,
                    uri_ + " sent a " + std::to_string(got) + "-byte report; a service-port report is 64 bytes");
      if (rc == LIBUSB_ERROR_TIMEOUT)
        return fail(ErrorKind::kTimeout, "no report within " + std::to_string(timeout_ms) + " ms");
      if (rc == LIBUSB_ERROR_OVERFLOW) return fail(ErrorKind::kProtocol, uri_ + " sent a report longer than 64 bytes");
      if (rc == LIBUSB_ERROR_INTERRUPTED) continue;
      return error_of(rc, "read");
    }
  }

  std::string describe() const override { return uri_; }

 private:
  std::unexpected<Error> error_of(int rc, const char* what) const {
    if (rc == LIBUSB_ERROR_NO_DEVICE || rc == LIBUSB_ERROR_PIPE || rc == LIBUSB_ERROR_IO)
      return fail(ErrorKind::kDisconnected, "the lock at " + uri_ + " was disconnected");
    if (rc == LIBUSB_ERROR_TIMEOUT) return fail(ErrorKind::kTimeout, std::string(what) + " to " + uri_ + " timed out");
    return fail(ErrorKind::kIo, std::string(what) + " on " + uri_ + " failed: " + libusb_error_name(rc));
  }
  libusb_context* ctx_;
  libusb_device_handle* h_;
  Endpoints ep_;
  bool reattach_;
  std::string uri_;
};

}  // namespace

Result<std::unique_ptr<Transport>> open_usb_transport(const UsbAddress& a) {
  const std::string wanted = a.by_port() ? "usb:" + a.port_path : usb_uri("usb", a.vid, a.pid, a.serial);
  libusb_context* ctx = nullptr;
  if (int rc = libusb_init(&ctx); rc != 0)
    return fail(ErrorKind::kUnreachable,
                "no lock at " + wanted + ": this machine has no usable USB (" + libusb_error_name(rc) + ")");
  libusb_device** list = nullptr;
  const ssize_t n = libusb_get_device_list(ctx, &list);
  struct Match {
    libusb_device* dev;
    std::string serial, port;
  };
  std::vector<Match> matches;
  bool denied = false;
  for (ssize_t i = 0; i < n; ++i) {
    libusb_device* d = list[i];
    libusb_device_descriptor desc;
    if (libusb_get_device_descriptor(d, &desc) != 0) continue;
    const std::string port = port_path_of(d);
    if (a.by_port()) {
      if (port != a.port_path) continue;
    } else if (desc.idVendor != a.vid || desc.idProduct != a.pid) {
      continue;
    }
    std::string serial = serial_of(d, nullptr, desc);
    if (serial.empty() && desc.iSerialNumber) {
      libusb_device_handle* h = nullptr;
      if (int rc = libusb_open(d, &h); rc == 0) {
        serial = serial_of(d, h, desc);
        libusb_close(h);
      } else if (rc == LIBUSB_ERROR_ACCESS) {
        denied = true;
      }
    }
    if (!a.serial.empty() && serial != a.serial) continue;
    matches.push_back({d, serial, port});
  }
  auto cleanup = [&] {
    libusb_free_device_list(list, 1);
    libusb_exit(ctx);
  };
  if (matches.empty()) {
    cleanup();
    if (denied)
      return fail(ErrorKind::kPermissionDenied,
                  "a lock is there but this user may not open it to read its serial. " + udev_rule_hint());
    return fail(ErrorKind::kUnreachable,
                "no lock at " + wanted + " (is it plugged in? `lockdiag devices` lists what is there)");
  }
  if (matches.size() > 1) {
    std::string ports;
    for (auto& m : matches)
      ports += (ports.empty() ? "" : ", ") + m.port + (m.serial.empty() ? "" : " (" + m.serial + ")");
    cleanup();
    return fail(ErrorKind::kBadAddress, std::to_string(matches.size()) + " locks match " + wanted + " at " + ports +
                                            "; add the serial or address one by port, e.g. usb:" + matches[0].port);
  }
  Match m = matches.front();
  const Endpoints ep = find_endpoints(m.dev);
  if (ep.interface < 0) {
    cleanup();
    return fail(ErrorKind::kProtocol,
                "the device at " + wanted + " has no HID interface with an interrupt IN endpoint");
  }
  libusb_device_handle* h = nullptr;
  if (int rc = libusb_open(m.dev, &h); rc != 0) {
    cleanup();
    if (rc == LIBUSB_ERROR_ACCESS)
      return fail(ErrorKind::kPermissionDenied,
                  "the lock at usb:" + m.port + " is there but this user may not open it. " + udev_rule_hint());
    return fail(ErrorKind::kUnreachable, "cannot open the lock at usb:" + m.port + ": " + libusb_error_name(rc));
  }
  libusb_free_device_list(list, 1);
  // The kernel's HID driver has the interface; take it for as long as this transport lives.
  bool reattach = false;
  if (libusb_kernel_driver_active(h, ep.interface) == 1) {
    const int rc = libusb_detach_kernel_driver(h, ep.interface);
    if (rc != 0 && rc != LIBUSB_ERROR_NOT_FOUND) {
      libusb_close(h);
      libusb_exit(ctx);
      if (rc == LIBUSB_ERROR_ACCESS)
        return fail(ErrorKind::kPermissionDenied,
                    "cannot take the lock's interface from the kernel HID driver. " + udev_rule_hint());
      return fail(ErrorKind::kIo, std::string("cannot detach the kernel HID driver: ") + libusb_error_name(rc));
    }
    reattach = rc == 0;
  }
  if (int rc = libusb_claim_interface(h, ep.interface); rc != 0) {
    if (reattach) libusb_attach_kernel_driver(h, ep.interface);
    libusb_close(h);
    libusb_exit(ctx);
    if (rc == LIBUSB_ERROR_BUSY)
      return fail(ErrorKind::kUnreachable,
                  "another program holds the lock's interface at usb:" + m.port + " (close it, or use hid:)");
    return fail(ErrorKind::kIo, std::string("cannot claim the lock's interface: ") + libusb_error_name(rc));
  }
  const std::string uri = m.serial.empty() || a.by_port() ? "usb:" + m.port : usb_uri("usb", a.vid, a.pid, m.serial);
  return std::unique_ptr<Transport>(new UsbTransport(ctx, h, ep, reattach, uri));
}

}  // namespace lockdiag::drivers
