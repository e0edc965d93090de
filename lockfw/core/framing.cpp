#include "core/framing.h"

#include "core/bytes.h"

namespace lockfw {

using namespace wire;

uint32_t ChannelTable::allocate(uint32_t seed, uint32_t* evicted) {
  uint32_t cid;
  do {
    // Mix the seed so channel ids are not guessable in sequence; never 0 or broadcast.
    counter_ += 0x9E3779B9u;
    cid = (seed ^ counter_) * 2654435761u;
  } while (cid == kReservedCid || cid == kBroadcastCid || contains(cid));
  if (evicted) *evicted = cids_[next_];
  cids_[next_] = cid;
  txns_[next_] = 0;
  next_ = (next_ + 1) % kChannels;
  return cid;
}

int ChannelTable::find(uint32_t cid) const {
  if (cid == kReservedCid || cid == kBroadcastCid) return -1;
  for (size_t i = 0; i < kChannels; ++i)
    if (cids_[i] == cid) return static_cast<int>(i);
  return -1;
}

bool ChannelTable::contains(uint32_t cid) const { return find(cid) >= 0; }

uint8_t ChannelTable::last_txn(uint32_t cid) const {
  const int i = find(cid);
  return i < 0 ? 0 : txns_[i];
}

void ChannelTable::set_last_txn(uint32_t cid, uint8_t txn) {
  const int i = find(cid);
  if (i >= 0) txns_[i] = txn;
}

RxResult RequestAssembler::error(uint32_t cid, uint8_t code) {
  RxResult r{};
  r.kind = RxResult::kError;
  r.err_cid = cid;
  r.err_code = code;
  return r;
}

RxResult RequestAssembler::poll(uint32_t now_ms) {
  if (active_ && now_ms - last_ms_ > kContinuationTimeoutMs) {
    active_ = false;
    return error(cid_, kErrMessageTimeout);
  }
  return RxResult{};
}

RxResult RequestAssembler::on_report(const uint8_t* report, uint32_t now_ms, ChannelTable& channels) {
  const uint32_t cid = load_u32(report);
  const bool is_init = (report[4] & kInitFlag) != 0;

  if (active_ && now_ms - last_ms_ > kContinuationTimeoutMs) active_ = false;  // stale partial

  if (!is_init) {
    if (!channels.contains(cid)) return error(cid, kErrInvalidChannel);
    if (!active_) {
      if (done_cid_ != 0 && cid == done_cid_ && report[4] == done_seq_) {
        done_cid_ = 0;
        return RxResult{};  // the last piece of the numbered message just taken, again
      }
      return error(cid, kErrInvalidSequence);  // continuation without init
    }
    if (cid != cid_) return error(cid, kErrChannelBusy);
    if (report[4] != next_seq_) {
      if (txn_ != 0 && next_seq_ > 0 && report[4] == next_seq_ - 1) return RxResult{};  // the piece just taken, again
      active_ = false;
      return error(cid, kErrInvalidSequence);
    }
    const uint16_t left = static_cast<uint16_t>(expected_ - received_);
    const uint16_t n = left < kContDataSize ? left : static_cast<uint16_t>(kContDataSize);
    copy_bytes(buf_ + received_, report + kContHeaderSize, n);
    received_ = static_cast<uint16_t>(received_ + n);
    ++next_seq_;
    last_ms_ = now_ms;
    if (received_ < expected_) return RxResult{};
    active_ = false;
    done_cid_ = txn_ != 0 ? cid_ : 0;
    done_seq_ = static_cast<uint8_t>(next_seq_ - 1);
    RxResult r{};
    r.kind = RxResult::kMessage;
    r.frame = Frame{cid_, cmd_, buf_, expected_};
    return r;
  }

  const uint8_t cmd = static_cast<uint8_t>(report[4] & ~kInitFlag);
  const uint16_t raw_bcnt = load_u16(report + 5);
  const uint16_t bcnt = static_cast<uint16_t>(raw_bcnt & kBcntLengthMask);
  const uint8_t txn = cmd == kCmdInit ? 0 : static_cast<uint8_t>(raw_bcnt >> kTxnShift);
  if (cid == kReservedCid) return error(cid, kErrInvalidChannel);
  if (cid == kBroadcastCid && cmd != kCmdInit) return error(cid, kErrInvalidChannel);
  if (cid != kBroadcastCid && !channels.contains(cid)) return error(cid, kErrInvalidChannel);
  done_cid_ = 0;  // a repeat comes right after its original, before any other init
  if (txn != 0) {
    // A numbered request with the number of the last one taken on this channel is that same
    // request again (its report arrived twice): it is not carried out or answered again.
    if (channels.last_txn(cid) == txn) return RxResult{};
    channels.set_last_txn(cid, txn);  // taken, whether it is carried out or refused below
  }
  if (active_ && cid != cid_) return error(cid, kErrChannelBusy);
  if (active_ && cmd != kCmdInit) {  // a new init in the middle of our own message
    active_ = false;
    return error(cid, kErrInvalidSequence);
  }
  active_ = false;  // INIT resynchronises: any partial message on this channel is dropped
  if (cmd == kCmdInit && cid != kBroadcastCid) channels.set_last_txn(cid, 0);  // and any number is new again
  if (bcnt > cap_ || bcnt > kMaxMessageSize) return error(cid, kErrInvalidLength);

  const uint16_t first = bcnt < kInitDataSize ? bcnt : static_cast<uint16_t>(kInitDataSize);
  copy_bytes(buf_, report + kInitHeaderSize, first);
  if (first == bcnt) {
    RxResult r{};
    r.kind = RxResult::kMessage;
    r.frame = Frame{cid, cmd, buf_, bcnt};
    return r;
  }
  active_ = true;
  cid_ = cid;
  cmd_ = cmd;
  txn_ = txn;
  expected_ = bcnt;
  received_ = first;
  next_seq_ = 0;
  last_ms_ = now_ms;
  return RxResult{};
}

void ResponseSender::start(uint32_t cid, uint8_t cmd, const uint8_t* payload, uint16_t length) {
  active_ = true;
  cid_ = cid;
  cmd_ = cmd;
  data_ = payload;
  length_ = length;
  offset_ = 0;
  seq_ = 0;
  init_sent_ = false;
}

bool ResponseSender::build_next(uint8_t* report) const {
  zero_bytes(report, kReportSize);
  store_u32(report, cid_);
  if (!init_sent_) {
    report[4] = static_cast<uint8_t>(cmd_ | kInitFlag);
    store_u16(report + 5, length_);
    const uint16_t n = length_ < kInitDataSize ? length_ : static_cast<uint16_t>(kInitDataSize);
    copy_bytes(report + kInitHeaderSize, data_, n);
    return true;
  }
  report[4] = seq_;
  const uint16_t left = static_cast<uint16_t>(length_ - offset_);
  const uint16_t n = left < kContDataSize ? left : static_cast<uint16_t>(kContDataSize);
  copy_bytes(report + kContHeaderSize, data_ + offset_, n);
  return true;
}

bool ResponseSender::pump(hal::UsbPort& port) {
  uint8_t report[kReportSize];
  while (active_) {
    build_next(report);
    if (!port.send_report(report)) return false;
    if (!init_sent_) {
      init_sent_ = true;
      offset_ = length_ < kInitDataSize ? length_ : static_cast<uint16_t>(kInitDataSize);
    } else {
      const uint16_t left = static_cast<uint16_t>(length_ - offset_);
      offset_ = static_cast<uint16_t>(offset_ + (left < kContDataSize ? left : kContDataSize));
      ++seq_;
    }
    if (offset_ >= length_) active_ = false;
  }
  return true;
}

}  // namespace lockfw
