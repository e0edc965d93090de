#include "core/lock.h"

#include "core/bytes.h"
#include "lockfw/wire.h"

namespace lockfw {

using namespace wire;

namespace {
void copy_padded(char* dst, size_t cap, const char* src) {
  size_t i = 0;
  for (; i < cap && src[i] != '\0'; ++i) dst[i] = src[i];
  for (; i < cap; ++i) dst[i] = '\0';
}
}  // namespace

Lock::Lock(const DeviceConfig& config, const char* serial, hal::Ticks& ticks, hal::Battery& battery)
    : config_(config), ticks_(ticks), battery_(battery) {
  copy_padded(serial_, sizeof serial_, serial);
}

Reply Lock::handle(uint8_t cmd, const uint8_t*, uint16_t, uint8_t* out, uint16_t out_capacity) {
  if (out_capacity < 64) return Reply::fail(kErrInvalidLength);
  switch (cmd) {
    case kCmdGetIdentity: return Reply::ok(identity(out));
    case kCmdGetStatus: return Reply::ok(status(out));
    case kCmdGetCapabilities: return Reply::ok(capabilities(out));
    case kCmdGetSession: return Reply::ok(session(out));
    default:
      if (cmd >= kCmdCloseSession && cmd <= kCmdCancelConfirmation) return Reply::fail(kErrSessionRequired);
      return Reply::fail(kErrInvalidCommand);
  }
}

uint16_t Lock::identity(uint8_t* out) const {
  IdentityResponse r{};
  r.protocol_major = kProtocolMajor;
  r.protocol_minor = kProtocolMinor;
  r.fw_major = config_.fw_major;
  r.fw_minor = config_.fw_minor;
  r.fw_patch = config_.fw_patch;
  copy_padded(r.model, sizeof r.model, config_.model);
  copy_bytes(r.serial, serial_, sizeof r.serial);
  r.slot_count = config_.slot_count;
  r.hw_revision = config_.hw_revision;
  r.event_capacity = config_.event_capacity;
  copy_bytes(out, &r, sizeof r);
  return sizeof r;
}

uint16_t Lock::status(uint8_t* out) {
  StatusResponse r{};
  r.battery_mv = battery_.millivolts();
  r.battery_state = r.battery_mv <= config_.critical_battery_mv ? kBatteryCritical
                    : r.battery_mv <= config_.low_battery_mv    ? kBatteryLow
                                                                : kBatteryOk;
  r.session_state = kSessionNone;
  r.flags = kStatusWithheld;
  r.uptime_s = ticks_.now_ms() / 1000;
  copy_bytes(out, &r, sizeof r);
  return sizeof r;
}

uint16_t Lock::capabilities(uint8_t* out) const {
  CapabilitiesResponse r{};
  r.slot_count = config_.slot_count;
  r.min_code_len = config_.min_code_len;
  r.max_code_len = config_.max_code_len;
  r.event_capacity = config_.event_capacity;
  r.features = kFeatureRtc | kFeatureWeekdaySchedules | kFeatureDateRangeSchedules | kFeatureExpiring |
               kFeatureExpireAfterFirstUse | kFeatureFullWipe | kFeatureBatterySense | kFeatureTamperSensor |
               kFeatureMechanicalKey;
  r.max_admins = config_.max_admins;
  r.min_wrong_limit = 1;
  r.max_wrong_limit = 255;
  r.min_disable_s = 1;
  r.max_disable_s = 3600;
  r.session_timeout_s = 300;
  r.confirmation_timeout_s = 60;
  r.enrollment_timeout_s = 120;
  r.max_response = 1024;
  copy_bytes(out, &r, sizeof r);
  return sizeof r;
}

uint16_t Lock::session(uint8_t* out) const {
  SessionResponse r{};
  r.state = kSessionNone;
  r.opened_by_slot = 0xFFFF;
  copy_bytes(out, &r, sizeof r);
  return sizeof r;
}

}  // namespace lockfw
