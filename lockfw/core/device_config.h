// What a lock model is: fixed at build time for a product, provisioned serial at the factory.
#pragma once

#include <stdint.h>

namespace lockfw {

struct DeviceConfig {
  const char* model = "LD-100 Keypad Deadbolt";
  uint8_t fw_major = 1;
  uint8_t fw_minor = 0;
  uint16_t fw_patch = 0;
  uint16_t hw_revision = 3;
  uint16_t slot_count = 250;
  uint32_t event_capacity = 10000;
  uint8_t min_code_len = 4;
  uint8_t max_code_len = 10;
  uint8_t max_admins = 1;
  uint16_t low_battery_mv = 4400;       // 4 x AA alkaline: ~6.0 V fresh
  uint16_t critical_battery_mv = 4000;
};

}  // namespace lockfw
