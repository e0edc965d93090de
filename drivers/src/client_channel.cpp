// The client's channel and transaction layer: channel allocation, one request/response
// exchange with its retries and resync, and reconnecting after the lock went away.
#include "lockdiag/drivers/client.h"

#include <sys/random.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "call_spec.h"
#include "client_helpers.h"
#include "decode.h"

namespace lockdiag::drivers {

using namespace lockfw::wire;

namespace {

constexpr int kReadSliceMs = 20;  // how often a waiting call looks at its CancelToken

// Stands in for a transport that went away and could not be reopened, so the client stays
// usable: every call fails with kDisconnected.
class GoneTransport final : public Transport {
 public:
  explicit GoneTransport(std::string uri) : uri_(std::move(uri)) {}
  Result<void> write(const Report&) override {
    return fail(ErrorKind::kDisconnected, "the lock at " + uri_ + " is gone");
  }
  Result<Report> read(int) override { return fail(ErrorKind::kDisconnected, "the lock at " + uri_ + " is gone"); }
  std::string describe() const override { return uri_; }

 private:
  std::string uri_;
};

Result<void> random_nonce(uint8_t (&nonce)[8]) {
  if (getrandom(nonce, sizeof nonce, 0) != static_cast<ssize_t>(sizeof nonce))
    return fail(ErrorKind::kIo, "cannot read random bytes for the channel nonce");
  return {};
}

// Framing-level refusals: the lock dropped the request before its service layer saw it.
bool not_executed(uint8_t code) { return code == kErrInvalidChannel || code == kErrChannelBusy; }
bool garbled_request(uint8_t code) { return code == kErrInvalidSequence || code == kErrMessageTimeout; }

}  // namespace

Client::Client(std::unique_ptr<Transport> t, ClientOptions o)
    : transport_(std::move(t)), options_(std::move(o)), mu_(std::make_unique<std::recursive_mutex>()) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

uint32_t Client::channel() const {
  std::lock_guard lock(*mu_);
  return cid_;
}
std::string Client::serial() const {
  std::lock_guard lock(*mu_);
  return identity_.serial;
}
int Client::slot_count() const {
  std::lock_guard lock(*mu_);
  return identity_.slot_count;
}

Result<Client> Client::open(std::unique_ptr<Transport> transport, ClientOptions options) {
  Client c(std::move(transport), std::move(options));
  c.uri_ = c.transport_->describe();
  if (auto a = c.allocate_channel(c.transport_->now_ms() + c.options_.call_timeout_ms, nullptr); !a)
    return std::unexpected(a.error());
  auto id = c.identity_locked();
  if (!id) return std::unexpected(id.error());
  c.identity_ = *id;
  return c;
}

Result<Message> Client::exchange(uint32_t cid, uint8_t cmd, std::span<const uint8_t> request, int64_t deadline,
                                 const std::function<bool(const Message&)>& accept, const CancelToken* cancel,
                                 std::span<const uint8_t> expect_nonce) {
  if (request.size() > kMaxMessageSize)
    return fail(ErrorKind::kProtocol,
                "request of " + std::to_string(request.size()) + " bytes exceeds the protocol maximum");
  // A 1.1 lock drops a request whose reports reach it twice when the request is numbered;
  // every send (a retry too) gets the next number. INIT is never numbered.
  uint8_t txn = 0;
  if (number_requests_ && cmd != kCmdInit) txn = txn_ = static_cast<uint8_t>(txn_ % kTxnMax + 1);
  for (const Report& r : encode_message(cid, cmd, request, txn))
    if (auto w = transport_->write(r); !w) {
      dirty_ = true;
      return std::unexpected(w.error());
    }

  MessageAssembler assembler(cid);
  int stray = 0, garbled = 0;
  bool ours = false;
  std::string bad_report;  // what the transport said about the last report it could not use
  for (;;) {
    if (cancelled(cancel)) {
      dirty_ = true;  // the answer may still come: drop it at the next resync
      return cancelled_error();
    }
    const int64_t left = deadline - transport_->now_ms();
    if (left <= 0) break;
    auto report = transport_->read(static_cast<int>(std::min<int64_t>(left, kReadSliceMs)));
    if (!report) {
      if (report.error().kind == ErrorKind::kTimeout) continue;
      if (report.error().kind == ErrorKind::kProtocol) {  // a short or oversized report
        bad_report = report.error().message;
        ++garbled;
        dirty_ = true;
        assembler.reset();
        continue;
      }
      dirty_ = true;
      return std::unexpected(report.error());
    }
    switch (assembler.feed(*report)) {
      case MessageAssembler::Status::kIgnored:
        ++stray;  // another program's channel
        continue;
      case MessageAssembler::Status::kNeedMore: ours = true; continue;
      case MessageAssembler::Status::kError:
        ++garbled;
        ours = true;
        dirty_ = true;
        assembler.reset();
        continue;
      case MessageAssembler::Status::kComplete: break;
    }
    ours = true;
    const Message m = assembler.message();
    assembler.reset();
    if (m.cmd == kCmdKeepalive) continue;  // the lock is working on it: wait on
    if (m.cmd == kCmdError) {
      auto e = decode<ErrorResponse>(m.payload, "ERROR");
      if (!e) return std::unexpected(e.error());
      Error err{ErrorKind::kLockRefused, describe_lock_error(e->code, e->detail), e->code, e->detail};
      return std::unexpected(err);
    }
    if (!expect_nonce.empty() && (m.cmd != kCmdInit || m.payload.size() < expect_nonce.size() ||
                                  std::memcmp(m.payload.data(), expect_nonce.data(), expect_nonce.size()) != 0)) {
      continue;  // an older answer, or another program's INIT answer on the broadcast channel
    }
    if (m.cmd != cmd || (accept && !accept(m))) {
      ++garbled;  // a stale answer to an earlier request on this channel
      dirty_ = true;
      continue;
    }
    return m;
  }
  // Only reports that were never ours: whatever is there does not speak this protocol.
  if (!ours && stray + garbled > 0)
    return fail(ErrorKind::kProtocol, transport_->describe() + " answered, but not in the lockdiag service protocol (" +
                                          std::to_string(stray + garbled) + " unusable reports" +
                                          (bad_report.empty() ? std::string() : "; " + bad_report) + ")");
  std::string msg = "no answer from the lock at " + transport_->describe() + " within the call's timeout (" +
                    std::to_string(options_.call_timeout_ms) + " ms)";
  if (garbled > 0) msg += "; " + std::to_string(garbled) + " damaged or stale reports were dropped";
  return fail(ErrorKind::kTimeout, msg);
}

Result<void> Client::allocate_channel(int64_t deadline, const CancelToken* cancel) {
  uint8_t nonce[8];
  if (auto n = random_nonce(nonce); !n) return n;
  auto answer = exchange(kBroadcastCid, kCmdInit, nonce, deadline, {}, cancel, nonce);
  if (!answer) return std::unexpected(answer.error());
  auto init = decode<InitResponse>(answer->payload, "INIT");
  if (!init) return std::unexpected(init.error());
  if (init->protocol_major != kProtocolMajor)
    return fail(ErrorKind::kProtocol, "the lock speaks service protocol " + std::to_string(init->protocol_major) + "." +
                                          std::to_string(init->protocol_minor) + "; this lockdiag speaks " +
                                          std::to_string(kProtocolMajor) + ".x (update lockdiag)");
  if (init->cid == kReservedCid || init->cid == kBroadcastCid)
    return fail(ErrorKind::kProtocol, "the lock allocated an invalid channel id");
  cid_ = init->cid;
  number_requests_ = init->protocol_minor >= 1;
  dirty_ = false;
  return {};
}

Result<void> Client::resync(int64_t deadline, const CancelToken* cancel) {
  uint8_t nonce[8];
  if (auto n = random_nonce(nonce); !n) return n;
  // INIT on our own channel: the lock drops any partial message of ours and answers in order,
  // so everything that arrives before this answer is stale and is dropped with it.
  auto answer = exchange(cid_, kCmdInit, nonce, deadline, {}, cancel, nonce);
  if (!answer) {
    if (answer.error().kind == ErrorKind::kLockRefused && answer.error().lock_code == kErrInvalidChannel)
      return allocate_channel(deadline, cancel);  // the lock forgot our channel (evicted)
    return std::unexpected(answer.error());
  }
  auto init = decode<InitResponse>(answer->payload, "INIT");
  if (!init) return std::unexpected(init.error());
  if (init->cid != cid_) return fail(ErrorKind::kProtocol, "the lock moved this program to another channel on resync");
  dirty_ = false;
  return {};
}

Result<Message> Client::transact(const CallSpec& spec) {
  const int64_t start = transport_->now_ms();
  const int64_t deadline = start + options_.call_timeout_ms;
  const int attempts = 1 + std::max(0, options_.read_retries);
  std::optional<Error> last;
  for (int a = 0; a < attempts; ++a) {
    if (cancelled(spec.cancel)) return cancelled_error();
    // Commands that change the lock start from a clean channel, so a stale answer can never be
    // taken for theirs.
    Result<void> ready = cid_ == 0                      ? allocate_channel(deadline, spec.cancel)
                         : (dirty_ || !spec.idempotent) ? resync(deadline, spec.cancel)
                                                        : Result<void>{};
    Result<Message> r = ready ? Result<Message>{} : std::unexpected(ready.error());
    if (ready) {
      const int64_t now = transport_->now_ms();
      const int64_t left = deadline - now;
      if (left <= 0) break;
      // Idempotent reads split what is left between the remaining attempts.
      const int64_t attempt_deadline = spec.idempotent
                                           ? now + std::max<int64_t>(left / (attempts - a), std::min<int64_t>(left, 50))
                                           : deadline;
      r = exchange(cid_, spec.cmd, spec.request, attempt_deadline, spec.accept, spec.cancel);
      if (r) return r;
    }
    const Error& e = r.error();
    last = e;
    const bool sent = static_cast<bool>(ready);  // the request (may have) reached the lock
    switch (e.kind) {
      case ErrorKind::kLockRefused:
        if (e.lock_code == kErrInvalidChannel) {
          cid_ = 0;
          continue;
        }
        if (not_executed(e.lock_code)) continue;
        if (garbled_request(e.lock_code) && (spec.idempotent || !sent)) {
          dirty_ = true;
          continue;
        }
        return std::unexpected(e);
      case ErrorKind::kTimeout:
      case ErrorKind::kProtocol:
        dirty_ = true;
        if (spec.idempotent || !sent) continue;
        {
          Error u = e;
          u.message += "; the change may or may not have been made: read the lock's state before trying again";
          return std::unexpected(u);
        }
      case ErrorKind::kDisconnected:
        if (spec.idempotent && spec.auto_reconnect && options_.reconnect_timeout_ms > 0 && !in_reconnect_) {
          Progress p;
          auto rc = reconnect_locked(options_.reconnect_timeout_ms, spec.cancel, {}, p);
          if (rc) continue;
          return std::unexpected(rc.error());
        }
        return std::unexpected(e);
      default: return std::unexpected(e);
    }
  }
  if (last) return std::unexpected(*last);
  return fail(ErrorKind::kTimeout, "no answer from the lock at " + transport_->describe() + " within " +
                                       std::to_string(options_.call_timeout_ms) + " ms");
}

Result<Message> Client::call(uint8_t cmd, std::span<const uint8_t> request) {
  std::lock_guard lock(*mu_);
  return transact({cmd, request, false, {}, nullptr});
}

// ---- reconnect -----------------------------------------------------------------------------

Result<void> Client::reconnect(int timeout_ms, const CancelToken* cancel) {
  std::lock_guard lock(*mu_);
  Progress p;
  return reconnect_locked(timeout_ms, cancel, {}, p);
}

Result<void> Client::reconnect_locked(int timeout_ms, const CancelToken* cancel, const ProgressFn& progress,
                                      Progress& p) {
  using SteadyClock = std::chrono::steady_clock;
  const TransportFactory factory = options_.reopen ? options_.reopen : reopen_by_serial(uri_, identity_.serial);
  in_reconnect_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{in_reconnect_};
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  p.reconnecting = true;
  if (progress) progress(p);
  // Close first: libusb claims the interface exclusively, and a dead handle helps nobody.
  transport_ = std::make_unique<GoneTransport>(uri_);
  cid_ = 0;
  std::optional<Error> last;
  for (;;) {
    if (cancelled(cancel)) return cancelled_error();
    auto t = factory();
    if (t) {
      transport_ = std::move(*t);
      cid_ = 0;
      auto ready = allocate_channel(transport_->now_ms() + options_.call_timeout_ms, cancel);
      auto id = ready ? identity_locked() : Result<Identity>(std::unexpected(ready.error()));
      if (id) {
        if (!identity_.serial.empty() && id->serial != identity_.serial) {
          transport_ = std::make_unique<GoneTransport>(uri_);
          cid_ = 0;
          return fail(ErrorKind::kUnreachable, "a different lock (serial " + id->serial + ") is at " + uri_ +
                                                   "; expected serial " + identity_.serial);
        }
        ++p.reconnects;
        p.reconnecting = false;
        if (progress) progress(p);
        return {};
      }
      last = id.error();
      transport_ = std::make_unique<GoneTransport>(uri_);
      cid_ = 0;
      if (id.error().kind == ErrorKind::kCancelled) return std::unexpected(id.error());
    } else {
      last = t.error();
      const auto k = t.error().kind;
      if (k != ErrorKind::kUnreachable && k != ErrorKind::kDisconnected && k != ErrorKind::kTimeout &&
          k != ErrorKind::kIo)
        return std::unexpected(t.error());
    }
    if (SteadyClock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Error e{ErrorKind::kDisconnected, "the lock " + identity_.serial + " did not come back within " +
                                        std::to_string(timeout_ms / 1000.0).substr(0, 4) + " s"};
  if (last) e.message += " (" + last->message + ")";
  return std::unexpected(e);
}

}  // namespace lockdiag::drivers
