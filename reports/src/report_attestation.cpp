// The lock's attestations inside a report: challenge, JSON field, and the fact check
// (report_attestation.h; docs/trust.md, "Attestation").
#include "lockdiag/reports/report_attestation.h"

#include <cstring>

#include "lockdiag/reports/attestation.h"
#include "lockdiag/reports/ssh.h"

namespace lockdiag::reports {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxBodyBase64 = 8 * 1024;
constexpr std::size_t kMaxCertBase64 = 22 * 1024;  // a 16 KiB blob
constexpr std::size_t kMaxReason = 500;
// The lock's signed time against the read's time plus the stated drift: the attestation is
// taken right after the read, so the two agree to within this (docs/trust.md).
constexpr std::int64_t kClockTolerance = 120;

bool lower_hex(std::string_view s) {
  for (const char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Strict base64 in its one canonical spelling (the report is canonical JSON: one spelling).
Result<std::string> strict_unbase64(const std::string& text, std::string_view what) {
  auto raw = ssh::unbase64(text);
  if (!raw || ssh::base64(*raw) != text) return fail(std::string(what) + " is not base64");
  return raw;
}

Result<AttestationRecord> record_from_json(const json& j, const std::string& path) {
  if (!j.is_object()) return fail(path + " must be an object");
  AttestationRecord r;
  auto str = [&](const char* key, std::string& out) -> bool {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  if (j.contains("unavailable")) {
    if (j.size() != 1 || !str("unavailable", r.unavailable) || r.unavailable.empty() ||
        r.unavailable.size() > kMaxReason)
      return fail(path + ".unavailable must be the only field, a reason of 1-500 bytes");
    for (const char c : r.unavailable)
      if (static_cast<unsigned char>(c) < 0x20) return fail(path + ".unavailable has a control character");
    return r;
  }
  if (j.size() != 4 || !str("nonce", r.nonce) || !str("body", r.body) || !str("signature", r.signature) ||
      !str("certificate", r.certificate))
    return fail(path + " must have exactly nonce, body, signature and certificate (strings), or unavailable");
  if (r.nonce.size() != 2 * kChallengeBytes || !lower_hex(r.nonce))
    return fail(path + ".nonce must be 64 lowercase hex digits");
  if (r.body.size() > kMaxBodyBase64 || r.certificate.size() > kMaxCertBase64) return fail(path + " is too large");
  if (auto b = strict_unbase64(r.body, path + ".body"); !b) return std::unexpected(b.error());
  if (auto c = strict_unbase64(r.certificate, path + ".certificate"); !c) return std::unexpected(c.error());
  auto s = strict_unbase64(r.signature, path + ".signature");
  if (!s) return std::unexpected(s.error());
  if (s->size() != kSignatureBytes) return fail(path + ".signature must be 64 bytes");
  return r;
}

json record_to_json(const AttestationRecord& r) {
  if (!r.unavailable.empty()) return json{{"unavailable", r.unavailable}};
  return json{{"nonce", r.nonce}, {"body", r.body}, {"signature", r.signature}, {"certificate", r.certificate}};
}

// The facts a snapshot and the lock identity state, against what the lock signed.
std::vector<std::string> mismatches(const Report& r, const Snapshot& s, const Attestation& a,
                                    const std::string& phase) {
  std::vector<std::string> out;
  if (r.lock.serial != a.serial) out.push_back("lock.serial");
  if (r.lock.firmware != a.firmware) out.push_back("lock.firmware");
  for (auto& m : attested_mismatches(s, a))
    if (m != "events.last_seq") out.push_back(phase + "." + m);
  // The lock signs the newest sequence number it holds; a read that found no new entries
  // states the next number it would read (last_seq = first_seq = next).
  const bool lock_has_events = a.event_first_seq != 0 || a.event_last_seq != 0;
  if (s.events.entries_read > 0
          ? s.events.last_seq != static_cast<std::int64_t>(a.event_last_seq)
          : lock_has_events && s.events.last_seq != static_cast<std::int64_t>(a.event_last_seq) + 1)
    out.push_back(phase + ".events.last_seq");
  if (s.clock.set && a.clock_set) {
    if (auto t = ssh::parse_time_text(s.taken_at)) {
      const std::int64_t predicted = static_cast<std::int64_t>(*t) + s.clock.drift_s;
      const std::int64_t signed_time = static_cast<std::int64_t>(a.lock_time);
      if (signed_time - predicted > kClockTolerance || predicted - signed_time > kClockTolerance)
        out.push_back(phase + ".clock.drift_s");
    }
  }
  return out;
}

}  // namespace

std::string attestation_pdf_line(const Report& r) {
  if (!r.lock_attestation) return {};
  const auto& b = r.lock_attestation->before;
  const AttestationRecord* signed_rec = b.unavailable.empty() ? &b : nullptr;
  if (!signed_rec && r.lock_attestation->after && r.lock_attestation->after->unavailable.empty())
    signed_rec = &*r.lock_attestation->after;
  if (!signed_rec) return "Lock attestation: none (" + b.unavailable + ").";
  std::string by = "a manufacturer CA";
  if (auto blob = ssh::unbase64(signed_rec->certificate))
    if (auto cert = ssh::parse_certificate(*blob)) {
      auto test = ssh::parse_public_key_line(kTestOnlyManufacturerCaLine);
      by = test && *test == cert->ca ? "the TEST-ONLY manufacturer CA (a virtual lock, not a real one)"
                                     : "manufacturer CA " + ssh::fingerprint(cert->ca);
    }
  const bool both = b.unavailable.empty() && r.lock_attestation->after &&
                    r.lock_attestation->after->unavailable.empty();
  return "Lock attestation: lock " + r.lock.serial + ", whose device key is certified by " + by +
         ", signed its own state " +
         (both                    ? "on arrival and on leaving"
          : b.unavailable.empty() ? "on arrival"
                                  : "on leaving") +
         "; lockdiag report verify checks the counts above against it.";
}

std::string attestation_challenge(std::string_view report_id, std::string_view phase, std::string_view nonce) {
  std::string m(kChallengeDomain);
  m.push_back('\0');
  m.append(report_id);
  m.push_back('\0');
  m.append(phase);
  m.push_back('\0');
  m.append(nonce);
  std::string out(kChallengeBytes, '\0');
  (void)from_hex(sha256_hex(m), std::span(reinterpret_cast<unsigned char*>(out.data()), out.size()));
  return out;
}

json attestations_to_json(const LockAttestations& a) {
  json j = {{"before", record_to_json(a.before)}};
  if (a.after) j["after"] = record_to_json(*a.after);
  return j;
}

Result<LockAttestations> attestations_from_json(const json& j) {
  if (!j.is_object() || !j.contains("before") || j.size() > 2 || (j.size() == 2 && !j.contains("after")))
    return fail("report.lock_attestation must be an object with before and optionally after");
  LockAttestations a;
  auto before = record_from_json(j.at("before"), "report.lock_attestation.before");
  if (!before) return std::unexpected(before.error());
  a.before = std::move(*before);
  if (j.contains("after")) {
    auto after = record_from_json(j.at("after"), "report.lock_attestation.after");
    if (!after) return std::unexpected(after.error());
    a.after = std::move(*after);
  }
  return a;
}

Result<ManufacturerCa> parse_manufacturer_ca(std::string_view text, std::string_view source) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (text.find('\n') != std::string_view::npos)
    return fail(std::string(source) + ": a manufacturer CA file holds one ssh-ed25519 key line");
  auto key = ssh::parse_public_key_line(text);
  if (!key) return fail(std::string(source) + ": " + key.error().message);
  if (text.rfind("ssh-ed25519 ", 0) != 0) return fail(std::string(source) + ": not an ssh-ed25519 key line");
  auto test = ssh::parse_public_key_line(kTestOnlyManufacturerCaLine);
  ManufacturerCa ca{*key, std::string(source), test && *test == *key};
  if (text.find("TEST-ONLY") != std::string_view::npos) ca.test_only = true;
  return ca;
}

std::expected<AttestationVerdict, std::string> check_lock_attestations(const Report& r,
                                                                       const std::vector<ManufacturerCa>& cas,
                                                                       std::uint64_t at_time) {
  AttestationVerdict v;
  if (!r.lock_attestation) {
    v.line = "no lock attestation";
    return v;
  }
  std::vector<PublicKey> keys;
  for (const auto& c : cas) keys.push_back(c.key);
  struct Phase {
    const char* name;
    const AttestationRecord* rec;
    const Snapshot* snap;
  };
  const Phase phases[] = {{"before", &r.lock_attestation->before, &r.before},
                          {"after", r.lock_attestation->after ? &*r.lock_attestation->after : nullptr,
                           r.after ? &*r.after : nullptr}};
  std::string unavailable;
  for (const auto& p : phases) {
    if (!p.rec) continue;
    if (!p.rec->unavailable.empty()) {
      if (unavailable.empty()) unavailable = p.rec->unavailable;
      continue;
    }
    const std::string what = std::string("the ") + (p.name == std::string("before") ? "arrival" : "final") +
                             " attestation";
    auto body = ssh::unbase64(p.rec->body);
    auto sig_raw = ssh::unbase64(p.rec->signature);
    auto cert_raw = ssh::unbase64(p.rec->certificate);
    if (!body || !sig_raw || !cert_raw || sig_raw->size() != kSignatureBytes)
      return std::unexpected(what + " is malformed");
    Signature sig{};
    std::memcpy(sig.data(), sig_raw->data(), sig.size());
    std::string nonce(kChallengeBytes, '\0');
    if (!from_hex(p.rec->nonce, std::span(reinterpret_cast<unsigned char*>(nonce.data()), nonce.size())))
      return std::unexpected(what + " has a malformed nonce");
    auto a = verify_attestation(*body, sig, *cert_raw, keys, attestation_challenge(r.id, p.name, nonce), at_time);
    if (!a) return std::unexpected(what + ": " + a.error().message);
    if (!p.snap) return std::unexpected(what + " has no read of the lock in the report to compare with");
    const auto diff = mismatches(r, *p.snap, *a, p.name);
    if (!diff.empty()) {
      std::string list;
      for (const auto& d : diff) list += (list.empty() ? "" : ", ") + d;
      return std::unexpected("the report states facts the lock did not sign (" + what + "): " + list);
    }
    auto cert = ssh::parse_certificate(*cert_raw);
    bool test_only = false;
    for (const auto& c : cas)
      if (cert && c.key == cert->ca) test_only = test_only || c.test_only;
    if (v.state == AttestationState::attested && v.ca_fingerprint != ssh::fingerprint(cert->ca))
      return std::unexpected("the arrival and final attestations are certified by different manufacturers");
    v.state = AttestationState::attested;
    v.serial = a->serial;
    v.ca_fingerprint = ssh::fingerprint(cert->ca);
    v.test_only = v.test_only || test_only;
    if (p.name == std::string("after")) v.after_attested = true;
    v.line = test_only ? "lock attested by TEST-ONLY manufacturer CA (not a real lock): serial " + a->serial
                       : "lock attested: serial " + a->serial + " by manufacturer CA " + ssh::fingerprint(cert->ca);
  }
  if (v.state != AttestationState::attested) {
    v.state = AttestationState::unavailable;
    v.line = "no lock attestation: " + unavailable;
    return v;
  }
  if (r.lock_attestation->before.unavailable.size())
    v.line += " (on leaving only; on arrival: " + r.lock_attestation->before.unavailable + ")";
  else if (r.after && !v.after_attested)
    v.line += r.lock_attestation->after
                  ? " (on arrival only; on leaving: " + r.lock_attestation->after->unavailable + ")"
                  : " (on arrival only)";
  return v;
}

}  // namespace lockdiag::reports
