#include "lockdiag/drivers/framing.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace lockdiag::drivers {

using namespace lockfw::wire;

namespace {
void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t get_u32(const uint8_t* p) {
  return p[0] | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}
}  // namespace

std::vector<Report> encode_message(uint32_t cid, uint8_t cmd, std::span<const uint8_t> payload, uint8_t txn) {
  assert(payload.size() <= kMaxMessageSize && txn <= kTxnMax);
  std::vector<Report> out;
  Report r{};
  put_u32(r.data(), cid);
  r[4] = static_cast<uint8_t>(cmd | kInitFlag);
  const uint16_t bcnt = static_cast<uint16_t>(payload.size() | (static_cast<unsigned>(txn) << kTxnShift));
  r[5] = static_cast<uint8_t>(bcnt);
  r[6] = static_cast<uint8_t>(bcnt >> 8);
  size_t n = std::min(payload.size(), kInitDataSize);
  if (n > 0) std::memcpy(r.data() + kInitHeaderSize, payload.data(), n);
  out.push_back(r);
  for (uint8_t seq = 0; n < payload.size(); ++seq) {
    r.fill(0);
    put_u32(r.data(), cid);
    r[4] = seq;
    const size_t chunk = std::min(payload.size() - n, kContDataSize);
    std::memcpy(r.data() + kContHeaderSize, payload.data() + n, chunk);
    n += chunk;
    out.push_back(r);
  }
  return out;
}

void MessageAssembler::reset() {
  active_ = false;
  msg_ = {};
  error_.clear();
}

MessageAssembler::Status MessageAssembler::feed(const Report& r) {
  if (get_u32(r.data()) != cid_) return Status::kIgnored;
  if (r[4] & kInitFlag) {
    if (active_) {
      error_ = "a new message started before the previous one was complete";
      active_ = false;
      return Status::kError;
    }
    const uint16_t bcnt = static_cast<uint16_t>(r[5] | (r[6] << 8));
    if (bcnt > kMaxMessageSize) {
      error_ = "announced length " + std::to_string(bcnt) + " exceeds the protocol maximum";
      return Status::kError;
    }
    msg_.cmd = static_cast<uint8_t>(r[4] & ~kInitFlag);
    msg_.payload.assign(r.begin() + kInitHeaderSize,
                        r.begin() + kInitHeaderSize + std::min<size_t>(bcnt, kInitDataSize));
    expected_ = bcnt;
    next_seq_ = 0;
    active_ = msg_.payload.size() < expected_;
    return active_ ? Status::kNeedMore : Status::kComplete;
  }
  if (!active_) {
    error_ = "continuation packet without a message in progress";
    return Status::kError;
  }
  if (r[4] != next_seq_) {
    error_ = "continuation out of sequence (expected " + std::to_string(next_seq_) + ", got " + std::to_string(r[4]) +
             ")";
    active_ = false;
    return Status::kError;
  }
  ++next_seq_;
  const size_t chunk = std::min<size_t>(expected_ - msg_.payload.size(), kContDataSize);
  msg_.payload.insert(msg_.payload.end(), r.begin() + kContHeaderSize, r.begin() + kContHeaderSize + chunk);
  if (msg_.payload.size() < expected_) return Status::kNeedMore;
  active_ = false;
  return Status::kComplete;
}

}  // namespace lockdiag::drivers
