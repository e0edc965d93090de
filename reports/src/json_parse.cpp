// Strict JSON parsing on top of nlohmann's SAX parser: we build the value ourselves so that
// duplicate keys, floats and deep nesting are refused instead of silently accepted.
#include <exception>
#include <set>
#include <string>
#include <vector>

#include "lockdiag/reports/canonical.h"

namespace lockdiag::reports {
namespace {

using json = nlohmann::json;

class StrictBuilder {
 public:
  json root;
  std::optional<JsonError> error;

  bool null() { return put(json(nullptr)); }
  bool boolean(bool v) { return put(json(v)); }
  bool number_integer(json::number_integer_t v) { return put(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return put(json(v)); }
  bool number_float(json::number_float_t, const json::string_t& text) {
    return refuse(JsonProblem::non_integer, "number " + text + " is not an integer (reports hold integers only)");
  }
  bool string(json::string_t& v) { return put(json(std::move(v))); }
  bool binary(json::binary_t&) { return refuse(JsonProblem::malformed, "binary value"); }
  bool start_object(std::size_t) { return open(json::object()); }
  bool key(json::string_t& k) {
    auto& frame = stack_.back();
    if (!frame.keys.insert(k).second) return refuse(JsonProblem::duplicate_key, "duplicate key \"" + k + "\"");
    frame.pending_key = std::move(k);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    std::string what = ex.what();
    // nlohmann's message starts with "[json.exception.parse_error.101] parse error at ...".
    if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
    // The parser quotes the bytes it last read, which may end inside a UTF-8 sequence.
    if (!is_valid_utf8(what))
      for (char& c : what)
        if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    return refuse(JsonProblem::malformed, what + " (byte " + std::to_string(position) + ")");
  }

 private:
  struct Frame {
    json* value;
    std::set<std::string> keys;
    std::string pending_key;
  };
  std::vector<Frame> stack_;

  json* place(json v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    auto& frame = stack_.back();
    if (frame.value->is_array()) {
      frame.value->push_back(std::move(v));
      return &frame.value->back();
    }
    auto& slot = (*frame.value)[frame.pending_key];
    slot = std::move(v);
    return &slot;
  }
  bool put(json v) {
    place(std::move(v));
    return true;
  }
  bool open(json v) {
    if (stack_.size() >= kMaxJsonDepth)
      return refuse(JsonProblem::too_deep, "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    json* p = place(std::move(v));
    stack_.push_back(Frame{p, {}, {}});
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
  bool refuse(JsonProblem problem, std::string message) {
    if (!error) error = JsonError{problem, std::move(message)};
    return false;
  }
};

}  // namespace

std::expected<nlohmann::json, JsonError> parse_json(std::string_view text) {
  if (!is_valid_utf8(text)) return std::unexpected(JsonError{JsonProblem::not_utf8, "not valid UTF-8"});
  StrictBuilder builder;
  try {
    const bool ok = json::sax_parse(text.begin(), text.end(), &builder);
    if (!ok || builder.error) {
      if (builder.error) return std::unexpected(*builder.error);
      return std::unexpected(JsonError{JsonProblem::malformed, "not valid JSON"});
    }
  } catch (const std::exception& e) {  // allocation failure or a parser surprise
    return std::unexpected(JsonError{JsonProblem::malformed, std::string("cannot parse: ") + e.what()});
  }
  return std::move(builder.root);
}

}  // namespace lockdiag::reports
