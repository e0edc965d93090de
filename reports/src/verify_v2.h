#pragma once
// Format 2 (SSHSIG) verification, called by verify() when the file has that shape.
#include "lockdiag/reports/verify.h"

namespace lockdiag::reports::detail {

bool looks_like_v2(std::string_view bytes);
std::expected<Summary, VerifyError> verify_v2(std::string_view bytes, const std::optional<PublicKey>& trusted);

}  // namespace lockdiag::reports::detail
