#pragma once
// Reading fields of untrusted JSON without exceptions: a missing field or one of the wrong
// type reads as empty / 0, and the caller's checks turn that into a clear error.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace lockdiag::reports::detail {

inline std::string text_field(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline std::uint64_t uint_field(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object()) return 0;
  const auto it = object.find(key);
  return it != object.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

}  // namespace lockdiag::reports::detail
