#pragma once
#include <sodium.h>

namespace lockdiag::reports::detail {

// sodium_init() is safe to call repeatedly and from several threads.
inline bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace lockdiag::reports::detail
