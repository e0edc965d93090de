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
  uint16_t marginal_keypad_mv = 4200;   // below this the keypad scan browns out: keys get lost
  // The less common product: a factory reset keeps the codes (and the secret that hashes them).
  bool retain_codes_on_reset = false;
  // Protocol 1.4: the service session belongs to the channel that armed it (ARM_SESSION). The
  // product sets this; false keeps the 1.3 lock-wide session (lockfw-sim --lock-wide-sessions,
  // for testing older hosts: docs/protocol.md 11).
  bool channel_sessions = true;
  // Timing.
  uint16_t key_timeout_ms = 5000;       // inter-key timeout: a half-typed entry is dropped
  uint16_t session_timeout_s = 300;     // idle service session
  uint16_t confirmation_timeout_s = 60;
  uint16_t enrollment_timeout_s = 120;
  // Lockout policy defaults (Matter: WrongCodeEntryLimit, UserCodeTemporaryDisableTime).
  uint8_t default_wrong_limit = 5;
  uint16_t default_disable_s = 60;
  uint16_t default_max_disable_s = 3600;
  // Flash layout (erase blocks of the Flash HAL): state journal ring, then the event ring.
  // Reference: 4 KiB blocks, 16 for state (two checkpoints of 250 slots + log room) and 41 for
  // events (254 per block: 40 full blocks > 10,000 events while the 41st is being erased).
  uint32_t state_first_block = 0;
  uint32_t state_blocks = 16;
  uint32_t event_first_block = 16;
  uint32_t event_blocks = 41;
};

}  // namespace lockfw
