// The lock: slots, keypad, lockout, clock, battery, sessions, enrollment, confirmations and
// the service commands, over the storage journal. See docs/firmware.md.
#pragma once

#include <stdint.h>

#include "core/command_handler.h"
#include "core/device_config.h"
#include "core/storage.h"
#include "core/time_zone.h"
#include "hal/hal.h"

namespace lockfw {

struct LockHal {
  hal::Ticks& ticks;
  hal::Rtc& rtc;
  hal::Battery& battery;
  hal::Bolt& bolt;
  hal::Flash& flash;
  hal::Crypto& crypto;
  hal::Entropy& entropy;
  hal::SecretStore& secrets;  // the code-hash key lives here, never in the journal
};

class Lock final : public CommandHandler {
 public:
  Lock(const DeviceConfig& config, const char* serial, const LockHal& hal);

  // Mounts storage, repairs what a power cut interrupted, logs power-on. False: the flash
  // failed; the lock still answers identity/status and refuses the rest with kErrStorageFailure.
  bool boot();

  Reply handle(uint8_t cmd, const uint8_t* request, uint16_t length, uint8_t* out, uint16_t out_capacity) override;
  // 1.4: sessions bound to a channel (lock_session.cpp). Channel 0 (kReservedCid, never one the
  // service port allocates) is the in-process caller of tests and lockfw-sim's control.
  void set_channel(uint32_t cid) override { channel_ = cid; }
  void channel_released(uint32_t cid) override;

  // Physical inputs.
  void key(char c);      // '0'-'9', '*', '#'
  void key_override();   // mechanical key turned
  void tamper();         // escutcheon removed
  // Timeouts (keys, lockout, session, enrollment, confirmation) and battery watch.
  void poll();

  // Read-only views for the simulator's control interface and for tests.
  bool storage_ok() const { return storage_ok_; }
  // False: the secret store has no code-hash key for this (non-fresh) state image, so no code
  // can be checked; every keypad entry is refused (REJECTED, STORAGE) and enrollment too.
  bool secret_ok() const { return secret_ok_; }
  bool factory_state() const { return admin_count_ == 0; }
  uint8_t session_state() const;
  uint8_t enroll_state() const { return enroll_.state; }
  uint8_t confirm_state() const { return confirm_.state; }
  bool locked_out() const { return locked_out_; }
  uint8_t battery_state();
  EventLog& events() { return log_; }
  StateStore& state() { return store_; }
  const DeviceConfig& config() const { return config_; }
  // The slot as the service port reports it (occupied in the current generation); false if free.
  bool read_slot(uint16_t index, SlotData& out);
  const tz::TimeZone& time_zone() const { return tz_; }
  // The keypad check alone (tests/bench/bench_keypad): the slot whose code this is, or -1.
  // Like a typed code, it rewrites an older-format slot that matches in the v2 format.
  int check_code(const char* digits, uint8_t n) { return match(digits, n, false); }

  // Attestation (lock_attestation.cpp). Manufacture: the first call generates the device key
  // inside the lock into the secret store (never the journal) and answers its public key;
  // later calls answer the same key. False: no key and none could be stored.
  bool provision_device_key(uint8_t pk[32]);
  // The manufacturer's certificate for the device key (a provisioning record the port keeps;
  // public, not copied: the bytes must outlive the lock).
  void set_device_certificate(const uint8_t* cert, uint16_t len) { device_cert_ = cert, device_cert_len_ = len; }

 private:
  struct Enroll {
    uint8_t state, reason, role, kind;
    uint16_t slot;
    uint8_t schedule[8];
    uint8_t first_hash[32];
    uint32_t started_ms;
  };
  struct Confirm {
    uint8_t state, action;
    uint16_t ticket, arg;
    uint32_t started_ms;
  };

  // commands
  uint16_t identity(uint8_t* out) const;
  uint16_t status(uint8_t* out);
  uint16_t capabilities(uint8_t* out) const;
  uint16_t session(uint8_t* out);
  Reply read_slots(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap);
  Reply read_events(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap);
  Reply fingerprint(uint8_t* out);
  Reply set_clock(const uint8_t* req, uint16_t len, uint8_t* out);
  Reply open_enrollment(const uint8_t* req, uint16_t len);
  Reply delete_slot(const uint8_t* req, uint16_t len, uint8_t* out);
  Reply factory_reset(const uint8_t* req, uint16_t len, uint8_t* out);
  Reply set_slot_enabled(const uint8_t* req, uint16_t len);
  Reply set_schedule(const uint8_t* req, uint16_t len);
  Reply set_policy(const uint8_t* req, uint16_t len);
  // time zone (lock_zone.cpp)
  Reply set_time_zone(const uint8_t* req, uint16_t len, uint8_t* out);
  uint16_t time_zone_status(uint8_t* out);
  void refresh_zone();
  // attestation (lock_attestation.cpp)
  Reply attestation(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap);
  uint16_t attestation_body(const uint8_t* challenge, uint8_t* out);

  // keypad flows
  void submit();
  void unlock_attempt(const char* d, uint8_t n);
  void unlock_slot(uint16_t idx);
  static constexpr int kRefusedAdmin = -0x10000;  // below every -2 - slot
  int admin_presence(const char* d, uint8_t n);
  void roll_hours(Settings& s);
  uint16_t wrong_today(const Settings& s) const;
  bool daily_capped();
  void decay_level(Settings& s);
  void service_attempt(const char* d, uint8_t n);
  void enroll_entry(const char* d, uint8_t n);
  void confirm_entry(const char* d, uint8_t n, bool cancel);
  void wrong_code(uint16_t slot_hint);
  void enroll_abort(uint8_t reason);
  void confirm_finish(uint8_t state, uint8_t event);
  void execute_confirmed();
  void end_session(uint8_t event, uint8_t reason = 0);
  // sessions bound to a channel (lock_session.cpp)
  Reply arm_session(uint8_t* out);
  bool arm_live() const;
  bool session_mine() const;
  uint8_t channel_session_state() const;
  uint16_t session_refusal() const;  // ErrorResponse.detail of SESSION_REQUIRED
  bool take_arm();                   // "code * 0 #" typed: the armed channel gets the session
  bool withdraw_arm();               // CLOSE_SESSION from the armed channel: it stopped waiting
  // Issue 11 item 7 (change_source.cpp): who made a change; old and new values.
  void log_change_source(uint16_t keypad_slot);
  void log_value_change(uint8_t field, uint16_t old_value, uint16_t new_value);
  void log_policy_change(const Settings& o, const Settings& n);
  void log_schedule_change(uint8_t old_kind, const uint8_t* old_b, uint8_t new_kind, const uint8_t* new_b);
  void start_lockout_timer();

  // helpers
  int match(const char* d, uint8_t n, bool admin_only, int skip_slot = -1);
  void code_mac(const char* d, uint8_t n, uint8_t out[32]);
  void legacy_mac(const hal::Crypto::HmacState& base, uint16_t slot, const char* d, uint8_t n, uint8_t out[32]);
  void legacy_base(hal::Crypto::HmacState& base);
  bool holds_code(uint16_t i, const SlotData& s, const char* d, uint8_t n, const uint8_t h[32]);
  bool occupied(const SlotData& d) const;
  uint8_t schedule_reason(const SlotData& d, uint32_t now, bool set, bool* expired = nullptr) const;
  uint8_t validate_schedule(uint8_t kind, uint8_t* sched);
  void recount_admins();
  uint32_t now_s();
  uint8_t clock_extra();
  void log(uint8_t type, uint16_t slot = kNoSlot, uint8_t reason = 0);
  OpEvents ops(uint8_t type0, uint16_t slot0, uint8_t reason0, uint8_t type1 = 0, uint16_t slot1 = kNoSlot,
               uint8_t reason1 = 0);
  bool commit_slot(uint16_t index, const SlotData& d, const OpEvents& ev);
  bool commit_settings(const Settings& s, const OpEvents* ev);
  void flush_ops(const OpEvents& ev);
  void clear_entry();
  Settings default_settings();
  void load_secret();
  bool rotate_secret();

  const DeviceConfig& config_;
  char serial_[16] = {};
  LockHal hal_;
  StateStore store_;
  EventLog log_;
  bool storage_ok_ = false;
  bool secret_ok_ = false;
  uint8_t key_[hal::kSecretSize] = {};  // copy of the secret store's code-hash key
  uint16_t admin_count_ = 0;
  uint32_t boot_ms_ = 0;

  // keypad
  char entry_[16] = {};
  uint8_t entry_len_ = 0;
  bool entry_overflow_ = false;
  uint32_t last_key_ms_ = 0;
  uint32_t rng_ = 0x12345678u;

  // lockout (counters live in Settings; the timer in RAM)
  bool locked_out_ = false;
  uint32_t lockout_until_ms_ = 0;

  // session
  uint8_t session_open_ = 0;  // 1 open (keypad or after factory onboarding)
  uint8_t opened_by_ = 0;
  uint16_t opened_by_slot_ = 0xFFFF;
  uint32_t session_last_ms_ = 0;
  uint32_t channel_ = 0;       // the channel of the command being handled
  uint32_t session_cid_ = 0;   // the channel the open session belongs to
  uint32_t armed_cid_ = 0;     // the channel that armed "* 0 #" (while armed_)
  uint32_t armed_ms_ = 0;
  uint32_t factory_cid_ = 0;   // the channel that opened the first admin's enrollment
  bool armed_ = false;
  Enroll enroll_ = {};
  Confirm confirm_ = {};
  uint16_t ticket_counter_ = 0;

  tz::TimeZone tz_;  // the stored zone, or the fixed offset of the last SET_CLOCK
  bool tamper_ = false;
  uint8_t battery_last_ = 0;
  const uint8_t* device_cert_ = nullptr;
  uint16_t device_cert_len_ = 0;
};

}  // namespace lockfw
