// The typed protocol client: one channel on one lock, request -> exactly one answer.
//
// Guarantees (docs/drivers.md, "The client"):
//  - no call blocks longer than ClientOptions::call_timeout_ms (one page of a paged read is
//    one call), and no call returns half a message as success;
//  - idempotent reads are retried a bounded number of times; commands that change the lock
//    are sent once, after a resync, and never retried after the lock may have seen them;
//  - a partial or stray message marks the channel dirty and the next call resyncs (INIT on
//    the channel, everything before its answer is dropped);
//  - the device going away gives ErrorKind::kDisconnected; reconnect() finds the same lock
//    again by serial number; paged reads resume from where they stopped;
//  - thread-safe for one I/O thread plus a UI thread: calls are serialised, a CancelToken
//    may be set from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "lockdiag/drivers/attestation.h"
#include "lockdiag/drivers/error.h"
#include "lockdiag/drivers/framing.h"
#include "lockdiag/drivers/time_zone.h"
#include "lockdiag/drivers/transport.h"
#include "lockdiag/drivers/types.h"

namespace lockdiag::drivers {

// Opens the same lock again (after the cable came back). Returns kUnreachable while it is not
// there; any other error ends the wait.
using TransportFactory = std::function<Result<std::unique_ptr<Transport>>()>;

struct ClientOptions {
  int call_timeout_ms = 2000;  // hard bound on one call: resync, every attempt and retry
  int read_retries = 2;        // extra attempts for idempotent reads (timeout, garbled answer)
  // When the device goes away during an idempotent read or a paged read, wait this long for
  // it to come back (reconnect by serial) and carry on. 0: fail at once with kDisconnected.
  int reconnect_timeout_ms = 0;
  // How to reopen the lock; empty: derived from the transport's URI and the lock's serial
  // (reopen_by_serial).
  TransportFactory reopen = {};
  // Hard bound on one whole paged read (every page, retry and reconnect): a lock that keeps
  // answering "more" is stopped here at the latest (ErrorKind::kProtocol).
  int read_total_ms = 120000;
};

// Bounds on what one paged read keeps, whatever the lock says (docs/drivers.md, "Bounds"):
// events up to the capacity the lock announced plus what it may log during the read, never
// more than kMaxEventsPerRead; slots up to the announced slot count.
inline constexpr uint32_t kMaxEventsPerRead = 262144;
uint32_t event_read_limit(uint32_t announced_capacity);

class Client {
 public:
  // Allocates a channel (INIT on the broadcast channel), reads the identity (serial number
  // for reconnects) and returns a ready client.
  static Result<Client> open(std::unique_ptr<Transport> transport, ClientOptions options = {});
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  // One request, one answer. An ERROR answer becomes kLockRefused with the lock's code.
  // Not retried (the command's effect is unknown to the client).
  Result<Message> call(uint8_t cmd, std::span<const uint8_t> request = {});

  // ---- open commands (no session needed) ----
  Result<Identity> identity();
  Result<Status> status();
  Result<Capabilities> capabilities();
  Result<SessionInfo> session();
  Result<std::vector<uint8_t>> ping(std::span<const uint8_t> data);
  // 1.4 (client_session.cpp): arms "admin code * 0 #" for this channel, before the technician
  // is asked to type it. A lock older than 1.4 is not asked (lock_binds false). Another program
  // armed first: kLockRefused with wire kErrSessionElsewhere.
  Result<ArmResult> arm_session();

  // ---- paged reads (session) ----
  // The whole slot table, occupied slots only, in index order.
  Result<std::vector<SlotRecord>> read_slots(ProgressFn progress = {}, const CancelToken* cancel = nullptr);
  // Events from from_seq (inclusive) up to the lock's head at the time of the last page.
  Result<EventBatch> read_events(uint32_t from_seq, ProgressFn progress = {}, const CancelToken* cancel = nullptr);
  // One page, for callers that persist as they go. max_count 0: as many as fit.
  Result<EventPage> read_event_page(uint32_t from_seq, uint16_t max_count = 0, const CancelToken* cancel = nullptr);

  // ---- session commands ----
  Result<Fingerprint> get_fingerprint();
  Result<ClockChange> set_clock(uint32_t utc, int utc_offset_min);
  // Time zone (kFeatureTimeZoneBit). set_time_zone answers the zone before; a zone with no name clears it.
  Result<LockTimeZone> get_time_zone();
  Result<LockTimeZone> set_time_zone(const LockTimeZone& zone);
  // Attestation (kFeatureAttestationBit, client_attestation.cpp): the lock's signed statement
  // for a 32-byte challenge, and its manufacturer certificate (fetched in pages).
  Result<LockAttestation> get_attestation(std::span<const uint8_t> challenge);
  Result<void> open_enrollment(uint16_t slot, Role role, const Schedule& schedule = {});
  Result<void> abort_enrollment();
  Result<PendingConfirmation> delete_slot(uint16_t slot);
  Result<void> set_slot_enabled(uint16_t slot, bool enabled);
  Result<void> set_schedule(uint16_t slot, const Schedule& schedule);
  Result<LockoutPolicy> get_lockout_policy();
  Result<void> set_lockout_policy(const LockoutPolicy& policy);
  Result<PendingConfirmation> factory_reset(bool full_wipe = false);
  Result<void> cancel_confirmation();
  Result<void> close_session();

  // Reopens the lock (TransportFactory), allocates a channel and checks it is the same lock
  // (serial number). Waits up to timeout_ms for it to come back.
  Result<void> reconnect(int timeout_ms, const CancelToken* cancel = nullptr);

  uint32_t channel() const;
  std::string serial() const;  // from the identity read at open()
  int slot_count() const;
  const Transport& transport() const { return *transport_; }
  const ClientOptions& options() const { return options_; }

 private:
  struct CallSpec;
  Client(std::unique_ptr<Transport> t, ClientOptions o);
  Result<Message> transact(const CallSpec& spec);
  Result<Message> exchange(uint32_t cid, uint8_t cmd, std::span<const uint8_t> request, int64_t deadline,
                           const std::function<bool(const Message&)>& accept, const CancelToken* cancel,
                           std::span<const uint8_t> expect_nonce = {});
  Result<void> allocate_channel(int64_t deadline, const CancelToken* cancel);
  Result<void> resync(int64_t deadline, const CancelToken* cancel);
  Result<Identity> identity_locked();
  Result<void> reconnect_locked(int timeout_ms, const CancelToken* cancel, const ProgressFn& progress, Progress& p);
  Result<EventPage> event_page_locked(uint32_t from_seq, uint16_t max_count, const CancelToken* cancel,
                                      bool first_page);

  std::unique_ptr<Transport> transport_;
  ClientOptions options_;
  std::unique_ptr<std::recursive_mutex> mu_;
  uint32_t cid_ = 0;
  bool dirty_ = false;  // a stray or partial message was seen: resync before the next call
  bool number_requests_ = false;  // the lock speaks 1.1+: requests carry a transaction number
  uint8_t txn_ = 0;               // the last number sent (1..7)
  std::string uri_;     // the transport's URI at open(), for reopen_by_serial
  bool in_reconnect_ = false;
  Identity identity_;
};

// What a wire::ErrorCode means, in words a technician can act on.
std::string describe_lock_error(uint8_t code);
// The same with the ErrorResponse detail (1.4: why SESSION_REQUIRED; client_session.cpp).
std::string describe_lock_error(uint8_t code, uint16_t detail);

// A factory that reopens the lock at `uri` with serial number `serial`: hid:/usb: by serial,
// usb:BUS-PORTS on the same port, sim: at the same socket or wherever a virtual lock with
// that serial announces itself now.
TransportFactory reopen_by_serial(std::string uri, std::string serial);

// Schedules on the wire (8-byte block, meaning by kind).
std::array<uint8_t, 8> encode_schedule(const Schedule& s);
Schedule decode_schedule(uint8_t kind, const uint8_t* block8);

// One READ_SLOTS answer, decoded (docs/protocol.md 5.6; fixed 1.0 or compact 1.1 records, as
// its head says). Strict: a record cut short, a damaged or out-of-order record, a count that
// does not match the bytes, or an unknown format is ErrorKind::kProtocol, never part of a page.
struct SlotPage {
  uint16_t next_index = 0;  // wire::kNoMoreSlots at the end of the table
  uint8_t format = 0;       // wire::SlotFormat the records came in
  std::vector<SlotRecord> records;
};
Result<SlotPage> decode_slot_page(std::span<const uint8_t> payload, uint16_t start, int slot_count);

// One READ_EVENTS answer, decoded (docs/protocol.md 5.7). Strict in the same way; public so the
// fuzz target (tests/fuzz) can reach it.
Result<EventPage> decode_event_page(const Message& m);

}  // namespace lockdiag::drivers
