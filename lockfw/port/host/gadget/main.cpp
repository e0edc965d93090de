// lockfw-sim-gadget: serves a running lockfw-sim's service port as a real USB HID device
// (Linux USB gadget: configfs + f_hid on a UDC). Every 64-byte report crosses unchanged, both
// ways; the USB serial number and bcdDevice come from the lock's own identity. When the
// simulator stops, the gadget is removed: to the USB host that is the cable being pulled.
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "core/bytes.h"
#include "gadget/gadget_server.h"
#include "lockfw/wire.h"

namespace {

volatile bool g_stop = false;
void on_signal(int) { g_stop = true; }

using namespace lockfw;
using namespace lockfw::wire;

int connect_socket(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return -1;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  for (int i = 0; i < 500; ++i) {
    const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
    if (fd >= 0) ::close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

// One single-report request and its single-report answer on `cid` (INIT and IDENTITY fit).
bool ask(int fd, uint32_t cid, uint8_t cmd, const uint8_t* data, uint16_t len, uint8_t* answer, uint16_t cap) {
  uint8_t r[kReportSize] = {};
  store_u32(r, cid);
  r[4] = static_cast<uint8_t>(cmd | kInitFlag);
  store_u16(r + 5, len);
  copy_bytes(r + kInitHeaderSize, data, len);
  if (::send(fd, r, sizeof r, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof r)) return false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    if (::recv(fd, r, sizeof r, 0) != static_cast<ssize_t>(sizeof r)) return false;
    if (load_u32(r) != cid || r[4] != (cmd | kInitFlag)) continue;
    const uint16_t n = load_u16(r + 5);
    if (n > kInitDataSize || n > cap) return false;
    copy_bytes(answer, r + kInitHeaderSize, n);
    if (cmd == kCmdInit && (n < 8 || std::memcmp(answer, data, 8) != 0)) continue;
    return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lockfw-sim-gadget: a running lockfw-sim as a real USB HID device (Linux USB gadget, needs root)"};
  std::string socket_path, udc = "dummy_udc.0", configfs = "/sys/kernel/config";
  app.add_option("--socket", socket_path, "the lockfw-sim service-port socket")->required();
  app.add_option("--udc", udc, "USB device controller to bind (see /sys/class/udc)")->capture_default_str();
  app.add_option("--configfs", configfs, "where configfs is mounted")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);

  const int sock = connect_socket(socket_path);
  if (sock < 0) {
    std::fprintf(stderr, "lockfw-sim-gadget: no lockfw-sim at %s\n", socket_path.c_str());
    return 1;
  }
  // The lock's identity gives the USB serial number and the firmware version (bcdDevice).
  uint8_t nonce[8];
  if (getrandom(nonce, sizeof nonce, 0) != static_cast<ssize_t>(sizeof nonce)) return 1;
  InitResponse init{};
  IdentityResponse id{};
  if (!ask(sock, kBroadcastCid, kCmdInit, nonce, sizeof nonce, reinterpret_cast<uint8_t*>(&init), sizeof init) ||
      !ask(sock, init.cid, kCmdGetIdentity, nullptr, 0, reinterpret_cast<uint8_t*>(&id), sizeof id)) {
    std::fprintf(stderr, "lockfw-sim-gadget: the lock at %s does not answer INIT/IDENTITY\n", socket_path.c_str());
    return 1;
  }
  char serial[sizeof id.serial + 1] = {};
  std::memcpy(serial, id.serial, sizeof id.serial);
  lockfw::host::GadgetOptions o;
  o.udc = udc;
  o.serial = serial;
  o.configfs = configfs;
  o.bcd_device = static_cast<uint16_t>(((id.fw_major / 10 % 10) << 12) | ((id.fw_major % 10) << 8) |
                                       ((id.fw_minor / 10 % 10) << 4) | (id.fw_minor % 10));
  o.product.assign(id.model, strnlen(id.model, sizeof id.model));
  lockfw::host::GadgetServer gadget;
  if (auto ok = gadget.start(o); !ok) {
    std::fprintf(stderr, "lockfw-sim-gadget: %s\n", ok.error().c_str());
    return 1;
  }
  std::fprintf(stderr, "lockfw-sim-gadget: lock %s on %s as USB %04x:%04x (%s)\n", serial, udc.c_str(), kUsbVendorId,
               kUsbProductId, gadget.device().c_str());

  // Relay: host OUT reports -> the simulator; the simulator's IN reports -> the host.
  while (!g_stop) {
    pollfd p[2] = {{gadget.fd(), static_cast<short>(POLLIN | (gadget.port().pending() ? POLLOUT : 0)), 0},
                   {sock, POLLIN, 0}};
    if (::poll(p, 2, 100) < 0 && errno != EINTR) break;
    if (p[0].revents & POLLIN)
      gadget.read_reports([&](const uint8_t* r) { (void)::send(sock, r, kReportSize, MSG_NOSIGNAL | MSG_DONTWAIT); });
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      uint8_t r[kReportSize + 1];
      const ssize_t n = ::recv(sock, r, sizeof r, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        std::fprintf(stderr, "lockfw-sim-gadget: the simulator went away; removing the USB device\n");
        break;
      }
      if (n == static_cast<ssize_t>(kReportSize)) gadget.port().send_report(r);
    }
    gadget.port().flush(gadget.fd());
  }
  ::close(sock);
  return 0;
}
