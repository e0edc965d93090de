// The service-port wire protocol, framing: USB identity, protocol version and the
// CTAPHID-like packets a message travels in (docs/protocol.md). Included by wire.h.
#pragma once

#include <stddef.h>
#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "wire.h layouts are little-endian; add byte swapping before building for a big-endian part"
#endif

#define LOCKFW_PACKED __attribute__((packed))

namespace lockfw::wire {

// ---- USB identity --------------------------------------------------------------------------
inline constexpr uint16_t kUsbVendorId = 0x1209;   // pid.codes
inline constexpr uint16_t kUsbProductId = 0x0001;  // pid.codes test PID; a product gets its own
inline constexpr uint16_t kHidUsagePage = 0xFF00;  // vendor-defined
inline constexpr uint8_t kHidUsage = 0x01;
inline constexpr size_t kReportSize = 64;          // IN and OUT, no report IDs

inline constexpr uint8_t kProtocolMajor = 1;
// 1.1 compact slot records; 1.2 security (docs/protocol.md 9); 1.3 time zone (10);
// 1.4 channel sessions (11); 1.5 attestation (12)
inline constexpr uint8_t kProtocolMinor = 5;

// ---- Framing (CTAPHID-like) ----------------------------------------------------------------
// init packet:         cid u32 | cmd|0x80 u8 | bcnt u16 | 57 data bytes
// continuation packet: cid u32 | seq u8 (0..127)       | 59 data bytes
inline constexpr size_t kInitHeaderSize = 7;
inline constexpr size_t kContHeaderSize = 5;
inline constexpr size_t kInitDataSize = kReportSize - kInitHeaderSize;  // 57
inline constexpr size_t kContDataSize = kReportSize - kContHeaderSize;  // 59
inline constexpr uint8_t kMaxSeq = 0x7F;
inline constexpr size_t kMaxMessageSize = kInitDataSize + (kMaxSeq + 1) * kContDataSize;  // 7609
inline constexpr uint8_t kInitFlag = 0x80;

// Since 1.1 a host may number its requests so the lock can recognise a report that reached it
// twice: bcnt of a request's init packet carries the payload length in bits 0-12 (messages are
// at most 7,609 bytes) and a transaction number in bits 13-15. 0 = not numbered (1.0 hosts,
// and INIT, which is never numbered); a host numbers its requests 1..7 round and round, a new
// number for every request it sends, retries included. Answers are never numbered.
inline constexpr uint16_t kBcntLengthMask = 0x1FFF;
inline constexpr unsigned kTxnShift = 13;
inline constexpr uint8_t kTxnMax = 7;
static_assert(kMaxMessageSize <= kBcntLengthMask);

inline constexpr uint32_t kBroadcastCid = 0xFFFFFFFFu;
inline constexpr uint32_t kReservedCid = 0;
inline constexpr uint32_t kContinuationTimeoutMs = 500;  // gap allowed between packets of a message

}  // namespace lockfw::wire
