// No internal identifier (delete_slot_4, expired_codes_present, clock_sync) where a
// person reads. The scan finds snake_case words in text meant for people; file paths, options,
// e-mail-like principals, $ENVIRONMENT variables and file names with an extension are allowed.
#pragma once

#include <cctype>
#include <sstream>
#include <string>
#include <vector>

namespace lockdiag::test {

inline bool is_snake_identifier(const std::string& w) {
  if (w.empty() || !std::islower(static_cast<unsigned char>(w[0]))) return false;
  bool underscore = false, last_underscore = false;
  for (char c : w) {
    if (c == '_') {
      if (last_underscore) return false;
      underscore = last_underscore = true;
    } else if (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c))) {
      last_underscore = false;
    } else {
      return false;
    }
  }
  return underscore && !last_underscore;
}

// Every snake_case identifier in `text` (one entry per occurrence).
inline std::vector<std::string> snake_case_words(const std::string& text) {
  std::vector<std::string> found;
  std::istringstream in(text);
  std::string raw;
  while (in >> raw) {
    if (raw.find('/') != std::string::npos || raw.find('@') != std::string::npos ||
        raw.find('=') != std::string::npos || raw[0] == '$' || raw[0] == '-')
      continue;  // a path, a principal, an option or an environment variable: typed, not read
    std::string w = raw;
    const std::string punct = "()[]{},;:\"'`!?*";
    while (!w.empty() && punct.find(w.front()) != std::string::npos) w.erase(0, 1);
    while (!w.empty() && (punct.find(w.back()) != std::string::npos || w.back() == '.')) w.pop_back();
    if (w.find('.') != std::string::npos) continue;  // a file name ("r.msg", "x.allowed_signers")
    if (is_snake_identifier(w)) found.push_back(w);
  }
  return found;
}

}  // namespace lockdiag::test
