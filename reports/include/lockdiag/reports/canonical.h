#pragma once
// Canonical JSON (docs/report-format.md, "Canonical form"): the exact bytes that are signed.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lockdiag/reports/error.h"

namespace lockdiag::reports {

inline constexpr std::size_t kMaxJsonDepth = 16;
inline constexpr std::int64_t kMaxSafeInteger = 9007199254740991;  // 2^53 - 1

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view bytes);

// Why a JSON text was refused.
enum class JsonProblem { not_utf8, malformed, too_deep, duplicate_key, non_integer };
struct JsonError {
  JsonProblem problem;
  std::string message;
};

// Parse a JSON text strictly: valid UTF-8, at most kMaxJsonDepth levels, no duplicate keys,
// no floating-point numbers. Whitespace and key order are free here; canonical() is not.
std::expected<nlohmann::json, JsonError> parse_json(std::string_view text);

// The canonical bytes of a JSON value: keys sorted by UTF-8 bytes, no whitespace, minimal
// escapes, integers within +-(2^53-1), strings, booleans, objects and arrays only.
Result<std::string> canonical(const nlohmann::json& value);

}  // namespace lockdiag::reports
