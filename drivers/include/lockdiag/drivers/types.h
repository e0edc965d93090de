// Host-side views of the lock's answers: decoded from the wire layouts, never a code value.
#pragma once

#include <cstdint>
#include <string>

namespace lockdiag::drivers {

struct Identity {
  int protocol_major = 0;
  int protocol_minor = 0;
  std::string firmware;  // "1.0.0"
  std::string model;
  std::string serial;
  int hw_revision = 0;
  int slot_count = 0;
  uint32_t event_capacity = 0;
};

enum class BatteryState { kOk, kLow, kCritical };
enum class SessionState { kNone, kOpen, kFactory };

struct Status {
  bool withheld = true;  // no session: clock, lockout and log fields are not reported
  bool clock_set = false;
  bool factory_state = false;
  bool locked_out = false;
  bool tamper = false;
  bool enrollment_active = false;
  bool confirmation_pending = false;
  BatteryState battery_state = BatteryState::kOk;
  int battery_mv = 0;
  SessionState session = SessionState::kNone;
  int lockout_level = 0;
  int lockout_remaining_s = 0;
  uint32_t clock_utc = 0;
  int utc_offset_min = 0;
  int wrong_attempts = 0;
  uint32_t uptime_s = 0;
  uint32_t event_head_seq = 0;
  uint32_t event_count = 0;
};

struct Capabilities {
  int slot_count = 0;
  int min_code_len = 0;
  int max_code_len = 0;
  uint32_t event_capacity = 0;
  uint32_t features = 0;  // wire::FeatureFlags
  int max_admins = 0;
  int min_wrong_limit = 0, max_wrong_limit = 0;
  int min_disable_s = 0, max_disable_s = 0;
  int session_timeout_s = 0;
  int confirmation_timeout_s = 0;
  int enrollment_timeout_s = 0;
  int max_response = 0;
};

struct SessionInfo {
  SessionState state = SessionState::kNone;
  int opened_by = 0;        // wire::SessionOpenedBy
  int opened_by_slot = -1;
  uint32_t session_id = 0;
  int remaining_s = 0;
  int enroll_state = 0;     // wire::EnrollState
  int enroll_reason = 0;    // wire::Reason
  int enroll_slot = -1;
  int confirm_state = 0;    // wire::ConfirmState
  int confirm_action = 0;   // wire::ConfirmAction
  int confirm_ticket = 0;
  int confirm_arg = 0;
};

const char* to_string(BatteryState s);
const char* to_string(SessionState s);

}  // namespace lockdiag::drivers
