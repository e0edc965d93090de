// The service protocol versions this host side speaks, for --version: every minor of its major up
// to the one in the wire header (older locks answer with fewer features, docs/protocol.md).
#pragma once

#include <string>

#include "lockfw/wire.h"

namespace lockdiag::drivers {

inline std::string protocol_versions() {
  const std::string major = std::to_string(lockfw::wire::kProtocolMajor);
  return major + ".0-" + major + "." + std::to_string(lockfw::wire::kProtocolMinor);
}

}  // namespace lockdiag::drivers
