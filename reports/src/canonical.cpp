#include "lockdiag/reports/canonical.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace lockdiag::reports {
namespace {

using json = nlohmann::json;

bool append_string(std::string& out, const std::string& s) {
  if (!is_valid_utf8(s)) return false;
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return true;
}

Result<void> write(std::string& out, const json& v, std::size_t depth, const std::string& where) {
  if (depth > kMaxJsonDepth) return fail(where + ": nested too deep");
  switch (v.type()) {
    case json::value_t::object: {
      std::vector<const std::string*> keys;
      keys.reserve(v.size());
      for (auto it = v.begin(); it != v.end(); ++it) keys.push_back(&it.key());
      std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) {
        return std::lexicographical_compare(a->begin(), a->end(), b->begin(), b->end(), [](char x, char y) {
          return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
        });
      });
      out.push_back('{');
      bool first = true;
      for (const std::string* k : keys) {
        if (!first) out.push_back(',');
        first = false;
        if (!append_string(out, *k)) return fail(where + ": a key is not valid UTF-8");
        out.push_back(':');
        if (auto r = write(out, v.at(*k), depth + 1, where + "." + *k); !r) return r;
      }
      out.push_back('}');
      return {};
    }
    case json::value_t::array: {
      out.push_back('[');
      std::size_t i = 0;
      for (const auto& e : v) {
        if (i != 0) out.push_back(',');
        if (auto r = write(out, e, depth + 1, where + "[" + std::to_string(i) + "]"); !r) return r;
        ++i;
      }
      out.push_back(']');
      return {};
    }
    case json::value_t::string:
      if (!append_string(out, v.get_ref<const std::string&>())) return fail(where + ": text is not valid UTF-8");
      return {};
    case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return {};
    case json::value_t::number_integer: {
      const auto n = v.get<std::int64_t>();
      if (n > kMaxSafeInteger || n < -kMaxSafeInteger)
        return fail(where + ": integer " + std::to_string(n) + " is outside +-(2^53-1)");
      out += std::to_string(n);
      return {};
    }
    case json::value_t::number_unsigned: {
      const auto n = v.get<std::uint64_t>();
      if (n > static_cast<std::uint64_t>(kMaxSafeInteger))
        return fail(where + ": integer " + std::to_string(n) + " is outside +-(2^53-1)");
      out += std::to_string(n);
      return {};
    }
    case json::value_t::number_float: return fail(where + ": floating-point number (reports hold integers only)");
    case json::value_t::null: return fail(where + ": null is not allowed (leave the key out instead)");
    case json::value_t::binary:
    case json::value_t::discarded: break;
  }
  return fail(where + ": value of a type JSON reports cannot hold");
}

}  // namespace

Result<std::string> canonical(const nlohmann::json& value) {
  std::string out;
  if (auto r = write(out, value, 0, "$"); !r) return std::unexpected(r.error());
  return out;
}

}  // namespace lockdiag::reports
