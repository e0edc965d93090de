// Target: the --answers file parser of the workflow commands (app/cli/answers_file.h).
//
// Input: the file's bytes.
//
// Invariants: an accepted file is an object whose "answers" are all true/false and whose
// "inputs" are all known names with text values, so the CLI's later reads of it cannot throw;
// it re-parses from its own serialization to the same value (decode(encode(x)) == x); a
// refusal always says what is wrong.
#include <string_view>

#include "answers_file.h"
#include "check.h"

using lockdiag::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto a = lockdiag::cli::parse_answers(text);
  if (!a) {
    check(!a.error().empty(), "a refused answers file without a message");
    return 0;
  }
  check(a->is_object(), "an accepted answers file that is not an object");
  const nlohmann::json given = a->value("inputs", nlohmann::json::object());
  for (const char* name : lockdiag::cli::kAnswerInputs) (void)given.value(name, std::string());
  if (a->contains("answers"))
    for (const auto& [key, value] : (*a)["answers"].items()) check(value.is_boolean(), "a non-boolean answer accepted");
  auto again = lockdiag::cli::parse_answers(a->dump());
  check(again.has_value() && *again == *a, "decode(encode(answers)) != answers");
  return 0;
}
