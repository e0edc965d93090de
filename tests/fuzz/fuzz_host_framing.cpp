// Target: the host's framing assembler (drivers MessageAssembler), fed the reports of a hostile
// or broken lock.
//
// Input: bytes 0-3 the channel the assembler listens on, then 64-byte reports (the last one
// zero padded).
//
// Invariants: a completed message is never longer than the protocol maximum nor than what its
// init packet announced; encode_message() of a completed message, fed to a fresh assembler,
// completes on its last report with the same command and payload (decode(encode(x)) == x);
// reports of other channels are always ignored.
#include <algorithm>
#include <cstring>

#include "check.h"
#include "lockdiag/drivers/framing.h"

using namespace lockdiag::drivers;
using lockdiag::fuzz::check;
namespace wire = lockfw::wire;

namespace {

void round_trip(uint32_t cid, const Message& m) {
  const auto reports = encode_message(cid, m.cmd, m.payload);
  check(reports.size() ==
            1 + (m.payload.size() > wire::kInitDataSize
                     ? (m.payload.size() - wire::kInitDataSize + wire::kContDataSize - 1) / wire::kContDataSize
                     : 0),
        "encode_message makes the fewest reports");
  MessageAssembler again(cid);
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto st = again.feed(reports[i]);
    check(st == (i + 1 == reports.size() ? MessageAssembler::Status::kComplete : MessageAssembler::Status::kNeedMore),
          "an encoded message reassembles on its last report");
  }
  check(again.message().cmd == m.cmd && again.message().payload == m.payload, "decode(encode(message)) == message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const uint32_t cid = wire::get_u32_le(data);
  MessageAssembler a(cid);
  uint16_t announced = 0;
  for (size_t i = 4; i < size; i += wire::kReportSize) {
    Report r{};
    std::memcpy(r.data(), data + i, std::min(wire::kReportSize, size - i));
    const bool ours = wire::get_u32_le(r.data()) == cid;
    if (ours && (r[4] & wire::kInitFlag)) announced = static_cast<uint16_t>(r[5] | (r[6] << 8));
    const auto st = a.feed(r);
    if (!ours) check(st == MessageAssembler::Status::kIgnored, "a report of another channel is not ignored");
    if (st == MessageAssembler::Status::kError) check(!a.error().empty(), "an error without a message");
    if (st == MessageAssembler::Status::kComplete) {
      const Message& m = a.message();
      check(m.payload.size() <= wire::kMaxMessageSize, "a message longer than the protocol maximum");
      check(m.payload.size() == announced, "a message of another length than announced");
      check((m.cmd & wire::kInitFlag) == 0, "a command with the init flag set");
      round_trip(cid, m);
    }
  }
  return 0;
}
