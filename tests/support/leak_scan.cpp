#include "leak_scan.h"

#include <cctype>
#include <fstream>
#include <iterator>

namespace lockdiag::test {

std::vector<LeakHit> scan_for_codes(std::string_view bytes, const std::vector<std::string>& codes,
                                    const std::string& where) {
  std::vector<LeakHit> hits;
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  for (const auto& code : codes) {
    for (size_t pos = bytes.find(code); pos != std::string_view::npos; pos = bytes.find(code, pos + 1)) {
      const bool before = pos > 0 && digit(bytes[pos - 1]);
      const bool after = pos + code.size() < bytes.size() && digit(bytes[pos + code.size()]);
      if (!before && !after) hits.push_back({std::to_string(code.size()) + "-digit code", where, pos});
    }
  }
  return hits;
}

std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace lockdiag::test
