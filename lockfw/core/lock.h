// The lock's service-command handler. Grows with the firmware; see docs/firmware.md.
#pragma once

#include <stdint.h>

#include "core/command_handler.h"
#include "core/device_config.h"
#include "hal/hal.h"

namespace lockfw {

class Lock final : public CommandHandler {
 public:
  Lock(const DeviceConfig& config, const char* serial, hal::Ticks& ticks, hal::Battery& battery);

  Reply handle(uint8_t cmd, const uint8_t* request, uint16_t length, uint8_t* out,
               uint16_t out_capacity) override;

 private:
  uint16_t identity(uint8_t* out) const;
  uint16_t status(uint8_t* out);
  uint16_t capabilities(uint8_t* out) const;
  uint16_t session(uint8_t* out) const;

  const DeviceConfig& config_;
  char serial_[16] = {};
  hal::Ticks& ticks_;
  hal::Battery& battery_;
};

}  // namespace lockfw
