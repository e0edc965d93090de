// Small helpers shared by the client's channel layer and its typed commands (private to drivers).
#pragma once

#include <cstdint>
#include <expected>
#include <span>

#include "lockdiag/drivers/error.h"
#include "lockdiag/drivers/types.h"

namespace lockdiag::drivers {

template <typename T>
std::span<const uint8_t> bytes_of(const T& v) {
  return {reinterpret_cast<const uint8_t*>(&v), sizeof v};
}

inline bool cancelled(const CancelToken* c) { return c && c->cancelled(); }

inline std::unexpected<Error> cancelled_error() { return fail(ErrorKind::kCancelled, "cancelled"); }

}  // namespace lockdiag::drivers
