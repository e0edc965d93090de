#include <doctest/doctest.h>

#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/codec.h"
#include "support.h"

using namespace lockdiag::reports;
using nlohmann::json;

TEST_CASE("canonical bytes of the same report are always the same") {
  const Report r = test::sample_report();
  const auto a = canonical_report(r);
  const auto b = canonical_report(test::sample_report());
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == *b);
  CHECK(a->find(' ') != std::string::npos);   // spaces inside strings survive...
  CHECK(a->find("\n") == std::string::npos);  // ...but no raw line breaks: "\n" is escaped
  CHECK(a->find("\\n") != std::string::npos);
  CHECK(a->rfind("{\"after\":", 0) == 0);  // sorted keys: "after" comes first
}

TEST_CASE("key order and whitespace of the input do not change the canonical bytes") {
  const std::string pretty = test::sample_bytes();
  auto parsed = parse_json(pretty);
  REQUIRE(parsed);
  // Re-serialise with a different indentation and reversed key order at the top.
  std::string reordered = "{\n";
  std::vector<std::string> keys;
  for (auto it = parsed->begin(); it != parsed->end(); ++it) keys.push_back(it.key());
  for (auto k = keys.rbegin(); k != keys.rend(); ++k)
    reordered += "   \"" + *k + "\" :\t" + (*parsed)[*k].dump(7) + (k + 1 == keys.rend() ? "\n" : ",\n");
  reordered += "}\r\n";
  auto r1 = parse_report_body(pretty);
  auto r2 = parse_report_body(reordered);
  REQUIRE(r1);
  REQUIRE(r2);
  CHECK(canonical_report(*r1).value() == canonical_report(*r2).value());
}

TEST_CASE("canonical form: sorted UTF-8 keys, minimal escapes, raw non-ASCII") {
  json j = json::parse(R"({"b":1,"a":{"z":true,"é":"x","Z":false},"c":["q\"\\\n\u0001/\u00e9"]})");
  auto c = canonical(j);
  REQUIRE(c);
  CHECK(*c == "{\"a\":{\"Z\":false,\"z\":true,\"\xC3\xA9\":\"x\"},\"b\":1,\"c\":[\"q\\\"\\\\\\n\\u0001/\xC3\xA9\"]}");
}

TEST_CASE("floats, null, huge integers and bad UTF-8 have no canonical form") {
  CHECK_FALSE(canonical(json::parse(R"({"a":1.5})")));
  CHECK_FALSE(canonical(json::parse(R"({"a":1.0})")));
  CHECK_FALSE(canonical(json::parse(R"({"a":null})")));
  CHECK_FALSE(canonical(json::parse(R"({"a":9007199254740992})")));
  CHECK(canonical(json::parse(R"({"a":9007199254740991})")));
  CHECK(canonical(json::parse(R"({"a":-9007199254740991})")));
  CHECK_FALSE(canonical(json{{"a", std::string("\xC3")}}));
}

TEST_CASE("strict parsing refuses floats, duplicates, deep nesting and non-UTF-8") {
  auto f = parse_json(R"({"a":2.0})");
  REQUIRE_FALSE(f);
  CHECK(f.error().problem == JsonProblem::non_integer);
  auto e = parse_json(R"({"a":2e3})");
  REQUIRE_FALSE(e);
  CHECK(e.error().problem == JsonProblem::non_integer);
  auto d = parse_json(R"({"a":1,"a":2})");
  REQUIRE_FALSE(d);
  CHECK(d.error().problem == JsonProblem::duplicate_key);
  auto deep = parse_json(std::string(200, '[') + std::string(200, ']'));
  REQUIRE_FALSE(deep);
  CHECK(deep.error().problem == JsonProblem::too_deep);
  auto u = parse_json("{\"a\":\"\xFF\"}");
  REQUIRE_FALSE(u);
  CHECK(u.error().problem == JsonProblem::not_utf8);
  auto t = parse_json(R"({"a":[1,2)");
  REQUIRE_FALSE(t);
  CHECK(t.error().problem == JsonProblem::malformed);
  CHECK(t.error().message.find("byte") != std::string::npos);
  CHECK(parse_json(R"({"a":[1,{"b":"c"}],"d":-3})"));
}

TEST_CASE("UTF-8 validation is strict") {
  CHECK(is_valid_utf8("Zo\xC3\xAB \xC5\x81ukasiewicz"));
  CHECK(is_valid_utf8("\xF0\x9F\x94\x92"));        // U+1F512 lock emoji
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong "/"
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\x80"));
  CHECK_FALSE(is_valid_utf8("abc\xE2\x82"));  // truncated sequence
}

TEST_CASE("parse error messages are valid UTF-8 even when the input breaks off mid-character") {
  auto e = parse_json("{\"a\":\"\\\xC3\xA9\"}");  // a bad escape just before a 2-byte character
  REQUIRE_FALSE(e);
  CHECK(e.error().problem == JsonProblem::malformed);
  CHECK(is_valid_utf8(e.error().message));
  CHECK(e.error().message.find("byte") != std::string::npos);
}

TEST_CASE("the code scanner finds a code as a number of its own, not inside another number") {
  const std::string code = test::seeded_codes()[0];
  CHECK(test::first_code_found("old code was " + code + ".") == code);
  CHECK(test::first_code_found("slot 3:" + code) == code);
  CHECK(test::first_code_found("wrote 1 file (" + code + "2 bytes)") == "");
  CHECK(test::first_code_found("no digits here") == "");
  for (const auto& c : test::seeded_codes()) {
    CHECK(c.size() >= 4);
    CHECK(c.size() <= 10);
    CHECK(test::first_code_found("[" + c + "]") == c);
  }
}
