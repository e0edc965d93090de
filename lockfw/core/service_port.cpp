#include "core/service_port.h"

#include "core/bytes.h"

namespace lockfw {

using namespace wire;

void ServicePort::on_report(const uint8_t* report64) {
  // One response in flight at a time: a host that does not wait for its answer loses the
  // reports it sent meanwhile, never the answer it is owed.
  if (!sender_.idle() && !sender_.pump(usb_)) return;
  const RxResult r = assembler_.on_report(report64, ticks_.now_ms(), channels_);
  if (r.kind == RxResult::kError) send_error(r.err_cid, r.err_code);
  else if (r.kind == RxResult::kMessage) dispatch(r.frame);
}

void ServicePort::poll() {
  if (!sender_.idle()) sender_.pump(usb_);
  if (!sender_.idle()) return;
  const RxResult r = assembler_.poll(ticks_.now_ms());
  if (r.kind == RxResult::kError) send_error(r.err_cid, r.err_code);
}

void ServicePort::send(uint32_t cid, uint8_t cmd, uint16_t length) {
  sender_.start(cid, cmd, tx_, length);
  sender_.pump(usb_);
}

void ServicePort::send_error(uint32_t cid, uint8_t code, uint16_t detail) {
  ErrorResponse e{code, 0, detail};
  copy_bytes(tx_, &e, sizeof e);
  send(cid, kCmdError, sizeof e);
}

void ServicePort::dispatch(const Frame& f) {
  switch (f.cmd) {
    case kCmdInit: {
      InitRequest req;
      if (f.length != sizeof req || !read_struct(f.payload, f.length, req)) {
        send_error(f.cid, kErrInvalidLength);
        return;
      }
      uint32_t seed = 0;
      entropy_.fill(reinterpret_cast<uint8_t*>(&seed), sizeof seed);
      InitResponse resp{};
      copy_bytes(resp.nonce, req.nonce, sizeof resp.nonce);
      uint32_t evicted = 0;
      resp.cid = f.cid == kBroadcastCid ? channels_.allocate(seed, &evicted) : f.cid;
      if (evicted) handler_.channel_released(evicted);  // 1.4: its session ends
      resp.protocol_major = kProtocolMajor;
      resp.protocol_minor = kProtocolMinor;
      resp.max_request = kMaxRequest;
      resp.max_response = kMaxResponse;
      copy_bytes(tx_, &resp, sizeof resp);
      send(f.cid, kCmdInit, sizeof resp);
      return;
    }
    case kCmdPing:
      copy_bytes(tx_, f.payload, f.length);
      send(f.cid, kCmdPing, f.length);
      return;
    case kCmdCancel: return;  // the partial message (if any) was already dropped by the assembler
    default: {
      handler_.set_channel(f.cid);
      const Reply r = handler_.handle(f.cmd, f.payload, f.length, tx_, kMaxResponse);
      if (r.error != kErrNone) send_error(f.cid, r.error, r.detail);
      else send(f.cid, f.cmd, r.length);
    }
  }
}

}  // namespace lockfw
