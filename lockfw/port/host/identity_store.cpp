#include "identity_store.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "host_hal.h"

namespace lockfw::host {

namespace {
constexpr const char* kMagic = "lockfw-sim-state 1";
}

std::expected<std::string, std::string> load_or_create_serial(const std::string& state_path) {
  std::ifstream in(state_path);
  if (in) {
    std::string magic, serial;
    std::getline(in, magic);
    std::getline(in, serial);
    if (magic != kMagic || serial.empty() || serial.size() > 15)
      return std::unexpected("state file " + state_path + " is not a lockfw-sim state file (refusing to overwrite it)");
    return serial;
  }
  uint8_t raw[4];
  HostEntropy().fill(raw, sizeof raw);
  char serial[16];
  std::snprintf(serial, sizeof serial, "LD1-%02X%02X%02X%02X", raw[0], raw[1], raw[2], raw[3]);
  std::ofstream out(state_path, std::ios::trunc);
  out << kMagic << "\n" << serial << "\n";
  if (!out) return std::unexpected("cannot write state file " + state_path);
  return std::string(serial);
}

}  // namespace lockfw::host
