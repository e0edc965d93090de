// The company's contact details: checked when they are set (CLI settings, GUI Settings), so a
// job never fails at the report because of them.
#include "lockdiag/app/settings.h"
#include "lockdiag/reports/canonical.h"

namespace lockdiag::app {

namespace {
std::string line_problem(const std::string& v, const std::string& what) {
  if (v.size() > 200) return what + " is longer than 200 characters";
  if (!reports::is_valid_utf8(v)) return what + " is not valid text (UTF-8)";
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return what + " must be one line without control characters";
  }
  return "";
}
}  // namespace

std::string contact_problem(const Settings& s) {
  for (const auto& [v, what] : {std::pair{&s.company_phone, "the company's phone number"},
                                std::pair{&s.company_email, "the company's e-mail address"},
                                std::pair{&s.company_address, "the company's address"}})
    if (auto p = line_problem(*v, what); !p.empty()) return p;
  if (!s.company_email.empty() && s.company_email.find('@') == std::string::npos)
    return "the company's e-mail address needs an @ (like office@example.com)";
  return "";
}

}  // namespace lockdiag::app
