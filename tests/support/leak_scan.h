// The invariant test helper: counts occurrences of known code values in bytes. A code counts
// only as a whole token (not inside a longer run of digits), so timestamps and sequence
// numbers that happen to contain the digits are not false alarms.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lockdiag::test {

struct LeakHit {
  std::string code_length;  // never the code itself: test output must not leak it either
  std::string where;
  size_t offset;
};

std::vector<LeakHit> scan_for_codes(std::string_view bytes, const std::vector<std::string>& codes,
                                    const std::string& where);
std::string read_file_bytes(const std::string& path);

}  // namespace lockdiag::test
