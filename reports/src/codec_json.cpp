// Report model <-> JSON value. Decoding is strict: a closed schema (unknown keys are errors)
// means no field can be added that would carry a code value.
#include <set>
#include <string>

#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/report_attestation.h"
#include "lockdiag/reports/contact.h"
#include "lockdiag/reports/lock_zone.h"

namespace lockdiag::reports {
namespace {

using json = nlohmann::json;

// ---- encoding -------------------------------------------------------------------------

json encode(const Snapshot& s) {
  json slots = json::array();
  for (const auto& g : s.slots)
    slots.push_back({{"role", to_string(g.role)},
                     {"kind", to_string(g.kind)},
                     {"count", g.count},
                     {"enabled", g.enabled},
                     {"disabled", g.disabled},
                     {"expired_present", g.expired_present}});
  json by_type = json::array();
  for (const auto& e : s.events.by_type) by_type.push_back({{"type", e.type}, {"count", e.count}});
  return {{"taken_at", s.taken_at},
          {"slot_capacity", s.slot_capacity},
          {"slots", std::move(slots)},
          {"code_set_fingerprint", s.code_set_fingerprint},
          {"clock", {{"set", s.clock.set}, {"drift_s", s.clock.drift_s}}},
          {"battery", {{"millivolts", s.battery.millivolts}, {"state", to_string(s.battery.state)}}},
          {"lockout",
           {{"active", s.lockout.active},
            {"wrong_attempts", s.lockout.wrong_attempts},
            {"remaining_s", s.lockout.remaining_s}}},
          {"events",
           {{"first_seq", s.events.first_seq},
            {"last_seq", s.events.last_seq},
            {"entries_read", s.events.entries_read},
            {"by_type", std::move(by_type)}}}};
}

// ---- decoding: exceptions stay inside this file ------------------------------------------

struct DecodeError {
  std::string message;
};

class Obj {
 public:
  Obj(const json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) throw DecodeError{path_ + " must be an object"};
  }
  // Every key must have been read: unknown keys are refused.
  void finish() const {
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!seen_.contains(it.key()))
        throw DecodeError{path_ + "." + it.key() + " is not part of " + std::string(kReportFormat)};
  }
  bool has(const std::string& key) const { return j_.contains(key); }
  const json& get(const std::string& key) {
    auto it = j_.find(key);
    if (it == j_.end()) throw DecodeError{path_ + "." + key + " is missing"};
    seen_.insert(key);
    return *it;
  }
  std::string at(const std::string& key) const { return path_ + "." + key; }
  std::string str(const std::string& key) {
    const json& v = get(key);
    if (!v.is_string()) throw DecodeError{at(key) + " must be a string"};
    return v.get<std::string>();
  }
  std::int64_t integer(const std::string& key) {
    const json& v = get(key);
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxSafeInteger))
      throw DecodeError{at(key) + " is too large"};
    if (!v.is_number_integer()) throw DecodeError{at(key) + " must be an integer"};
    return v.get<std::int64_t>();
  }
  bool boolean(const std::string& key) {
    const json& v = get(key);
    if (!v.is_boolean()) throw DecodeError{at(key) + " must be true or false"};
    return v.get<bool>();
  }
  const json& array(const std::string& key) {
    const json& v = get(key);
    if (!v.is_array()) throw DecodeError{at(key) + " must be an array"};
    return v;
  }
  template <class E>
  E name(const std::string& key, std::optional<E> (*parse)(std::string_view)) {
    const std::string s = str(key);
    auto e = parse(s);
    if (!e) throw DecodeError{at(key) + ": unknown value \"" + s + "\""};
    return *e;
  }

 private:
  const json& j_;
  std::string path_;
  std::set<std::string> seen_;
};

Snapshot decode_snapshot(const json& j, const std::string& path) {
  Obj o(j, path);
  Snapshot s;
  s.taken_at = o.str("taken_at");
  s.slot_capacity = o.integer("slot_capacity");
  std::size_t i = 0;
  for (const auto& e : o.array("slots")) {
    Obj g(e, path + ".slots[" + std::to_string(i++) + "]");
    SlotGroup sg;
    sg.role = g.name("role", parse_role);
    sg.kind = g.name("kind", parse_slot_kind);
    sg.count = g.integer("count");
    sg.enabled = g.integer("enabled");
    sg.disabled = g.integer("disabled");
    sg.expired_present = g.integer("expired_present");
    g.finish();
    s.slots.push_back(sg);
  }
  s.code_set_fingerprint = o.str("code_set_fingerprint");
  {
    Obj c(o.get("clock"), o.at("clock"));
    s.clock.set = c.boolean("set");
    s.clock.drift_s = c.integer("drift_s");
    c.finish();
  }
  {
    Obj b(o.get("battery"), o.at("battery"));
    s.battery.millivolts = b.integer("millivolts");
    s.battery.state = b.name("state", parse_battery_state);
    b.finish();
  }
  {
    Obj l(o.get("lockout"), o.at("lockout"));
    s.lockout.active = l.boolean("active");
    s.lockout.wrong_attempts = l.integer("wrong_attempts");
    s.lockout.remaining_s = l.integer("remaining_s");
    l.finish();
  }
  {
    Obj ev(o.get("events"), o.at("events"));
    s.events.first_seq = ev.integer("first_seq");
    s.events.last_seq = ev.integer("last_seq");
    s.events.entries_read = ev.integer("entries_read");
    std::size_t k = 0;
    for (const auto& e : ev.array("by_type")) {
      Obj t(e, ev.at("by_type") + "[" + std::to_string(k++) + "]");
      s.events.by_type.push_back(EventCount{t.str("type"), t.integer("count")});
      t.finish();
    }
    ev.finish();
  }
  o.finish();
  return s;
}

Report decode_report(const json& j) {
  Obj o(j, "report");
  Report r;
  r.format = o.str("format");
  if (r.format != kReportFormat)
    throw DecodeError{"report.format is \"" + r.format + "\"; this tool reads " + std::string(kReportFormat)};
  r.id = o.str("id");
  r.tool_version = o.str("tool_version");
  r.started_at = o.str("started_at");
  r.finished_at = o.str("finished_at");
  {
    Obj t(o.get("technician"), o.at("technician"));
    r.technician = Technician{t.str("name"), t.str("company"), t.str("licence_no")};
    t.finish();
  }
  {
    Obj s(o.get("site"), o.at("site"));
    r.site = Site{s.str("name"), s.str("address"), s.str("customer")};
    s.finish();
  }
  {
    Obj l(o.get("lock"), o.at("lock"));
    r.lock = LockIdentity{l.str("model"), l.str("serial"), l.str("firmware"), l.integer("protocol_version")};
    l.finish();
  }
  r.kind = o.name("job_kind", parse_job_kind);
  {
    Obj a(o.get("authorization"), o.at("authorization"));
    r.authorization.session_opened_by = a.name("session_opened_by", parse_session_opened_by);
    r.authorization.session_opened_at = a.str("session_opened_at");
    r.authorization.ownership_proof = a.str("ownership_proof");
    r.authorization.present = a.str("present");
    a.finish();
  }
  r.before = decode_snapshot(o.get("before"), "report.before");
  if (o.has("after")) r.after = decode_snapshot(o.get("after"), "report.after");
  std::size_t i = 0;
  for (const auto& e : o.array("steps")) {
    Obj s(e, "report.steps[" + std::to_string(i++) + "]");
    Step st;
    st.at = s.str("at");
    st.action = s.str("action");
    st.destructive = s.boolean("destructive");
    st.confirmed_at_lock = s.boolean("confirmed_at_lock");
    st.outcome = s.name("outcome", parse_step_outcome);
    st.detail = s.str("detail");
    s.finish();
    r.steps.push_back(std::move(st));
  }
  i = 0;
  for (const auto& e : o.array("findings")) {
    Obj f(e, "report.findings[" + std::to_string(i++) + "]");
    Finding fd;
    fd.severity = f.name("severity", parse_severity);
    fd.code = f.str("code");
    fd.summary = f.str("summary");
    fd.next_step = f.str("next_step");
    f.finish();
    r.findings.push_back(std::move(fd));
  }
  if (o.has("still_to_do")) {
    r.still_to_do.emplace();
    i = 0;
    for (const auto& e : o.array("still_to_do")) {
      Obj f(e, "report.still_to_do[" + std::to_string(i++) + "]");
      Finding fd;
      fd.severity = f.name("severity", parse_severity);
      fd.code = f.str("code");
      fd.summary = f.str("summary");
      fd.next_step = f.str("next_step");
      f.finish();
      r.still_to_do->push_back(std::move(fd));
    }
  }
  if (o.has("lock_attestation")) {  // absent in older reports
    auto a = attestations_from_json(o.get("lock_attestation"));
    if (!a) throw DecodeError{a.error().message};
    r.lock_attestation = std::move(*a);
  }
  if (o.has("company_contact")) {
    auto c = decode_company_contact(o.get("company_contact"));
    if (!c) throw DecodeError{"report.company_contact: " + c.error()};
    r.company_contact = std::move(*c);
  }
  if (o.has("lock_time_zone")) {  // absent in older reports
    auto z = decode_lock_time_zone(o.get("lock_time_zone"));
    if (!z) throw DecodeError{"report.lock_time_zone: " + z.error()};
    r.lock_time_zone = std::move(*z);
  }
  i = 0;
  for (const auto& e : o.array("notes")) {
    if (!e.is_string()) throw DecodeError{"report.notes[" + std::to_string(i) + "] must be a string"};
    r.notes.push_back(e.get<std::string>());
    ++i;
  }
  o.finish();
  return r;
}

}  // namespace

nlohmann::json to_json(const Report& r) {
  json steps = json::array();
  for (const auto& s : r.steps)
    steps.push_back({{"at", s.at},
                     {"action", s.action},
                     {"destructive", s.destructive},
                     {"confirmed_at_lock", s.confirmed_at_lock},
                     {"outcome", to_string(s.outcome)},
                     {"detail", s.detail}});
  json findings = json::array();
  for (const auto& f : r.findings)
    findings.push_back(
        {{"severity", to_string(f.severity)}, {"code", f.code}, {"summary", f.summary}, {"next_step", f.next_step}});
  json j = {{"format", r.format},
            {"id", r.id},
            {"tool_version", r.tool_version},
            {"started_at", r.started_at},
            {"finished_at", r.finished_at},
            {"technician",
             {{"name", r.technician.name}, {"company", r.technician.company}, {"licence_no", r.technician.licence_no}}},
            {"site", {{"name", r.site.name}, {"address", r.site.address}, {"customer", r.site.customer}}},
            {"lock",
             {{"model", r.lock.model},
              {"serial", r.lock.serial},
              {"firmware", r.lock.firmware},
              {"protocol_version", r.lock.protocol_version}}},
            {"job_kind", to_string(r.kind)},
            {"authorization",
             {{"session_opened_by", to_string(r.authorization.session_opened_by)},
              {"session_opened_at", r.authorization.session_opened_at},
              {"ownership_proof", r.authorization.ownership_proof},
              {"present", r.authorization.present}}},
            {"before", encode(r.before)},
            {"steps", std::move(steps)},
            {"findings", std::move(findings)},
            {"notes", r.notes}};
  if (r.after) j["after"] = encode(*r.after);
  if (r.still_to_do) {
    json left = json::array();
    for (const auto& f : *r.still_to_do)
      left.push_back(
          {{"severity", to_string(f.severity)}, {"code", f.code}, {"summary", f.summary}, {"next_step", f.next_step}});
    j["still_to_do"] = std::move(left);
  }
  if (r.lock_attestation) j["lock_attestation"] = attestations_to_json(*r.lock_attestation);
  if (r.company_contact) j["company_contact"] = encode_company_contact(*r.company_contact);
  if (r.lock_time_zone) j["lock_time_zone"] = encode_lock_time_zone(*r.lock_time_zone);
  return j;
}

Result<Report> from_json(const nlohmann::json& value) {
  Report r;
  try {
    r = decode_report(value);
  } catch (const DecodeError& e) {
    return fail(e.message);
  } catch (const std::exception& e) {
    return fail(std::string("cannot read report: ") + e.what());
  }
  if (auto ok = validate(r); !ok) return std::unexpected(ok.error());
  return r;
}

Result<std::string> canonical_report(const Report& report) {
  if (auto ok = validate(report); !ok) return std::unexpected(ok.error());
  try {
    return canonical(to_json(report));
  } catch (const std::exception& e) {
    return fail(std::string("cannot encode report: ") + e.what());
  }
}

Result<Report> parse_report_body(std::string_view bytes) {
  auto j = parse_json(bytes);
  if (!j) return fail("report body: " + j.error().message);
  if (j->is_object() && j->contains("signature") && j->contains("report"))
    return fail("this is already a signed report; sign takes an unsigned report body");
  return from_json(*j);
}

}  // namespace lockdiag::reports
