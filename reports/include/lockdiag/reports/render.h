#pragma once
// PDF rendering of a report for the customer (cairo + pango).
#include <optional>
#include <string>
#include <vector>

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

// The layout's own page-break decisions, for tests: every block placed (kind "heading", "text",
// "row" for a table row, "signature" for the signature block's parts) with its first and last page.
struct PdfBlock {
  std::string kind;
  std::string text;
  int first_page = 0;
  int last_page = 0;
};
struct PdfLayoutLog {
  int pages = 0;
  std::vector<PdfBlock> blocks;
  bool moved_last_section = false;  // the section before the signature was moved to its page
};

// The PDF's bytes. Without a signature block the PDF says "NOT SIGNED - draft".
// With `log`, the final layout's blocks are recorded there.
Result<std::string> render_pdf(const Report& report, const std::optional<SignatureBlock>& signature, Paper paper,
                               PdfLayoutLog* log = nullptr);

}  // namespace lockdiag::reports
