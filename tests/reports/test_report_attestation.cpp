// The lock's attestations carried by a report and checked by verify: a genuine pair
// passes; an edited fact (even re-signed by the technician), a replayed attestation, an
// untrusted manufacturer, another lock's certificate and a tampered signature each fail with
// the fact or the reason named; a report without attestations says "no lock attestation".
#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "lockdiag/reports/attestation.h"
#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/report_attestation.h"
#include "lockdiag/reports/ssh.h"
#include "support.h"

using namespace lockdiag::reports;
namespace fs = std::filesystem;

namespace {

constexpr int kExitOk = 0, kExitInvalid = 6;

// TEST ONLY keys of these tests: a manufacturer CA and a lock's device key.
struct Maker {
  SigningKey ca = test::fixed_key(0x7e);
  SigningKey device = test::fixed_key(0x3d);
  std::vector<ManufacturerCa> trusted() const { return {{ca.public_key(), "test", false}}; }
  std::string cert(const std::string& serial, const SigningKey& by) const {
    return ssh::issue_certificate({device.public_key(), 1, "lock " + serial, {serial}, 0, ssh::kForever, kHostCert}, by)
        .value();
  }

  // What an honest lock signs for `s`, for the challenge of (report id, phase, nonce).
  AttestationRecord record(const Report& r, const Snapshot& s, const std::string& phase, char nonce_fill,
                           const std::string& report_id = "") const {
    Attestation a;
    a.serial = r.lock.serial;
    a.firmware = r.lock.firmware;
    for (const auto& g : s.slots)
      a.counts[static_cast<std::size_t>(g.role) * 3 + static_cast<std::size_t>(g.kind)] += static_cast<std::uint32_t>(
          g.count);
    std::string fp(s.code_set_fingerprint.size() / 2, '\0');
    REQUIRE(from_hex(s.code_set_fingerprint, std::span(reinterpret_cast<unsigned char*>(fp.data()), fp.size())));
    a.code_set_fingerprint = fp;
    a.clock_set = s.clock.set;
    a.lock_time = ssh::parse_time_text(s.taken_at).value() + static_cast<std::uint64_t>(s.clock.drift_s) + 3;
    a.battery_mv = static_cast<std::uint32_t>(s.battery.millivolts);
    a.battery_state = static_cast<std::uint8_t>(s.battery.state);
    a.lockout_active = s.lockout.active;
    a.wrong_attempts = static_cast<std::uint32_t>(s.lockout.wrong_attempts);
    a.event_first_seq = 1;
    a.event_last_seq = static_cast<std::uint64_t>(s.events.last_seq);
    const std::string nonce(32, nonce_fill);
    a.challenge = attestation_challenge(report_id.empty() ? r.id : report_id, phase, nonce);
    const std::string body = encode_attestation(a);
    const Signature sig = device.sign(body);
    return {to_hex(std::span(reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size())), ssh::base64(body),
            ssh::base64(std::string(reinterpret_cast<const char*>(sig.data()), sig.size())),
            ssh::base64(cert(r.lock.serial, ca)), ""};
  }

  Report attested(Report r) const {
    r.lock_attestation = LockAttestations{record(r, r.before, "before", 'b'), record(r, *r.after, "after", 'a')};
    return r;
  }
};

std::uint64_t signing_time(const Report& r) { return ssh::parse_time_text(r.finished_at).value(); }

std::string failure(const Report& r, const std::vector<ManufacturerCa>& cas) {
  auto v = check_lock_attestations(r, cas, signing_time(r));
  if (v) FAIL("expected a failure, got: " << v->line);
  return v.error();
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("report attestation: a genuine pair is attested and names the manufacturer CA") {
  const Maker m;
  const Report r = m.attested(test::sample_report());
  auto v = check_lock_attestations(r, m.trusted(), signing_time(r));
  REQUIRE_MESSAGE(v, v.error());
  CHECK(v->state == AttestationState::attested);
  CHECK(v->after_attested);
  CHECK(v->line ==
        "lock attested: serial " + r.lock.serial + " by manufacturer CA " + ssh::fingerprint(m.ca.public_key()));
  // Round trip through the signed JSON: the field survives, canonical and unchanged.
  const std::string bytes = canonical_report(r).value();
  auto back = parse_report_body(bytes);
  REQUIRE_MESSAGE(back, back.error().message);
  CHECK(canonical_report(*back).value() == bytes);
  CHECK(check_lock_attestations(*back, m.trusted(), signing_time(r)));
}

TEST_CASE("report attestation: an edited fact fails, and the fact is named") {
  const Maker m;
  const Report good = m.attested(test::sample_report());
  {
    Report r = good;  // a count changed in the as-found read
    r.before.slots.front().count += 1;
    r.before.slots.front().enabled += 1;
    CHECK(has(failure(r, m.trusted()), "before.slots["));
  }
  {
    Report r = good;  // the as-left battery
    r.after->battery.millivolts += 200;
    CHECK(has(failure(r, m.trusted()), "after.battery.millivolts"));
  }
  {
    Report r = good;  // the clock drift, by ten minutes
    r.before.clock.drift_s += 600;
    CHECK(has(failure(r, m.trusted()), "before.clock.drift_s"));
  }
  {
    Report r = good;  // the event range
    r.after->events.last_seq += 1;
    CHECK(has(failure(r, m.trusted()), "after.events.last_seq"));
  }
  {
    Report r = good;
    r.lock.firmware = "lockfw 9.9.9";
    CHECK(has(failure(r, m.trusted()), "lock.firmware"));
  }
  {
    Report r = good;
    r.before.lockout.wrong_attempts += 1;
    CHECK(has(failure(r, m.trusted()), "before.lockout.wrong_attempts"));
  }
}

TEST_CASE("report attestation: replayed, untrusted, another lock, tampered signature") {
  const Maker m;
  const Report good = m.attested(test::sample_report());
  {  // an attestation from another job of the same lock (a genuine one, its own nonce)
    Report r = good;
    r.lock_attestation->before = m.record(r, r.before, "before", 'b', r.id + "-other-job");
    CHECK(has(failure(r, m.trusted()), "another challenge"));
  }
  {  // the final attestation presented as the arrival one
    Report r = good;
    r.lock_attestation->before = m.record(r, r.before, "after", 'b');
    CHECK(has(failure(r, m.trusted()), "another challenge"));
  }
  {  // the nonce recorded in the report changed
    Report r = good;
    r.lock_attestation->after->nonce[0] = r.lock_attestation->after->nonce[0] == '6' ? '7' : '6';
    CHECK(has(failure(r, m.trusted()), "another challenge"));
  }
  // A manufacturer nobody configured.
  CHECK(has(failure(good, {{test::fixed_key(0x11).public_key(), "other", false}}), "no manufacturer lockdiag trusts"));
  CHECK(has(failure(good, {}), "no manufacturer lockdiag trusts"));
  {  // a genuine certificate for another serial
    Report r = good;
    r.lock_attestation->before.certificate = ssh::base64(m.cert("LD1-OTHER", m.ca));
    CHECK(has(failure(r, m.trusted()), "not for lock"));
  }
  {  // the device signature tampered with
    Report r = good;
    auto sig = ssh::unbase64(r.lock_attestation->after->signature).value();
    sig[10] = static_cast<char>(sig[10] ^ 0x01);
    r.lock_attestation->after->signature = ssh::base64(sig);
    CHECK(has(failure(r, m.trusted()), "not signed by the lock's device key"));
  }
}

TEST_CASE("report attestation: absent, unavailable, half") {
  const Maker m;
  const Report plain = test::sample_report();
  auto none = check_lock_attestations(plain, m.trusted(), signing_time(plain));
  REQUIRE(none);
  CHECK(none->state == AttestationState::absent);
  CHECK(none->line == "no lock attestation");
  // Older reports stay byte-identical: no field is written when there is none.
  CHECK(!has(canonical_report(plain).value(), "lock_attestation"));
  CHECK(attestation_pdf_line(plain).empty());

  Report old_lock = plain;
  old_lock.lock_attestation =
      LockAttestations{{"", "", "", "", "the lock cannot attest (firmware older than protocol 1.5)"},
                       AttestationRecord{"", "", "", "", "the lock cannot attest (firmware older than protocol 1.5)"}};
  auto u = check_lock_attestations(old_lock, m.trusted(), signing_time(old_lock));
  REQUIRE(u);
  CHECK(u->state == AttestationState::unavailable);
  CHECK(u->line == "no lock attestation: the lock cannot attest (firmware older than protocol 1.5)");
  CHECK(has(attestation_pdf_line(old_lock), "Lock attestation: none"));
  CHECK(parse_report_body(canonical_report(old_lock).value()));

  Report half = m.attested(plain);  // the final attestation dropped: said, not hidden
  half.lock_attestation->after = AttestationRecord{"", "", "", "", "the lock went to sleep"};
  auto h = check_lock_attestations(half, m.trusted(), signing_time(half));
  REQUIRE_MESSAGE(h, h.error());
  CHECK(has(h->line, "(on arrival only; on leaving: the lock went to sleep)"));
  CHECK(!h->after_attested);
  CHECK(has(attestation_pdf_line(m.attested(plain)), "on arrival and on leaving"));
}

TEST_CASE("report attestation: the JSON field refuses what it does not define") {
  const Maker m;
  const nlohmann::json good = to_json(m.attested(test::sample_report()));
  auto broken = [&](auto edit) {
    nlohmann::json j = good;
    edit(j["lock_attestation"]);
    return !from_json(j);
  };
  CHECK(!from_json(good) == false);
  CHECK(broken([](nlohmann::json& a) { a["before"]["extra"] = "x"; }));
  CHECK(broken([](nlohmann::json& a) { a["before"]["nonce"] = std::string(64, 'A'); }));
  CHECK(broken([](nlohmann::json& a) { a["before"]["nonce"] = "00"; }));
  CHECK(broken([](nlohmann::json& a) { a["before"]["body"] = a["before"]["body"].get<std::string>() + "\n"; }));
  CHECK(broken([](nlohmann::json& a) { a["after"]["signature"] = ssh::base64("short"); }));
  CHECK(broken([](nlohmann::json& a) { a.erase("before"); }));
  CHECK(broken([](nlohmann::json& a) { a["middle"] = a["before"]; }));
  CHECK(broken([](nlohmann::json& a) { a["before"] = {{"unavailable", ""}}; }));
  CHECK(broken([](nlohmann::json& a) { a["before"] = {{"unavailable", "x"}, {"nonce", "y"}}; }));
}

TEST_CASE("report attestation: the TEST-ONLY CA is named as such; the constant is the repository's key") {
  const fs::path repo = fs::path(LOCKDIAG_SAMPLE_REPORT).parent_path().parent_path().parent_path();
  const std::string file = test::read_file(repo / "packaging/test-only/manufacturer-ca-TEST-ONLY.pub");
  CHECK(file == std::string(kTestOnlyManufacturerCaLine) + "\n");
  auto ca = parse_manufacturer_ca(file, "test-only.pub");
  REQUIRE(ca);
  CHECK(ca->test_only);
  const Maker m;
  auto renamed = parse_manufacturer_ca(ssh::public_key_line(m.ca.public_key(), "Acme Locks"), "acme.pub");
  REQUIRE(renamed);
  CHECK(!renamed->test_only);
  CHECK(!parse_manufacturer_ca("ssh-ed25519 AAAA\nssh-ed25519 BBBB\n", "two.pub"));
  // A CA whose file calls it TEST-ONLY is named so in the verdict.
  const Report r = m.attested(test::sample_report());
  auto v = check_lock_attestations(r, {{m.ca.public_key(), "t", true}}, signing_time(r));
  REQUIRE(v);
  CHECK(v->line == "lock attested by TEST-ONLY manufacturer CA (not a real lock): serial " + r.lock.serial);
}

TEST_CASE("report verify: an edited count re-signed by the technician fails only on the attestation") {
  test::TempHome home;
  const Maker m;
  const auto ca_pub = home.path() / "maker.pub";
  test::write_file(ca_pub, ssh::public_key_line(m.ca.public_key(), "Test maker") + "\n");
  auto sign_and_verify = [&](const Report& r, const std::string& name, std::vector<std::string> extra) {
    const auto draft = home.path() / (name + ".draft.json");
    const auto signed_path = home.path() / (name + ".json");
    test::write_file(draft, canonical_report(r).value());
    auto s = test::cli({"report", "sign", draft.string(), "-o", signed_path.string()});
    REQUIRE_MESSAGE(s.exit_code == kExitOk, s.err);
    std::vector<std::string> args{"report", "verify", signed_path.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return test::cli(args);
  };
  const Report good = m.attested(test::sample_report());
  auto ok = sign_and_verify(good, "good", {"--manufacturer", ca_pub.string()});
  REQUIRE_MESSAGE(ok.exit_code == kExitOk, ok.err);
  CHECK(has(ok.out, "\nlock attested: serial " + good.lock.serial + " by manufacturer CA " +
                        ssh::fingerprint(m.ca.public_key()) + "\n"));
  auto js = sign_and_verify(good, "good2", {"--manufacturer", ca_pub.string(), "--json"});
  REQUIRE(js.exit_code == kExitOk);
  const auto j = nlohmann::json::parse(js.out);
  CHECK(j["lock_attestation"] == "attested");
  CHECK(j["manufacturer_ca_fingerprint"] == ssh::fingerprint(m.ca.public_key()));
  CHECK(j["manufacturer_test_only"] == false);

  Report edited = good;  // the technician edits a count and signs again with a valid key
  edited.after->slots.front().count += 1;
  edited.after->slots.front().enabled += 1;
  auto bad = sign_and_verify(edited, "edited", {"--manufacturer", ca_pub.string(), "--json"});
  CHECK(bad.exit_code == kExitInvalid);
  CHECK(has(bad.err, "what the lock signed does not match the report"));
  CHECK(has(bad.err, "after.slots["));
  CHECK(nlohmann::json::parse(bad.out)["reason"] == "attestation_invalid");

  // The same genuine report with no manufacturer configured: not trusted silently.
  auto untrusted = sign_and_verify(good, "good3", {});
  CHECK(untrusted.exit_code == kExitInvalid);
  CHECK(has(untrusted.err, "no manufacturer lockdiag trusts"));
  // Trusted through the config dir instead of the option.
  const auto cfg = home.path() / "cfg";
  fs::create_directories(cfg / "lockdiag" / "manufacturers");
  fs::copy_file(ca_pub, cfg / "lockdiag" / "manufacturers" / "maker.pub");
  const auto signed_good = home.path() / "good3.json";
  auto via_cfg = test::cli({"report", "verify", signed_good.string()}, {"XDG_CONFIG_HOME=" + cfg.string()});
  CHECK_MESSAGE(via_cfg.exit_code == kExitOk, via_cfg.err);
  CHECK(has(via_cfg.out, "lock attested: serial"));
  // A report without attestations: unchanged verdict plus one line.
  auto plain = sign_and_verify(test::sample_report(), "plain", {});
  CHECK(plain.exit_code == kExitOk);
  CHECK(has(plain.out, "\nno lock attestation\n"));
}
