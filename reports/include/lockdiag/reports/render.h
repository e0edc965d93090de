#pragma once
// PDF rendering of a report for the customer (cairo + pango).
#include <optional>
#include <string>

#include "lockdiag/reports/error.h"
#include "lockdiag/reports/model.h"

namespace lockdiag::reports {

enum class Paper { a4, letter };

struct SignatureBlock {
  std::string key_id;
  std::string public_key_hex;
  // Format 2 with a certificate: "Harbour Lock & Key", "2027-11-01T00:00:00Z", "SHA256:...".
  std::string company{};
  std::string certified_until{};
  std::string ca_fingerprint{};
  std::string principal{};
  std::string signed_at{};
};

// The PDF's bytes. Without a signature block the PDF says "NOT SIGNED - draft".
Result<std::string> render_pdf(const Report& report, const std::optional<SignatureBlock>& signature,
                               Paper paper);

}  // namespace lockdiag::reports
