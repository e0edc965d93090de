// Target: the report parser and verifier (reports/): verify() on a signed report file's bytes,
// parse_report_body() on an unsigned body, as `lockdiag report verify` meets them.
//
// Input: the file's bytes.
//
// Invariants: a report either verifier accepts has canonical bytes whose SHA-256 is the one it
// reports, and signed again with another key it verifies with that key to the same canonical
// bytes; a body the parser accepts and the schema validates re-parses from its canonical bytes
// to the same canonical bytes (decode(encode(x)) == x); a refusal always carries a message.
#include <string>
#include <string_view>

#include "check.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/sign.h"
#include "lockdiag/reports/verify.h"

using namespace lockdiag::reports;
using lockdiag::fuzz::check;

namespace {

const SigningKey& fuzz_key() {
  static const SigningKey key = [] {
    std::array<unsigned char, kSeedBytes> seed{};
    for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<unsigned char>(0x5A ^ i);
    auto k = SigningKey::from_seed(seed);
    check(k.has_value(), "a signing key from a fixed seed");
    return std::move(*k);
  }();
  return key;
}

void canonical_round_trip(const Report& r) {
  auto canon = canonical_report(r);
  if (!canon) return;
  auto again = parse_report_body(*canon);
  check(again.has_value(), "canonical bytes of a valid report do not parse");
  auto canon2 = canonical_report(*again);
  check(canon2.has_value() && *canon2 == *canon, "decode(encode(report)) != report");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto summary = verify(bytes, std::nullopt);
  if (summary) {
    check(!summary->key_trusted, "a report trusted without a trusted key");
    auto canon = canonical_report(summary->report);
    check(canon.has_value(), "a verified report does not validate");
    check(sha256_hex(*canon) == summary->sha256, "the verified hash is not the canonical bytes' hash");
    auto resigned = sign_report(summary->report, fuzz_key());
    check(resigned.has_value(), "a verified report cannot be signed again");
    auto again = verify(*resigned, fuzz_key().public_key());
    check(again.has_value() && again->key_trusted && again->sha256 == summary->sha256,
          "a re-signed report does not verify to the same bytes");
  } else {
    check(!summary.error().message.empty(), "a refused report without a message");
  }
  auto body = parse_report_body(bytes);
  if (body) canonical_round_trip(*body);
  return 0;
}
