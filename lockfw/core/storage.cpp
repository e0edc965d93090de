#include "core/storage.h"

#include "core/bytes.h"
#include "core/crc32.h"
#include "lockfw/wire.h"

namespace lockfw {

namespace {
constexpr uint32_t kHeaderBytes = 20;
constexpr uint32_t kMagicState = 0x5453464Cu;   // "LFST"
constexpr uint32_t kMagicEvents = 0x5645464Cu;  // "LFEV"
constexpr uint32_t kNone = 0xFFFFFFFFu;

constexpr uint8_t kTagSettings = 1;
constexpr uint8_t kTagSlot = 2;
constexpr uint8_t kTagCkptBegin = 3;
constexpr uint8_t kTagCkptEnd = 4;
constexpr uint8_t kTagZone = 5;  // tz::ZoneData; an empty name means "no zone" (images before it have none)
constexpr uint8_t kTagHasEvents = 0x80;
constexpr uint32_t kMaxRecord = 256;

struct CkptEnd {
  uint32_t id;
  uint32_t begin_bseq;
  uint32_t begin_off;
};

constexpr uint32_t rec_size(bool ev, uint32_t len) { return (4 + (ev ? sizeof(OpEvents) : 0) + len + 4 + 3) & ~3u; }
static_assert(rec_size(true, sizeof(Settings)) <= kMaxRecord && rec_size(true, sizeof(SlotData)) <= kMaxRecord &&
              rec_size(true, sizeof(tz::ZoneData)) <= kMaxRecord);
static_assert(sizeof(OpEvents) == 20);
static_assert(sizeof(SlotData) == 60);
static_assert(sizeof(Settings) == 100 && offsetof(Settings, wrong_hour) == kSettingsV11Size);

enum class Rd { kOk, kEnd, kBad };
}  // namespace

// ---- BlockRing -------------------------------------------------------------------------------

void BlockRing::init(hal::Flash& flash, uint32_t first, uint32_t count, uint32_t magic) {
  flash_ = &flash;
  first_ = first;
  count_ = count;
  bsize_ = flash.block_size();
  magic_ = magic;
}

bool BlockRing::read_header(uint32_t i, BlockHeader& h) {
  uint8_t raw[kHeaderBytes];
  if (!flash_->read(addr(i, 0), raw, kHeaderBytes)) return false;
  h.magic = load_u32(raw);
  h.seq = load_u32(raw + 4);
  h.aux = load_u32(raw + 8);
  h.erase_count = load_u32(raw + 12);
  h.crc = load_u32(raw + 16);
  return h.magic == magic_ && h.seq != 0 && h.crc == crc32(raw, 16);
}

bool BlockRing::open_block(uint32_t i, uint32_t seq, uint32_t aux) {
  BlockHeader old{};
  const uint32_t wear = read_header(i, old) ? old.erase_count : 0;
  if (!flash_->erase(first_ + i)) return false;
  uint8_t raw[kHeaderBytes];
  store_u32(raw, magic_);
  store_u32(raw + 4, seq);
  store_u32(raw + 8, aux);
  store_u32(raw + 12, wear + 1);
  store_u32(raw + 16, crc32(raw, 16));
  return flash_->prog(addr(i, 0), raw, kHeaderBytes);
}

uint32_t BlockRing::find_window(uint32_t& head, uint32_t& tail, uint32_t* seqs, uint32_t* aux) {
  bool any = false;
  for (uint32_t i = 0; i < count_; ++i) {
    BlockHeader h{};
    const bool ok = read_header(i, h);
    seqs[i] = ok ? h.seq : 0;
    aux[i] = ok ? h.aux : 0;
    if (ok && (!any || h.seq > seqs[head])) {
      head = i;
      any = true;
    }
  }
  if (!any) return 0;
  uint32_t n = 1;
  tail = head;
  while (n < count_) {
    const uint32_t p = (tail + count_ - 1) % count_;
    if (seqs[tail] < 2 || seqs[p] != seqs[tail] - 1) break;
    tail = p;
    ++n;
  }
  return n;
}

bool BlockRing::blank(uint32_t i, uint32_t from) {
  uint8_t buf[64];
  for (uint32_t off = from; off < bsize_; off += sizeof buf) {
    const uint32_t n = (bsize_ - off) < sizeof buf ? bsize_ - off : static_cast<uint32_t>(sizeof buf);
    if (!flash_->read(addr(i, off), buf, n)) return false;
    for (uint32_t k = 0; k < n; ++k)
      if (buf[k] != 0xFF) return false;
  }
  return true;
}

// ---- EventLog --------------------------------------------------------------------------------

namespace {
void encode_event(const Event& ev, uint8_t* rec) {
  store_u32(rec, ev.seq);
  store_u32(rec + 4, ev.time);
  rec[8] = ev.type;
  rec[9] = ev.extra;
  store_u16(rec + 10, ev.slot);
  store_u32(rec + 12, crc32(rec, 12));
}
bool decode_event(const uint8_t* rec, Event& ev) {
  if (load_u32(rec + 12) != crc32(rec, 12)) return false;
  ev.seq = load_u32(rec);
  ev.time = load_u32(rec + 4);
  ev.type = rec[8];
  ev.extra = rec[9];
  ev.slot = load_u16(rec + 10);
  return true;
}
bool all_ff(const uint8_t* p, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    if (p[i] != 0xFF) return false;
  return true;
}
}  // namespace

bool all_zero(const uint8_t* p, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    if (p[i] != 0) return false;
  return true;
}

bool EventLog::mount(hal::Flash& flash, uint32_t first_block, uint32_t blocks) {
  if (blocks < 2 || blocks > BlockRing::kMaxBlocks) return false;
  ring_.init(flash, first_block, blocks, kMagicEvents);
  per_block_ = (ring_.block_size() - kBlockDataStart) / kRecordSize;
  for (uint32_t i = 0; i < blocks; ++i) live_[i] = false;
  uint32_t seqs[BlockRing::kMaxBlocks], aux[BlockRing::kMaxBlocks];
  const uint32_t n = ring_.find_window(head_, tail_, seqs, aux);
  if (n == 0) {
    if (!ring_.open_block(0, 1, 1)) return false;
    head_ = tail_ = 0;
    live_[0] = true;
    bseq_[0] = 1;
    first_seq_[0] = 1;
    fill_[0] = used_[0] = 0;
    next_seq_ = 1;
    return true;
  }
  static constexpr uint8_t kHole[kRecordSize] = {};
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t i = (tail_ + k) % blocks;
    live_[i] = true;
    bseq_[i] = seqs[i];
    first_seq_[i] = aux[i];
    uint16_t fill = 0, used = 0;
    for (uint32_t r = 0; r < per_block_; ++r) {
      const uint32_t off = kBlockDataStart + r * kRecordSize;
      uint8_t rec[kRecordSize];
      Event ev{};
      if (!flash.read(ring_.addr(i, off), rec, kRecordSize)) return false;
      if (all_ff(rec, kRecordSize)) {
        if (!ring_.blank(i, off)) used = static_cast<uint16_t>(per_block_);  // garbage after: take no more
        break;
      }
      used = static_cast<uint16_t>(r + 1);
      if (all_zero(rec, kRecordSize)) continue;  // a hole left by an earlier torn write
      if (!decode_event(rec, ev) || ev.seq != first_seq_[i] + fill) {
        flash.prog(ring_.addr(i, off), kHole, kRecordSize);  // torn write: make it a hole
        continue;
      }
      ++fill;
    }
    fill_[i] = fill;
    used_[i] = used;
  }
  // Sequence numbers must chain from block to block; anything older than a break is dropped.
  // Walk from the window's first block (tail_ moves at a break, the walk must not).
  const uint32_t window_tail = tail_;
  for (uint32_t k = 1; k < n; ++k) {
    const uint32_t i = (window_tail + k) % blocks, p = (window_tail + k - 1) % blocks;
    if (first_seq_[i] != first_seq_[p] + fill_[p]) {
      for (uint32_t j = tail_; j != i; j = (j + 1) % blocks) live_[j] = false;
      tail_ = i;
    }
  }
  next_seq_ = first_seq_[head_] + fill_[head_];
  return true;
}

bool EventLog::open_next() {
  const uint32_t n = ring_.count();
  const uint32_t nx = (head_ + 1) % n;
  if (live_[nx]) {  // the oldest block makes room
    live_[nx] = false;
    tail_ = (nx + 1) % n;
  }
  const uint32_t seq = bseq_[head_] + 1;
  if (!ring_.open_block(nx, seq, next_seq_)) return false;
  head_ = nx;
  live_[nx] = true;
  bseq_[nx] = seq;
  first_seq_[nx] = next_seq_;
  fill_[nx] = used_[nx] = 0;
  return true;
}

bool EventLog::append(Event& ev) {
  if (used_[head_] >= per_block_) {
    if (!open_next()) return false;
  }
  ev.seq = next_seq_;
  uint8_t rec[kRecordSize];
  encode_event(ev, rec);
  const uint32_t at = ring_.addr(head_, kBlockDataStart + used_[head_] * kRecordSize);
  ++used_[head_];  // taken whatever happens: a failed write becomes a hole at the next mount
  if (!ring_.flash().prog(at, rec, kRecordSize)) return false;
  ++fill_[head_];
  ++next_seq_;
  return true;
}

uint32_t EventLog::oldest_seq() const { return first_seq_[tail_]; }

uint32_t EventLog::holes() const {
  uint32_t h = 0;
  for (uint32_t i = 0; i < ring_.count(); ++i)
    if (live_[i]) h += static_cast<uint32_t>(used_[i] - fill_[i]);
  return h;
}

bool EventLog::read(uint32_t seq, Event& ev) {
  if (seq < oldest_seq() || seq >= next_seq_) return false;
  const uint32_t n = ring_.count();
  for (uint32_t k = 0, i = tail_; k < n; ++k, i = (i + 1) % n) {
    if (!live_[i]) break;
    if (seq >= first_seq_[i] + fill_[i]) continue;
    if (seq < first_seq_[i]) return false;
    // Holes only push records later in the block: start where the event would be without
    // them and step over at most as many places as the block has holes.
    for (uint32_t q = seq - first_seq_[i]; q < used_[i]; ++q) {
      uint8_t rec[kRecordSize];
      if (!ring_.flash().read(ring_.addr(i, kBlockDataStart + q * kRecordSize), rec, kRecordSize)) return false;
      if (decode_event(rec, ev) && ev.seq == seq) return true;
      if (q - (seq - first_seq_[i]) >= static_cast<uint32_t>(used_[i] - fill_[i])) break;
    }
    return false;
  }
  return false;
}

// ---- StateStore ------------------------------------------------------------------------------

namespace {
Rd read_rec(hal::Flash& flash, uint32_t addr, uint32_t room, uint8_t* buf, uint32_t& size) {
  if (room < 8) return Rd::kEnd;
  if (!flash.read(addr, buf, 4)) return Rd::kBad;
  if (buf[0] == 0xFF) return Rd::kEnd;
  const uint8_t tag = buf[0];
  const uint8_t base = tag & 0x7F;
  if (base < kTagSettings || base > kTagZone) return Rd::kBad;
  size = rec_size(tag & kTagHasEvents, buf[1]);
  if (size > kMaxRecord || size > room) return Rd::kBad;
  if (!flash.read(addr, buf, size)) return Rd::kBad;
  const uint32_t crc_at = static_cast<uint32_t>(4 + ((tag & kTagHasEvents) ? sizeof(OpEvents) : 0) + buf[1]);
  if (load_u32(buf + crc_at) != crc32(buf, crc_at)) return Rd::kBad;
  return Rd::kOk;
}
inline uint32_t body_offset(uint8_t tag) { return 4 + ((tag & kTagHasEvents) ? sizeof(OpEvents) : 0); }
}  // namespace

bool StateStore::read_record(uint32_t addr, uint8_t* buf, uint32_t cap, uint32_t& size) {
  (void)cap;
  const uint32_t off = addr % ring_.block_size();
  return read_rec(ring_.flash(), addr, ring_.block_size() - off, buf, size) == Rd::kOk;
}

uint32_t StateStore::span_blocks() const { return (write_block_ + ring_.count() - ckpt_block_) % ring_.count() + 1; }

bool StateStore::mount(hal::Flash& flash, uint32_t first_block, uint32_t blocks, uint16_t slot_count,
                       const Settings& defaults) {
  if (blocks > BlockRing::kMaxBlocks || slot_count > kMaxSlots) return false;
  ring_.init(flash, first_block, blocks, kMagicState);
  slot_count_ = slot_count;
  // Most blocks one checkpoint can take: its begin marker at the very end of a block, then
  // settings, zone, every slot and the end marker packed into fresh blocks in that order.
  const uint32_t usable = ring_.block_size() - kBlockDataStart;
  if (usable < rec_size(false, sizeof(tz::ZoneData))) return false;
  ckpt_blocks_ = 2;
  uint32_t fill = rec_size(false, sizeof(Settings)) + rec_size(false, sizeof(tz::ZoneData));
  for (uint32_t i = 0; i <= slot_count_; ++i) {
    const uint32_t n = i < slot_count_ ? rec_size(false, sizeof(SlotData)) : rec_size(false, sizeof(CkptEnd));
    if (fill + n > usable) {
      ++ckpt_blocks_;
      fill = 0;
    }
    fill += n;
  }
  if (blocks < 2 * ckpt_blocks_ + 3) return false;
  formatted_ = false;
  settings_upgraded_ = false;
  if (replay()) return true;
  return format(defaults);
}

bool StateStore::replay() {
  for (auto& l : slot_loc_) l = 0;
  has_last_op_ = false;
  const uint32_t n = ring_.count();
  uint32_t head = 0, tail = 0, aux[BlockRing::kMaxBlocks];
  const uint32_t live = ring_.find_window(head, tail, bseq_, aux);
  next_bseq_ = live ? bseq_[head] + 1 : 1;
  write_block_ = live ? head : n - 1;
  write_closed_ = true;
  ckpt_block_ = kNone;
  if (live == 0) return false;

  uint8_t buf[kMaxRecord];
  bool found = false, partial = false;
  uint32_t cb_seq = 0, cb_off = 0, pb_seq = 0, pb_off = 0, pb_id = 0;
  for (uint32_t k = 0; k < live; ++k) {
    const uint32_t i = (tail + k) % n;
    uint32_t off = kBlockDataStart, size = 0;
    while (read_rec(ring_.flash(), ring_.addr(i, off), ring_.block_size() - off, buf, size) == Rd::kOk) {
      if ((buf[0] & 0x7F) == kTagCkptBegin && buf[1] == sizeof(uint32_t)) {
        partial = true;  // until its end marker shows up
        pb_seq = bseq_[i];
        pb_off = off;
        pb_id = load_u32(buf + 4);
      }
      if ((buf[0] & 0x7F) == kTagCkptEnd && buf[1] == sizeof(CkptEnd)) {
        partial = false;
        CkptEnd e;
        copy_bytes(&e, buf + body_offset(buf[0]), sizeof e);
        if (e.begin_bseq >= bseq_[tail] && e.begin_bseq <= bseq_[head] && e.begin_off >= kBlockDataStart) {
          found = true;
          cb_seq = e.begin_bseq;
          cb_off = e.begin_off;
          ckpt_id_ = e.id;
        }
      }
      off += size;
    }
  }
  if (!found) return false;

  const uint32_t i0 = (tail + (cb_seq - bseq_[tail])) % n;
  bool have_settings = false;
  // An interrupted checkpoint (begin marker, some copies, no end) is completed below: the
  // records it already holds are current copies, so only what it lacks is written.
  bool in_partial = false, settings_covered = false, zone_covered = false;
  has_zone_ = false;
  uint8_t covered[kMaxSlots / 8] = {};
  for (uint32_t i = i0;; i = (i + 1) % n) {
    uint32_t off = i == i0 ? cb_off : kBlockDataStart, size = 0;
    Rd r;
    while ((r = read_rec(ring_.flash(), ring_.addr(i, off), ring_.block_size() - off, buf, size)) == Rd::kOk) {
      const uint8_t tag = buf[0] & 0x7F;
      const uint8_t* body = buf + body_offset(buf[0]);
      if (partial && bseq_[i] == pb_seq && off == pb_off) in_partial = true;
      if (tag == kTagSettings && (buf[1] == sizeof(Settings) || buf[1] == kSettingsV11Size)) {
        // A 1.1 record is the prefix of today's layout: the appended fields read as zero.
        zero_bytes(&settings_, sizeof settings_);
        copy_bytes(&settings_, body, buf[1]);
        settings_upgraded_ = buf[1] != sizeof(Settings);
        have_settings = true;
        settings_covered = in_partial;
      } else if (tag == kTagZone && buf[1] == sizeof(tz::ZoneData)) {
        copy_bytes(&zone_, body, sizeof zone_);
        has_zone_ = zone_.name[0] != 0;
        zone_covered = in_partial;
      } else if (tag == kTagSlot && buf[1] == sizeof(SlotData)) {
        const uint16_t key = load_u16(buf + 2);
        if (key < slot_count_) {
          slot_loc_[key] = ring_.addr(i, off);
          if (in_partial) covered[key / 8] = static_cast<uint8_t>(covered[key / 8] | (1u << (key % 8)));
        }
      }
      if (buf[0] & kTagHasEvents) {
        copy_bytes(&last_op_, buf + 4, sizeof last_op_);
        has_last_op_ = true;
      }
      off += size;
    }
    if (i == head) {
      write_off_ = off;
      write_closed_ = r == Rd::kBad || !ring_.blank(i, off);
      break;
    }
  }
  ckpt_block_ = i0;
  if (!have_settings) return false;
  if (!in_partial) return true;
  // Finish the interrupted checkpoint: copy what it has not copied yet, then its end marker.
  const uint32_t pb_block = (tail + (pb_seq - bseq_[tail])) % n;  // before new blocks change bseq_
  if (!settings_covered && !append(kTagSettings, 0, nullptr, &settings_, sizeof settings_, true)) return true;
  if (has_zone_ && !zone_covered && !append(kTagZone, 0, nullptr, &zone_, sizeof zone_, true)) return true;
  for (uint16_t k = 0; k < slot_count_; ++k) {
    if (slot_loc_[k] == 0 || (covered[k / 8] & (1u << (k % 8)))) continue;
    SlotData d;
    if (!slot(k, d) || !(d.flags & wire::kSlotOccupied) || d.generation != settings_.generation) {
      slot_loc_[k] = 0;
      continue;
    }
    if (!append(kTagSlot, k, nullptr, &d, sizeof d, true, &slot_loc_[k])) return true;
  }
  const CkptEnd end{pb_id, pb_seq, pb_off};
  if (!append(kTagCkptEnd, 0, nullptr, &end, sizeof end, true)) return true;
  ckpt_block_ = pb_block;
  ckpt_id_ = pb_id;
  ++checkpoints_;
  return true;
}

bool StateStore::format(const Settings& defaults) {
  settings_ = defaults;
  for (auto& l : slot_loc_) l = 0;
  has_last_op_ = false;
  has_zone_ = false;
  write_closed_ = true;
  ckpt_block_ = kNone;
  formatted_ = true;
  return checkpoint();
}

bool StateStore::reserve(uint32_t n, bool in_ckpt) {
  const uint32_t bsize = ring_.block_size();
  if (!write_closed_ && write_off_ + n <= bsize) return true;
  if (!in_ckpt && ckpt_block_ != kNone && ring_.count() - (span_blocks() + 1) < ckpt_blocks_ + 1) {
    if (!checkpoint()) return false;
    if (!write_closed_ && write_off_ + n <= bsize) return true;
  }
  const uint32_t nx = (write_block_ + 1) % ring_.count();
  if (nx == ckpt_block_) return false;  // cannot happen with the sizing rule in mount()
  if (!ring_.open_block(nx, next_bseq_, 0)) {
    write_closed_ = true;
    return false;
  }
  bseq_[nx] = next_bseq_++;
  write_block_ = nx;
  write_off_ = kBlockDataStart;
  write_closed_ = false;
  return true;
}

bool StateStore::append(uint8_t tag, uint16_t key, const OpEvents* ev, const void* body, uint8_t len, bool in_ckpt,
                        uint32_t* at) {
  const uint32_t n = rec_size(ev != nullptr, len);
  if (!reserve(n, in_ckpt)) return false;
  uint8_t buf[kMaxRecord];
  zero_bytes(buf, sizeof buf);
  buf[0] = static_cast<uint8_t>(tag | (ev ? kTagHasEvents : 0));
  buf[1] = len;
  store_u16(buf + 2, key);
  uint32_t p = 4;
  if (ev) {
    copy_bytes(buf + p, ev, sizeof *ev);
    p += sizeof *ev;
  }
  copy_bytes(buf + p, body, len);
  p += len;
  store_u32(buf + p, crc32(buf, p));
  const uint32_t addr = ring_.addr(write_block_, write_off_);
  if (!ring_.flash().prog(addr, buf, n)) {
    write_closed_ = true;
    return false;
  }
  write_off_ += n;
  if (at) *at = addr;
  return true;
}

bool StateStore::checkpoint() {
  const uint32_t id = ckpt_id_ + 1;
  uint32_t begin_at = 0;
  if (!append(kTagCkptBegin, 0, nullptr, &id, sizeof id, true, &begin_at)) return false;
  const uint32_t begin_block = write_block_;
  const uint32_t begin_off = begin_at % ring_.block_size();
  if (!append(kTagSettings, 0, nullptr, &settings_, sizeof settings_, true)) return false;
  if (has_zone_ && !append(kTagZone, 0, nullptr, &zone_, sizeof zone_, true)) return false;
  for (uint16_t i = 0; i < slot_count_; ++i) {
    if (slot_loc_[i] == 0) continue;
    SlotData d;
    if (!slot(i, d) || !(d.flags & wire::kSlotOccupied) || d.generation != settings_.generation) {
      slot_loc_[i] = 0;  // deleted or cleared by a reset: not carried forward
      continue;
    }
    if (!append(kTagSlot, i, nullptr, &d, sizeof d, true, &slot_loc_[i])) return false;
  }
  const CkptEnd end{id, bseq_[begin_block], begin_off};
  if (!append(kTagCkptEnd, 0, nullptr, &end, sizeof end, true)) return false;
  ckpt_block_ = begin_block;
  ckpt_id_ = id;
  ++checkpoints_;
  return true;
}

bool StateStore::erase_history() {
  const uint32_t n = ring_.count();
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t from_ckpt = (i + n - ckpt_block_) % n;
    const uint32_t span = (write_block_ + n - ckpt_block_) % n;
    if (from_ckpt <= span) continue;  // part of the live checkpoint or written after it
    if (ring_.blank(i, 0)) continue;
    if (!ring_.erase(i)) return false;
    bseq_[i] = 0;
  }
  return true;
}

bool StateStore::rewrite_without_history(const Settings& s) {
  Settings flagged = s;
  flagged.secret_flags = static_cast<uint8_t>(flagged.secret_flags | kSecretScrubPending);
  settings_ = flagged;
  write_closed_ = true;  // the checkpoint opens a fresh block: nothing older shares it
  if (!checkpoint() || !erase_history()) return false;
  Settings done = flagged;
  done.secret_flags = static_cast<uint8_t>(done.secret_flags & ~kSecretScrubPending);
  return write_settings(done, nullptr);
}

bool StateStore::slot(uint16_t index, SlotData& out) {
  if (index >= slot_count_ || slot_loc_[index] == 0) return false;
  uint8_t buf[kMaxRecord];
  uint32_t size = 0;
  if (!read_record(slot_loc_[index], buf, sizeof buf, size)) return false;
  if ((buf[0] & 0x7F) != kTagSlot || buf[1] != sizeof(SlotData) || load_u16(buf + 2) != index) return false;
  copy_bytes(&out, buf + body_offset(buf[0]), sizeof out);
  return true;
}

bool StateStore::slot_unchecked(uint16_t index, SlotData& out) {
  if (index >= slot_count_ || slot_loc_[index] == 0) return false;
  uint8_t hdr[4];
  if (!ring_.flash().read(slot_loc_[index], hdr, sizeof hdr)) return false;
  if ((hdr[0] & 0x7F) != kTagSlot || hdr[1] != sizeof(SlotData) || load_u16(hdr + 2) != index) return false;
  return ring_.flash().read(slot_loc_[index] + body_offset(hdr[0]), reinterpret_cast<uint8_t*>(&out), sizeof out);
}

bool StateStore::write_slot(uint16_t index, const SlotData& d, const OpEvents* ev) {
  if (index >= slot_count_) return false;
  uint32_t at = 0;
  if (!append(kTagSlot, index, ev, &d, sizeof d, false, &at)) return false;
  slot_loc_[index] = at;
  return true;
}

bool StateStore::write_settings(const Settings& s, const OpEvents* ev) {
  // A checkpoint forced by this write copies the old settings first; then the new record.
  if (!append(kTagSettings, 0, ev, &s, sizeof s, false)) return false;
  settings_ = s;
  return true;
}

}  // namespace lockfw

namespace lockfw {

bool StateStore::write_zone(const tz::ZoneData* z, const OpEvents* ev) {
  tz::ZoneData body{};  // null: the "no zone" record
  if (z) copy_bytes(&body, z, sizeof body);
  if (!append(kTagZone, 0, ev, &body, sizeof body, false)) return false;
  zone_ = body;
  has_zone_ = body.name[0] != 0;
  return true;
}

}  // namespace lockfw
