#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <map>
#include <set>
#include <string_view>

#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/sign.h"
#include "lockdiag/reports/verify.h"
#include "support.h"

using namespace lockdiag::reports;

namespace {

std::string signed_sample() {
  auto s = sign_report(test::sample_report(), test::fixed_key());
  REQUIRE(s);
  return *s;
}

VerifyReason reason_of(const std::string& bytes, const std::optional<PublicKey>& key) {
  auto v = verify(bytes, key);
  REQUIRE_FALSE(v);
  return v.error().reason;
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("sign then verify round trip") {
  const auto key = test::fixed_key();
  const std::string file = signed_sample();
  CHECK(file.back() == '\n');
  CHECK(file.rfind("{\"report\":{", 0) == 0);
  auto v = verify(file, key.public_key());
  REQUIRE(v);
  CHECK(v->key_trusted);
  CHECK(v->key_id == key.public_key().key_id());
  CHECK(v->key_id.size() == 16);
  CHECK(v->report.lock.serial == "K7-24-A9F3Q");
  CHECK(v->sha256 == sha256_hex(canonical_report(test::sample_report()).value()));
  CHECK(v->one_line().rfind("valid: report job-20261121-0007", 0) == 0);
  // Signing is deterministic (Ed25519): the same report and key give the same file.
  CHECK(signed_sample() == file);

  auto untrusted = verify(file, std::nullopt);
  REQUIRE(untrusted);
  CHECK_FALSE(untrusted->key_trusted);
  CHECK(untrusted->one_line().find("not pinned") != std::string::npos);
}

TEST_CASE("a report signed by another key is refused as unknown key") {
  const std::string file = signed_sample();
  const auto other = test::fixed_key(99);
  CHECK(reason_of(file, other.public_key()) == VerifyReason::unknown_key);
  // Re-signing a changed report with another key does not pass against the trusted key.
  Report changed = test::sample_report();
  changed.findings.pop_back();
  auto forged = sign_report(changed, other);
  REQUIRE(forged);
  CHECK(reason_of(*forged, test::fixed_key().public_key()) == VerifyReason::unknown_key);
}

TEST_CASE("flipping any single byte of a signed report is detected") {
  const std::string file = signed_sample();
  const auto key = test::fixed_key().public_key();
  REQUIRE(file.size() >= 1000);
  std::map<VerifyReason, int> reasons;
  std::size_t tried = 0;
  for (const int mask : {0x01, 0x80, 0x20}) {
    for (std::size_t i = 0; i < file.size(); ++i) {
      std::string bad = file;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
      auto v = verify(bad, key);
      if (v) FAIL("byte " << i << " flipped with mask " << mask << " still verifies");
      ++reasons[v.error().reason];
      ++tried;
    }
  }
  CHECK(tried >= 3000);
  // The flips hit every layer of the check, not just one.
  CHECK(reasons[VerifyReason::signature_mismatch] > 0);
  CHECK(reasons[VerifyReason::not_utf8] > 0);
  CHECK(reasons[VerifyReason::malformed_json] > 0);
  CHECK(reasons[VerifyReason::not_canonical] > 0);
  CHECK(reasons[VerifyReason::unknown_key] > 0);
}

TEST_CASE("truncated files are malformed or not canonical, never valid") {
  const std::string file = signed_sample();
  const auto key = test::fixed_key().public_key();
  for (std::size_t len = 0; len < file.size(); len += 97) {
    const auto r = reason_of(file.substr(0, len), key);
    CHECK((r == VerifyReason::malformed_json || r == VerifyReason::not_utf8));
  }
  CHECK(reason_of(file.substr(0, file.size() - 1), key) == VerifyReason::not_canonical);  // lost "\n"
  CHECK(reason_of(file.substr(0, file.size() - 2), key) == VerifyReason::malformed_json);
}

TEST_CASE("precise reasons") {
  const std::string file = signed_sample();
  const auto key = test::fixed_key().public_key();
  SUBCASE("non-UTF-8") { CHECK(reason_of(replace_once(file, "Zo\xC3\xAB", "Zo\xEB"), key) == VerifyReason::not_utf8); }
  SUBCASE("reformatted JSON") {
    const std::string pretty = nlohmann::json::parse(file).dump(2) + "\n";
    auto v = verify(pretty, key);
    REQUIRE_FALSE(v);
    CHECK(v.error().reason == VerifyReason::not_canonical);
    CHECK(v.error().message.find("byte 1") != std::string::npos);
  }
  SUBCASE("floats") {
    CHECK(reason_of(replace_once(file, "\"drift_s\":0", "\"drift_s\":0.0"), key) == VerifyReason::not_canonical);
  }
  SUBCASE("duplicate keys") {
    CHECK(reason_of(replace_once(file, "{\"report\":{", "{\"report\":{\"id\":\"x\","), key) ==
          VerifyReason::not_canonical);
  }
  SUBCASE("unsupported version") {
    auto v = verify(replace_once(file, "lockdiag-report/1", "lockdiag-report/2"), key);
    REQUIRE_FALSE(v);
    CHECK(v.error().reason == VerifyReason::unsupported_version);
    CHECK(v.error().message.find("lockdiag-report/2") != std::string::npos);
  }
  SUBCASE("unsupported algorithm") {
    CHECK(reason_of(replace_once(file, "\"alg\":\"ed25519\"", "\"alg\":\"ed448\""), key) ==
          VerifyReason::unsupported_version);
  }
  SUBCASE("a changed count is a signature mismatch") {
    CHECK(reason_of(replace_once(file, "\"count\":611", "\"count\":612"), key) == VerifyReason::signature_mismatch);
  }
  SUBCASE("an unsigned body is not a signed report") {
    auto v = verify(canonical_report(test::sample_report()).value() + "\n", key);
    REQUIRE_FALSE(v);
    CHECK(v.error().reason == VerifyReason::malformed_json);
    CHECK(v.error().message.find("unsigned") != std::string::npos);
  }
  SUBCASE("not JSON at all") { CHECK(reason_of("%PDF-1.5\n", key) == VerifyReason::malformed_json); }
  SUBCASE("empty file") { CHECK(reason_of("", key) == VerifyReason::malformed_json); }
}

TEST_CASE("a correctly signed body that breaks the schema is an invalid report") {
  const auto key = test::fixed_key();
  auto body = to_json(test::sample_report());
  body["steps"][3]["confirmed_at_lock"] = false;  // destructive, ok, unconfirmed
  const std::string canon = canonical(body).value();
  const Signature sig = key.sign(canon);
  const nlohmann::json env = {{"report", body},
                              {"signature",
                               {{"alg", "ed25519"},
                                {"key_id", key.public_key().key_id()},
                                {"public_key", key.public_key().hex()},
                                {"sig", to_hex(sig)}}}};
  auto v = verify(canonical(env).value() + "\n", key.public_key());
  REQUIRE_FALSE(v);
  CHECK(v.error().reason == VerifyReason::invalid_report);
  CHECK(v.error().message.find("confirmed at the lock") != std::string::npos);
}

TEST_CASE("huge input is refused with bounded memory") {
  const auto key = test::fixed_key().public_key();
  SUBCASE("in memory") {
    const std::string big(kMaxReportBytes + 1, ' ');
    auto v = verify(big, key);
    REQUIRE_FALSE(v);
    CHECK(v.error().reason == VerifyReason::too_large);
  }
  SUBCASE("a 1 GiB file is refused before it is read") {
    test::TempHome tmp;
    const auto path = tmp.path() / "huge.json";
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, off_t{1} << 30) == 0);  // sparse: costs no disk
    close(fd);
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    auto r = read_report_file(path);
    getrusage(RUSAGE_SELF, &after);
    REQUIRE_FALSE(r);
    CHECK(r.error().reason == VerifyReason::too_large);
    CHECK(r.error().message.find("at most") != std::string::npos);
    CHECK(after.ru_maxrss - before.ru_maxrss < 64 * 1024);  // KiB: far below the 1 GiB file
  }
  SUBCASE("an endless device stops at the cap") {
    auto r = read_report_file("/dev/zero");
    REQUIRE_FALSE(r);
    CHECK(r.error().reason == VerifyReason::too_large);
  }
  SUBCASE("a missing file is unreadable") {
    auto r = read_report_file("/nonexistent/report.json");
    REQUIRE_FALSE(r);
    CHECK(r.error().reason == VerifyReason::unreadable);
  }
}

TEST_CASE("random multi-byte damage never verifies and never crashes") {
  const std::string file = signed_sample();
  const auto key = test::fixed_key().public_key();
  std::uint32_t state = 12345;
  auto next = [&state] {  // xorshift: the same damage on every run
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  };
  for (int round = 0; round < 2000; ++round) {
    std::string bad = file;
    const int edits = 1 + static_cast<int>(next() % 8);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = next() % bad.size();
      switch (next() % 3) {
        case 0: bad[at] = static_cast<char>(next() & 0xFF); break;
        case 1: bad.erase(at, 1 + next() % 16); break;
        default: bad.insert(at, 1, static_cast<char>(next() & 0xFF)); break;
      }
      if (bad.empty()) bad = "x";
    }
    if (bad == file) continue;
    auto v = verify(bad, key);
    CHECK_FALSE(v);
    if (v) break;
    CHECK(!v.error().message.empty());
  }
}

TEST_CASE("every reason has plain words for people: no identifier, and none shared") {
  using R = lockdiag::reports::VerifyReason;
  const R all[] = {R::unreadable,          R::too_large,           R::not_utf8,    R::malformed_json,
                   R::unsupported_version, R::not_canonical,       R::unknown_key, R::signature_mismatch,
                   R::invalid_report,      R::certificate_invalid, R::revoked,     R::attestation_invalid};
  std::set<std::string_view> seen;
  for (const R r : all) {
    const auto words = lockdiag::reports::reason_words(r);
    CHECK_MESSAGE(words.find('_') == std::string_view::npos, words);
    CHECK(words != lockdiag::reports::reason_id(r));
    CHECK(words.size() > 10);
    CHECK(seen.insert(words).second);
  }
}
