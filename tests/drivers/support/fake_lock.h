// A stand-in for the lock's service layer behind the real lockfw ServicePort: serves every
// command of wire.h from generated data (250 occupied slots, a 10,000-event ring), so the
// client's paged reads, typed wrappers and the link benchmark have something to read before
// (and independently of) the firmware's own implementation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/command_handler.h"
#include "lockdiag/drivers/types.h"
#include "lockfw/wire.h"

namespace lockdiag::test {

struct FakeLockConfig {
  std::string serial = "LD1-FAKE0001";
  uint16_t slot_count = 250;
  uint16_t occupied = 250;         // the first `occupied` slots hold codes
  int scheduled_percent = 30;      // share of occupied slots with a schedule block
  int only_kind = -1;              // >= 0: every scheduled slot has this wire::Kind (else a mix of 1-4)
  uint16_t stride = 1;             // occupied slots are 0, stride, 2*stride, ... (gaps between records)
  bool v1_0_slots = false;         // answer READ_SLOTS as a 1.0 lock: fixed records, whatever is asked
  uint32_t event_capacity = 10000;
  uint32_t events_stored = 10000;  // events in the ring
  uint32_t head_seq = 12345;       // the next event's sequence number (the ring has wrapped)
  std::vector<uint32_t> event_times;  // non-empty: the stored events' times, in order (events_stored follows)
  bool session_open = true;
  uint64_t seed = 1;
  uint8_t protocol_minor = lockfw::wire::kProtocolMinor;  // < 4: no ARM_SESSION (INVALID_COMMAND)
};

class FakeLock final : public lockfw::CommandHandler {
 public:
  explicit FakeLock(FakeLockConfig config = {});

  lockfw::Reply handle(uint8_t cmd, const uint8_t* request, uint16_t length, uint8_t* out,
                       uint16_t out_capacity) override;

  // What a correct client must read back.
  std::vector<drivers::SlotRecord> expected_slots() const;
  std::vector<drivers::Event> expected_events(uint32_t from_seq) const;
  uint32_t oldest_seq() const { return config_.head_seq - config_.events_stored; }
  const FakeLockConfig& config() const { return config_; }

  // Observable effects of the commands that change the lock.
  uint32_t clock_utc = 0;
  int16_t utc_offset = 0;
  int set_clock_count = 0;
  bool enrollment_active = false;
  uint16_t next_ticket = 1;
  bool confirmation_pending = false;
  drivers::LockoutPolicy policy;
  bool session_open;
  int handled = 0;
  int handled_by_cmd[256] = {};  // requests the service layer saw, by command
  size_t slot_record_bytes = 0;  // record bytes (heads excluded) of every READ_SLOTS page answered

 private:
  struct Slot {
    bool occupied = false, enabled = true, expired = false, first_use_started = false, retained = false;
    uint8_t role = 1, kind = 0;
    uint32_t created = 0, last_used = 0;
    uint16_t use_count = 0;
    uint8_t schedule[8] = {};
  };
  struct Ev {
    uint32_t time;
    uint8_t type;
    int slot;  // -1: none
    uint8_t reason;
    bool clock_not_set;
  };
  lockfw::Reply read_slots(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap);
  lockfw::wire::SlotRecordFields fields(uint16_t index) const;
  lockfw::Reply read_events(const uint8_t* req, uint16_t len, uint8_t* out, uint16_t cap);
  size_t encode_event(const Ev& e, uint32_t prev_time, uint8_t* p) const;

  FakeLockConfig config_;
  std::vector<Slot> slots_;
  std::vector<Ev> events_;  // events_[i] has seq oldest_seq() + i
};

}  // namespace lockdiag::test
