// The OpenSSH format parsers under attack: truncation at every length, trailing junk, forged
// CA signatures, KRL sections of every kind ssh-keygen writes, allowed_signers edge cases.
#include <doctest/doctest.h>

#include "lockdiag/reports/reports.h"
#include "support.h"

using namespace lockdiag::reports;
namespace ssh = lockdiag::reports::ssh;

TEST_CASE("certificate: round trip, every truncation refused, forged signature refused") {
  const SigningKey ca = test::fixed_key(1);
  const SigningKey tech = test::fixed_key(2);
  const auto blob = ssh::issue_certificate({tech.public_key(), 42, "Sam Okafor", {"sam", "sam2"}, 10, 20}, ca).value();
  auto c = ssh::parse_certificate(blob);
  REQUIRE(c);
  CHECK(c->serial == 42);
  CHECK(c->key == tech.public_key());
  CHECK(c->ca == ca.public_key());
  CHECK(c->principals == std::vector<std::string>{"sam", "sam2"});
  CHECK(c->valid_at(10));
  CHECK(!c->valid_at(20));
  auto line = ssh::parse_certificate_line(ssh::certificate_line(blob, "Sam Okafor"));
  REQUIRE(line);
  CHECK(line->blob == blob);
  for (std::size_t n = 0; n < blob.size(); ++n) CHECK(!ssh::parse_certificate(blob.substr(0, n)));
  CHECK(!ssh::parse_certificate(blob + "x"));
  for (std::size_t i = 0; i < blob.size(); i += 3) {  // any flipped byte breaks the CA signature or the parse
    std::string b = blob;
    b[i] = static_cast<char>(b[i] ^ 0x01);
    CHECK(!ssh::parse_certificate(b));
  }
  // A length field claiming 4 GiB is refused without reading past the end.
  std::string huge = blob;
  huge[4 + 32 + 0] = '\xff';
  CHECK(!ssh::parse_certificate(huge));
  CHECK(!ssh::issue_certificate({tech.public_key(), 1, "x", {}, 0, 5}, ca));
  CHECK(!ssh::issue_certificate({tech.public_key(), 1, "x", {"p"}, 5, 5}, ca));
}

TEST_CASE("public key lines: OpenSSH form accepted by the public key file reader") {
  const auto key = test::fixed_key(2).public_key();
  const auto line = ssh::public_key_line(key, "tech");
  CHECK(parse_public_key_file(line).value() == key);
  CHECK(!ssh::parse_public_key_line("ssh-rsa AAAAB3NzaC1yc2E= x"));
  CHECK(!ssh::parse_public_key_line("ssh-ed25519 !!!"));
  CHECK(ssh::fingerprint(key).starts_with("SHA256:"));
  CHECK(ssh::fingerprint(key).size() == 7 + 43);
}

TEST_CASE("SSHSIG: parse what we sign, refuse damaged armour and wrong namespaces") {
  const SigningKey k = test::fixed_key(2);
  const auto sig = ssh::sshsig_sign("hello\n", k, ssh::key_blob(k.public_key()), "file");
  auto p = ssh::sshsig_parse(sig);
  REQUIRE(p);
  CHECK(p->hash_alg == "sha512");
  CHECK(ssh::sshsig_verify(*p, k.public_key(), "hello\n", "file"));
  CHECK(!ssh::sshsig_verify(*p, k.public_key(), "hello\n", "git"));
  CHECK(!ssh::sshsig_verify(*p, k.public_key(), "hello", "file"));
  CHECK(!ssh::sshsig_parse(sig.substr(0, sig.size() - 10)));
  CHECK(!ssh::sshsig_parse(sig + "junk"));
  CHECK(!ssh::sshsig_parse("-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n"));
  CHECK(!ssh::sshsig_parse(sig.substr(30)));
}

TEST_CASE("KRL: serial list, range, bitmap, key id, explicit key; refusals") {
  const auto ca = test::fixed_key(1).public_key();
  const auto other = test::fixed_key(9).public_key();
  ssh::Writer krl;
  krl.u64(0x5353484b524c0a00ULL);
  krl.u32(1);
  krl.u64(3);
  krl.u64(0);
  krl.u64(0);
  krl.string("");
  krl.string("hand made");
  ssh::Writer sec;
  sec.string(ssh::key_blob(ca));
  sec.string("");
  ssh::Writer range;
  range.u64(100);
  range.u64(200);
  sec.u8(0x21);
  sec.string(range.bytes());
  ssh::Writer bitmap;
  bitmap.u64(1000);
  bitmap.string(std::string("\x01\x05", 2));  // bits 0, 2, 8 -> 1000, 1002, 1008
  sec.u8(0x22);
  sec.string(bitmap.bytes());
  ssh::Writer ids;
  ids.string("Mallory");
  sec.u8(0x23);
  sec.string(ids.bytes());
  krl.u8(1);
  krl.string(sec.bytes());
  ssh::Writer keys;
  keys.string(ssh::key_blob(test::fixed_key(5).public_key()));
  krl.u8(2);
  krl.string(keys.bytes());
  auto k = ssh::parse_krl(krl.bytes());
  REQUIRE_MESSAGE(k, k.error().message);
  auto cert = [&](std::uint64_t serial, const char* id, int key = 2, int by = 1) {
    return ssh::parse_certificate(
               ssh::issue_certificate(
                   {test::fixed_key(static_cast<unsigned char>(key)).public_key(), serial, id, {"p"}, 0, ssh::kForever},
                   test::fixed_key(static_cast<unsigned char>(by)))
                   .value())
        .value();
  };
  CHECK(k->revoked(cert(100, "a")));
  CHECK(k->revoked(cert(200, "a")));
  CHECK(!k->revoked(cert(201, "a")));
  CHECK(k->revoked(cert(1000, "a")));
  CHECK(!k->revoked(cert(1001, "a")));
  CHECK(k->revoked(cert(1002, "a")));
  CHECK(k->revoked(cert(1008, "a")));
  CHECK(k->revoked(cert(7, "Mallory")));
  CHECK(!k->revoked(cert(150, "a", 2, 9)));  // another CA's serial 150
  CHECK(k->revoked(cert(7, "a", 5)));         // the key itself is revoked
  (void)other;
  // Cut anywhere but at a section boundary, a KRL is refused; at a boundary it is a shorter KRL.
  const std::size_t header = 8 + 4 + 8 + 8 + 8 + 4 + 4 + 9;
  const std::size_t after_certs = header + 1 + 4 + sec.bytes().size();
  for (std::size_t n = 0; n < krl.bytes().size(); ++n)
    CHECK(ssh::parse_krl(krl.bytes().substr(0, n)).has_value() == (n == header || n == after_certs));
  ssh::Writer signed_krl;
  signed_krl.raw(krl.bytes());
  signed_krl.u8(4);
  signed_krl.string("x");
  CHECK(!ssh::parse_krl(signed_krl.bytes()));
  CHECK(!ssh::parse_krl("SSHKRL\n"));
}

TEST_CASE("allowed_signers: options, comments, patterns, and lines lockdiag will not half-trust") {
  const auto ca = test::fixed_key(1).public_key();
  const std::string b64 = ssh::base64(ssh::key_blob(ca));
  const std::string text = "# comment\n\n" + allowed_signers_line(ca, "Harbour Lock & Key") +
                           "bob@x valid-after=\"20260101\" ssh-ed25519 " + b64 + "\n" +
                           "carol ssh-rsa AAAAB3NzaC1yc2E=\n" + "dave ssh-ed25519 " + b64 + "\n";
  std::vector<std::string> warnings;
  auto lines = parse_allowed_signers(text, "f", &warnings);
  REQUIRE(lines);
  REQUIRE(lines->size() == 2);
  CHECK((*lines)[0].cert_authority);
  CHECK((*lines)[0].company == "Harbour Lock & Key");
  CHECK((*lines)[0].namespaces == kReportNamespace);
  CHECK(!(*lines)[1].cert_authority);
  CHECK(warnings.size() == 2);
  CHECK(pattern_list_matches("*", "x"));
  CHECK(pattern_list_matches("a*,b", "b"));
  CHECK(!pattern_list_matches("*,!b", "b"));
  CHECK(pattern_list_matches("s?m", "sam"));
  CHECK(!pattern_list_matches("s?m", "sm"));
}
