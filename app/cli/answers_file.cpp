#include "answers_file.h"

#include <algorithm>
#include <iterator>

namespace lockdiag::cli {

using nlohmann::json;

std::expected<json, std::string> parse_answers(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return std::unexpected("is not valid JSON");
  if (!j.is_object()) return std::unexpected("is not a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key == "answers") {
      if (!value.is_object()) return std::unexpected("\"answers\" must be an object of true/false values");
      for (const auto& [q, a] : value.items())
        if (!a.is_boolean()) return std::unexpected("answer \"" + q + "\" must be true or false");
    } else if (key == "inputs") {
      if (!value.is_object()) return std::unexpected("\"inputs\" must be an object of text values");
      for (const auto& [name, v] : value.items()) {
        if (std::find_if(std::begin(kAnswerInputs), std::end(kAnswerInputs),
                         [&](const char* k) { return name == k; }) == std::end(kAnswerInputs))
          return std::unexpected("\"inputs\" has an unknown field \"" + name + "\"");
        if (!v.is_string()) return std::unexpected("input \"" + name + "\" must be text");
      }
    } else {
      return std::unexpected("has an unknown field \"" + key + "\" (expected \"answers\" and \"inputs\")");
    }
  }
  return j;
}

}  // namespace lockdiag::cli
