#include "lockdiag/app/input_check.h"

#include <cstdint>

namespace lockdiag::app {

namespace {

// Decodes one UTF-8 sequence at s[i]; false on anything malformed (overlong, surrogate, > U+10FFFF).
bool next_code_point(const std::string& s, size_t& i, uint32_t& cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t n = 0;
  if (c < 0x80) {
    cp = c;
    n = 1;
  } else if ((c & 0xE0) == 0xC0) {
    cp = c & 0x1F;
    n = 2;
  } else if ((c & 0xF0) == 0xE0) {
    cp = c & 0x0F;
    n = 3;
  } else if ((c & 0xF8) == 0xF0) {
    cp = c & 0x07;
    n = 4;
  } else return false;
  if (i + n > s.size()) return false;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  i += n;
  return true;
}

std::string hex(uint32_t cp) {
  static const char* d = "0123456789ABCDEF";
  std::string h;
  for (int shift = 12; shift >= 0; shift -= 4) h += d[(cp >> shift) & 0xF];
  return "U+" + h;
}

// Bidirectional controls (Trojan Source, CVE-2021-42574) and other invisible format characters
// that make text read differently from what it says.
bool is_bidi_or_invisible(uint32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
         cp == 0x061C || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

}  // namespace

std::optional<std::string> check_text_field(const std::string& value, const std::string& label, size_t max,
                                            bool multiline) {
  if (value.size() > max)
    return label + " is " + std::to_string(value.size()) + " bytes long; at most " + std::to_string(max) +
           " fit the report";
  for (size_t i = 0; i < value.size();) {
    uint32_t cp = 0;
    const size_t at = i;
    if (!next_code_point(value, i, cp)) return label + " is not valid UTF-8 (byte " + std::to_string(at + 1) + ")";
    if ((cp < 0x20 && !(multiline && cp == '\n')) || (cp >= 0x7F && cp <= 0x9F))
      return label + " contains a control character (" + hex(cp) +
             (cp == '\t'   ? ", a tab"
              : cp == '\n' ? ", a line break"
                           : "") +
             " at byte " + std::to_string(at + 1) + "); type it as plain text";
    if (is_bidi_or_invisible(cp))
      return label + " contains an invisible direction or format character (" + hex(cp) + " at byte " +
             std::to_string(at + 1) + ") that would make the report read differently from what it says; retype it";
  }
  return std::nullopt;
}

std::optional<std::string> check_job_inputs(const JobInputs& in) {
  struct Field {
    const std::string& value;
    const char* label;
    size_t max;
    bool multiline;
  };
  const Field fields[] = {
      {in.technician, "the technician's name (--technician)", kMaxShortField, false},
      {in.company, "the company (--company)", kMaxShortField, false},
      {in.licence, "the licence number (--licence)", kMaxShortField, false},
      {in.site, "the site (--site)", kMaxShortField, false},
      {in.customer, "the customer (--customer)", kMaxShortField, false},
      {in.ownership_evidence, "the ownership evidence (--ownership)", kMaxLongField, true},
      {in.present, "who was present (--present)", kMaxShortField, false},
      {in.notes, "the notes (--notes)", kMaxLongField, true},
  };
  for (const auto& f : fields)
    if (auto p = check_text_field(f.value, f.label, f.max, f.multiline)) return p;
  for (size_t i = 0; i < in.enroll.size(); ++i)
    if (auto p = check_text_field(in.enroll[i].label, "the label of person " + std::to_string(i + 1), kMaxShortField))
      return p;
  return std::nullopt;
}

std::optional<std::string> check_lock_serial(const std::string& serial) {
  // The report id is SERIAL-jobN, at most 64 characters of A-Z a-z 0-9 . _ -
  bool ok = !serial.empty() && serial.size() <= 40;
  for (const char c : serial)
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                c == '.');
  if (ok) return std::nullopt;
  return "the lock's serial number cannot name a report (1 to 40 of A-Z a-z 0-9 . _ -); this lock cannot be serviced "
         "with a signed report";
}

}  // namespace lockdiag::app
