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

namespace {

enum class Field { kTechnician, kCompany, kLicence, kSite, kCustomer, kOwnership, kPresent, kNotes, kCodesToRotate };

// Each field as the command line and the GUI's forms name it.
const char* field_words(Field f, InputFace face) {
  const bool cli = face == InputFace::kCommandLine;
  switch (f) {
    case Field::kTechnician:
      return cli ? "the technician's name (--technician, or lockdiag settings)" : "your name (Settings)";
    case Field::kCompany: return cli ? "the company (--company, or lockdiag settings)" : "your company (Settings)";
    case Field::kLicence: return cli ? "the licence number (--licence)" : "your licence (Settings)";
    case Field::kSite: return cli ? "the site (--site)" : "the site";
    case Field::kCustomer: return cli ? "the customer (--customer)" : "the customer";
    case Field::kOwnership:
      return cli ? "the ownership evidence for a factory reset (--ownership \"deed shown\")" : "what proved ownership";
    case Field::kPresent: return cli ? "who was present (--present)" : "who is present";
    case Field::kNotes: return cli ? "the notes (--notes)" : "the notes";
    case Field::kCodesToRotate:
      return cli ? "the codes to rotate (--rotate SLOT:LABEL)" : "at least one code to replace";
  }
  return "a field";
}

std::string person_words(size_t i, InputFace face) {
  return (face == InputFace::kCommandLine ? "the label of person " : "the name of person ") + std::to_string(i + 1);
}

}  // namespace

std::optional<std::string> missing_input(JobKind kind, const JobInputs& in, InputFace face) {
  const auto missing = [&](Field f) { return std::optional<std::string>(field_words(f, face)); };
  if (in.technician.empty()) return missing(Field::kTechnician);
  if (in.company.empty()) return missing(Field::kCompany);
  if (in.site.empty()) return missing(Field::kSite);
  if (in.customer.empty()) return missing(Field::kCustomer);
  if (kind == JobKind::kResetOnboarding && in.ownership_evidence.empty()) return missing(Field::kOwnership);
  if (kind == JobKind::kRotation && in.enroll.empty()) return missing(Field::kCodesToRotate);
  return std::nullopt;
}

std::optional<std::string> check_job_inputs(const JobInputs& in, InputFace face) {
  struct Text {
    const std::string& value;
    Field field;
    size_t max;
    bool multiline;
  };
  const Text fields[] = {
      {in.technician, Field::kTechnician, kMaxShortField, false},
      {in.company, Field::kCompany, kMaxShortField, false},
      {in.licence, Field::kLicence, kMaxShortField, false},
      {in.site, Field::kSite, kMaxShortField, false},
      {in.customer, Field::kCustomer, kMaxShortField, false},
      {in.ownership_evidence, Field::kOwnership, kMaxLongField, true},
      {in.present, Field::kPresent, kMaxShortField, false},
      {in.notes, Field::kNotes, kMaxLongField, true},
  };
  for (const auto& f : fields)
    if (auto p = check_text_field(f.value, field_words(f.field, face), f.max, f.multiline)) return p;
  for (size_t i = 0; i < in.enroll.size(); ++i)
    if (auto p = check_text_field(in.enroll[i].label, person_words(i, face), kMaxShortField)) return p;
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
