// The service-port wire protocol: the one file both sides share (lockfw and drivers).
// docs/protocol.md is the prose version; every layout here has a table there.
//
// Rules that hold for every message:
//  - little-endian, fixed layouts (packed, sizes asserted below);
//  - a request shorter than its layout is refused with kErrInvalidLength; bytes past the
//    layout are ignored (a later minor version appends fields, never reorders);
//  - no command, request or response ever carries a code (PIN) value. Codes are typed on
//    the lock's keypad only.
//
// Freestanding: only <stdint.h>/<stddef.h>, no library that allocates.
#pragma once

#include <stddef.h>
#include <stdint.h>

// The parts, one header each (every one self-contained):
#include "lockfw/wire_framing.h"    // IWYU pragma: export
#include "lockfw/wire_varint.h"     // IWYU pragma: export
#include "lockfw/wire_slots.h"      // IWYU pragma: export
#include "lockfw/wire_events.h"     // IWYU pragma: export
#include "lockfw/wire_messages.h"   // IWYU pragma: export

// ---- Time zone (SET_TIME_ZONE 0x54, GET_TIME_ZONE 0x55, kFeatureTimeZone) -------------------
#include "lockfw/wire_tz.h"  // IWYU pragma: export

// ---- Attestation (GET_ATTESTATION 0x53, kFeatureAttestation; protocol 1.5) ------------------
#include "lockfw/wire_attestation.h"  // IWYU pragma: export

// ---- Sessions bound to a channel (ARM_SESSION 0x52, kFeatureChannelSession) ------------
#include "lockfw/wire_session.h"  // IWYU pragma: export
#include "lockfw/wire_change.h"   // IWYU pragma: export
