// A whole virtual lock in one object: the firmware core (Lock + ServicePort) on the host HAL.
// lockfw-sim wraps one in sockets; tests, scenario building and the drivers team's in-process
// tests use it directly (feed on_report(), read what the UsbPort gets).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lock.h"
#include "core/service_port.h"
#include "host_hal.h"
#include "secret_store.h"

namespace lockfw::host {

class VirtualLock {
 public:
  struct Options {
    DeviceConfig config{};
    std::string serial = "LD1-00000000";
    uint64_t entropy_seed = 0;  // 0: getrandom (a real device secret); else reproducible
    hal::SecretStore* secrets = nullptr;  // null: an in-memory store owned by this object
  };
  // The flash and the clock outlive power cycles, so the caller owns them.
  VirtualLock(Options options, SimClock& clock, hal::Flash& flash, hal::UsbPort& usb);
  ~VirtualLock();

  bool boot();
  // Power lost and back: the RTC forgets the time, RAM is gone, the core boots from flash.
  bool power_cycle();

  Lock& lock() { return *lock_; }
  ServicePort& port() { return *port_; }
  HostRtc& rtc() { return rtc_; }
  HostBattery& battery() { return battery_; }
  HostBolt& bolt() { return bolt_; }
  SimClock& clock() { return clock_; }
  const DeviceConfig& config() const { return options_.config; }
  RamSecretStore& ram_secrets() { return ram_secrets_; }

  // Keys as a person presses them; a wet keypad adds phantom presses.
  void keypad(std::string_view keys);
  void set_wet(bool wet) { wet_ = wet; }
  bool wet() const { return wet_; }
  void advance_ms(uint64_t ms);
  void poll();

  // A service command straight into the core (no framing), for tests and scenario building.
  // It comes from channel 0 (kReservedCid), which the service port never allocates: arm
  // (kCmdArmSession) through call() before "code * 0 #" to get a session for these calls.
  struct Result {
    uint8_t error;
    std::vector<uint8_t> payload;
  };
  Result call(uint8_t cmd, const void* request = nullptr, uint16_t length = 0);

  // Manufacture (provision.cpp): the lock makes its device key (once); unless `cert` already
  // certifies that key, the TEST-ONLY manufacturer CA issues one valid from valid_after.
  // False: the secret store took no key (the lock then answers "not provisioned").
  bool provision_test_only(uint64_t valid_after);
  // The provisioning record the lock serves (kept across power cycles, like flash).
  void set_device_certificate(std::vector<uint8_t> cert);
  const std::vector<uint8_t>& device_certificate() const { return device_cert_; }

 private:
  Options options_;
  SimClock& clock_;
  hal::Flash& flash_;
  hal::UsbPort& usb_;
  HostTicks ticks_;
  HostRtc rtc_;
  HostBattery battery_;
  HostBolt bolt_;
  SodiumCrypto crypto_;
  HostEntropy os_entropy_;
  SeededEntropy seeded_;
  hal::Entropy* entropy_;
  RamSecretStore ram_secrets_;
  std::unique_ptr<Lock> lock_;
  std::unique_ptr<ServicePort> port_;
  bool wet_ = false;
  std::vector<uint8_t> device_cert_;
  uint32_t noise_ = 0x2545F491u;
};

}  // namespace lockfw::host
