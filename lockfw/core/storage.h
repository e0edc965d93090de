// The lock's persistent storage on NOR flash: two rings of erase blocks.
//
//  - StateStore: a log-structured journal of slot and settings records. Every record carries
//    a CRC and is the unit of atomicity: a record is either wholly valid or ignored. Records
//    that describe an operation embed the events it logs, so a power cut between the record
//    and the event log is repaired at boot (the events are appended then). When the ring
//    runs short of free blocks the live state is copied forward as a checkpoint
//    (begin marker, copies, end marker); mount replays from the last complete checkpoint.
//  - EventLog: a ring of fixed 16-byte event records, each with its own CRC; the oldest
//    block is erased when the head needs room. A record torn by power loss is programmed
//    to all zeros (NOR can always clear bits) and skipped: it costs one record, not a block.
//
// Both rings write blocks strictly in ring order, so erase wear is spread evenly across
// every block of the region. Nothing here allocates; RAM holds only indexes.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "core/time_zone.h"
#include "hal/hal.h"

namespace lockfw {

inline constexpr uint32_t kBlockDataStart = 32;  // block header + padding
inline constexpr uint16_t kNoSlot = 0xFFFF;

struct BlockHeader {
  uint32_t magic;
  uint32_t seq;          // increments each time a block of the ring is (re)opened
  uint32_t aux;          // event ring: sequence number of the block's first event
  uint32_t erase_count;  // wear of this block
  uint32_t crc;
};

// A region of consecutive erase blocks used as a ring.
class BlockRing {
 public:
  static constexpr uint32_t kMaxBlocks = 64;
  void init(hal::Flash& flash, uint32_t first, uint32_t count, uint32_t magic);
  bool read_header(uint32_t i, BlockHeader& h);
  // Erases block i (keeping its wear count) and writes a fresh header.
  bool open_block(uint32_t i, uint32_t seq, uint32_t aux);
  uint32_t addr(uint32_t i, uint32_t off) const { return (first_ + i) * bsize_ + off; }
  uint32_t count() const { return count_; }
  uint32_t block_size() const { return bsize_; }
  hal::Flash& flash() { return *flash_; }
  // Finds the newest block and walks back over blocks with consecutive sequence numbers.
  // Returns the number of live blocks (0: empty region); head/tail are ring indexes.
  uint32_t find_window(uint32_t& head, uint32_t& tail, uint32_t* seqs, uint32_t* aux);
  bool blank(uint32_t i, uint32_t from);  // rest of the block still erased?
  bool erase(uint32_t i) { return flash_->erase(first_ + i); }  // drops the header (and wear count)

 private:
  hal::Flash* flash_ = nullptr;
  uint32_t first_ = 0, count_ = 0, bsize_ = 0, magic_ = 0;
};

// ---- events -------------------------------------------------------------------------------
struct Event {
  uint32_t seq;
  uint32_t time;
  uint8_t type;   // wire::EventType
  uint8_t extra;  // reason | kExtraClockNotSet
  uint16_t slot;  // kNoSlot: none
};

class EventLog {
 public:
  static constexpr uint32_t kRecordSize = 16;
  // Mounts the ring (formats it when it holds nothing). False: flash failure.
  bool mount(hal::Flash& flash, uint32_t first_block, uint32_t blocks);
  // Appends with ev.seq = head_seq(); false when the flash refused.
  bool append(Event& ev);
  bool read(uint32_t seq, Event& ev);
  uint32_t head_seq() const { return next_seq_; }
  uint32_t oldest_seq() const;
  uint32_t per_block() const { return per_block_; }
  uint32_t hole_count() const { return holes(); }  // records lost to torn writes, in the live window

 private:
  bool open_next();
  uint32_t holes() const;
  BlockRing ring_;
  uint32_t first_seq_[BlockRing::kMaxBlocks] = {};
  uint16_t fill_[BlockRing::kMaxBlocks] = {};   // valid events in the block
  uint16_t used_[BlockRing::kMaxBlocks] = {};   // record places taken (events + holes)
  uint32_t bseq_[BlockRing::kMaxBlocks] = {};
  bool live_[BlockRing::kMaxBlocks] = {};
  uint32_t head_ = 0, tail_ = 0, per_block_ = 0;
  uint32_t next_seq_ = 1;
};

// ---- state ---------------------------------------------------------------------------------
struct SlotData {
  uint8_t flags;               // wire::kSlotOccupied | kSlotEnabled | kSlotFirstUseStarted
  uint8_t role_kind;           // wire::pack_role_kind
  uint16_t reset_count;        // Settings::reset_count when the code was set
  uint32_t generation;         // Settings::generation when the code was set
  uint32_t created;
  uint32_t last_used;
  uint16_t use_count;
  uint16_t commit_token;       // the enrollment that wrote this code
  uint8_t schedule[8];         // wire::ScheduleBlock
  uint8_t hash[32];            // kSlotMacV2: HMAC-SHA-256(key, "lockfw-code-v2" | len | digits);
                               // else (older) HMAC-SHA-256(key, "lockfw-code-v1" | slot | len | digits)
};
// Internal slot flag (never on the wire): the hash is the slot-independent v2 MAC. Older slots
// are checked the v1 way until their code is next typed or enrolled, then rewritten.
inline constexpr uint8_t kSlotMacV2 = 0x80;

struct Settings {
  uint32_t generation;         // factory reset (clearing codes) increments it
  uint32_t secret_epoch;       // increments when the secret rotates
  uint8_t secret[32];          // images written before 1.2: the code-hash key; now always zero
                               // (the key is in hal::SecretStore; boot migrates old images)
  uint32_t event_floor;        // events below this sequence were wiped
  uint32_t session_counter;
  uint16_t reset_count;        // every factory reset, whether it clears codes or not
  uint16_t enroll_token;       // counter of enrollments
  uint16_t enroll_pending;     // slot + 1 of an enrollment open when power went; 0 none
  int16_t utc_offset_min;
  uint8_t wrong_limit;
  uint8_t doubling;
  uint16_t disable_s;
  uint16_t max_disable_s;
  uint8_t wrong_attempts;
  uint8_t lockout_level;
  uint8_t locked_out;
  // Since 1.2. These three bytes were reserved (zero) in 1.1 images: 0 means "not set",
  // and boot fills in the policy's default.
  uint8_t daily_cap;           // wrong entries per rolling 24 h before only the admin code works
  uint8_t quiet_h;             // the lockout level decays to 0 after this many hours without a wrong entry
  uint8_t secret_flags;        // kSecretScrubPending: blocks older than the checkpoint may still hold the old key
  // 1.2, appended (a 1.1 record is shorter; StateStore reads it and zero-fills these).
  uint32_t wrong_hour;         // hour (RTC seconds / 3600) that wrong_hours[wrong_hour % 25] counts
  uint8_t wrong_hours[25];     // wrong entries per hour over the last 25 hours (a 24 h window fits)
  uint8_t reserved2[3];
};
inline constexpr size_t kSettingsV11Size = 68;
inline constexpr uint8_t kSecretScrubPending = 1;  // the 1.1 layout: everything before wrong_hour

struct EventStub {
  uint8_t type;
  uint8_t extra;
  uint16_t slot;
};
// Events an operation logs, stored inside the operation's record.
struct OpEvents {
  uint32_t first_seq;
  uint32_t time;
  uint8_t count;
  uint8_t reserved[3];
  EventStub ev[2];
};

class StateStore {
 public:
  static constexpr uint16_t kMaxSlots = 256;
  // Mounts, formatting with `defaults` when the region holds no complete checkpoint.
  bool mount(hal::Flash& flash, uint32_t first_block, uint32_t blocks, uint16_t slot_count, const Settings& defaults);
  const Settings& settings() const { return settings_; }
  // The slot's stored record (whatever its generation); false if none or unreadable.
  bool slot(uint16_t index, SlotData& out);
  // The keypad check's read: the slot body without the record CRC (checked at mount; the
  // caller re-reads a matching slot with slot()). False if none or not a slot record.
  bool slot_unchecked(uint16_t index, SlotData& out);
  bool write_slot(uint16_t index, const SlotData& d, const OpEvents* ev);
  bool write_settings(const Settings& s, const OpEvents* ev);
  // The lock's time zone (a record of its own, copied by checkpoints); null clears it.
  bool write_zone(const tz::ZoneData* z, const OpEvents* ev);
  const tz::ZoneData* zone() const { return has_zone_ ? &zone_ : nullptr; }
  bool checkpoint();
  // Migration of the code-hash key out of the journal: writes `s` (its secret zeroed, the
  // scrub flag set) as a checkpoint that starts on a fresh block, then erases every block
  // outside that checkpoint, then clears the flag. Afterwards no earlier record survives.
  bool rewrite_without_history(const Settings& s);
  // Erases every block older than the current checkpoint (finishes an interrupted rewrite).
  bool erase_history();
  // The events of the last operation found at mount (for the boot-time repair), or null.
  const OpEvents* last_op() const { return has_last_op_ ? &last_op_ : nullptr; }
  bool formatted() const { return formatted_; }
  // True when the settings were read from an older, shorter record (see kSettingsV11Size):
  // the lock fills in the new fields' defaults and writes them back.
  bool settings_upgraded() const { return settings_upgraded_; }
  uint32_t checkpoints() const { return checkpoints_; }

 private:
  bool append(uint8_t tag, uint16_t key, const OpEvents* ev, const void* body, uint8_t len, bool in_ckpt,
              uint32_t* at = nullptr);
  bool reserve(uint32_t n, bool in_ckpt);
  bool read_record(uint32_t addr, uint8_t* buf, uint32_t cap, uint32_t& size);
  bool format(const Settings& defaults);
  bool replay();
  uint32_t span_blocks() const;

  BlockRing ring_;
  uint16_t slot_count_ = 0;
  uint32_t slot_loc_[kMaxSlots] = {};
  uint32_t bseq_[BlockRing::kMaxBlocks] = {};
  Settings settings_ = {};
  tz::ZoneData zone_ = {};
  bool has_zone_ = false;
  OpEvents last_op_ = {};
  bool has_last_op_ = false;
  uint32_t write_block_ = 0, write_off_ = 0;
  bool write_closed_ = true;
  uint32_t ckpt_block_ = 0;      // block of the last complete checkpoint's begin marker
  uint32_t ckpt_blocks_ = 0;     // most blocks one checkpoint can take
  uint32_t next_bseq_ = 1;
  uint32_t ckpt_id_ = 0;
  uint32_t checkpoints_ = 0;
  bool formatted_ = false;
  bool settings_upgraded_ = false;
};

}  // namespace lockfw
