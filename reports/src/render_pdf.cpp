// The customer's copy of a report. Everything printed comes from the report model, which
// holds counts and fingerprints only: no code value can reach the page.
#include <map>
#include <set>

#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/render.h"
#include "pdf_layout.h"

namespace lockdiag::reports {
namespace {

using detail::Cell;
using detail::Font;
using detail::PdfLayout;
using detail::Rgb;

constexpr Rgb kGrey{0.35, 0.35, 0.35};
constexpr Rgb kRed{0.75, 0.10, 0.10};
constexpr Rgb kAmber{0.70, 0.45, 0.00};
constexpr Rgb kGreen{0.10, 0.50, 0.20};

std::string job_title(JobKind k) {
  switch (k) {
    case JobKind::diagnose:
      return "Diagnosis";
    case JobKind::handoff_audit:
      return "Property hand-off audit";
    case JobKind::reset_onboarding:
      return "Reset and onboarding";
    case JobKind::rotation:
      return "Code rotation";
    case JobKind::clock_sync:
      return "Clock synchronisation";
  }
  return "Service visit";
}

std::string session_text(SessionOpenedBy s) {
  return s == SessionOpenedBy::factory_state ? "lock in factory state (admin enrollment only)"
                                             : "admin code and service sequence typed on the lock's keypad";
}

std::string signed_int(std::int64_t v) { return (v > 0 ? "+" : "") + std::to_string(v); }

std::string clock_text(const Clock& c) {
  return c.set ? "set, drift " + signed_int(c.drift_s) + " s" : "not set (lost time after power loss)";
}

std::string battery_text(const Battery& b) {
  return std::to_string(b.millivolts) + " mV (" + std::string(to_string(b.state)) + ")";
}

std::string lockout_text(const Lockout& l) {
  if (!l.active) return "none (" + std::to_string(l.wrong_attempts) + " wrong attempts counted)";
  return "ACTIVE, " + std::to_string(l.remaining_s) + " s left after " + std::to_string(l.wrong_attempts) +
         " wrong attempts";
}

std::string events_text(const EventLogRead& e) {
  if (e.entries_read == 0) return "nothing read";
  return "#" + std::to_string(e.first_seq) + " to #" + std::to_string(e.last_seq) + " (" +
         std::to_string(e.entries_read) + " entries)";
}

std::string group_text(const Snapshot& s, Role role, SlotKind kind) {
  for (const auto& g : s.slots)
    if (g.role == role && g.kind == kind) {
      std::string t = std::to_string(g.count) + " (" + std::to_string(g.enabled) + " enabled, " +
                      std::to_string(g.disabled) + " disabled";
      if (g.expired_present > 0) t += ", " + std::to_string(g.expired_present) + " expired";
      return t + ")";
    }
  return "0";
}

std::int64_t sum(const Snapshot& s, std::int64_t SlotGroup::*field) {
  std::int64_t n = 0;
  for (const auto& g : s.slots) n += g.*field;
  return n;
}

std::string short_fp(const std::string& fp) { return fp.size() > 16 ? fp.substr(0, 16) + "…" : fp; }

void before_after(PdfLayout& pdf, const Report& r) {
  const Snapshot& b = r.before;
  const Snapshot* a = r.after ? &*r.after : nullptr;
  auto row = [&](std::string item, std::string before, std::string after) {
    return std::vector<Cell>{
        {std::move(item), Font::bold}, {std::move(before)}, {a ? std::move(after) : "not read"}};
  };
  const Snapshot& an = a ? *a : b;  // only read when `a` is set
  std::vector<std::vector<Cell>> rows{{{"Item"}, {"Before"}, {"After"}}};
  rows.push_back(row("Read at", b.taken_at, an.taken_at));
  rows.push_back(row("Slots occupied",
                     std::to_string(b.occupied()) + " of " + std::to_string(b.slot_capacity),
                     std::to_string(an.occupied()) + " of " + std::to_string(an.slot_capacity)));
  std::set<std::pair<Role, SlotKind>> groups;
  for (const auto& g : b.slots) groups.insert({g.role, g.kind});
  if (a)
    for (const auto& g : a->slots) groups.insert({g.role, g.kind});
  for (const auto& [role, kind] : groups)
    rows.push_back(row("  " + std::string(to_string(role)) + ", " + std::string(to_string(kind)),
                       group_text(b, role, kind), group_text(an, role, kind)));
  rows.push_back(row(
      "Enabled / disabled",
      std::to_string(sum(b, &SlotGroup::enabled)) + " / " + std::to_string(sum(b, &SlotGroup::disabled)),
      std::to_string(sum(an, &SlotGroup::enabled)) + " / " + std::to_string(sum(an, &SlotGroup::disabled))));
  rows.push_back(row("Expired but present", std::to_string(sum(b, &SlotGroup::expired_present)),
                     std::to_string(sum(an, &SlotGroup::expired_present))));
  rows.push_back(
      row("Code-set fingerprint", short_fp(b.code_set_fingerprint),
          short_fp(an.code_set_fingerprint) +
              (an.code_set_fingerprint == b.code_set_fingerprint ? " (unchanged)" : " (changed)")));
  rows.push_back(row("Clock", clock_text(b.clock), clock_text(an.clock)));
  rows.push_back(row("Battery", battery_text(b.battery), battery_text(an.battery)));
  rows.push_back(row("Lockout", lockout_text(b.lockout), lockout_text(an.lockout)));
  rows.push_back(row("Event log read", events_text(b.events), events_text(an.events)));
  pdf.table({0.30, 0.35, 0.35}, rows, true);
}

void steps(PdfLayout& pdf, const Report& r) {
  if (r.steps.empty()) {
    pdf.text("No steps were run.", Font::normal, kGrey);
    return;
  }
  std::vector<std::vector<Cell>> rows{{{"UTC"}, {""}, {"Step"}, {"Outcome"}}};
  for (const auto& s : r.steps) {
    std::string what = s.action;
    if (s.destructive)
      what += s.confirmed_at_lock ? "  (destructive, confirmed at the lock)"
                                  : "  (destructive, NOT confirmed at the lock)";
    else if (s.confirmed_at_lock)
      what += "  (confirmed at the lock)";
    if (!s.detail.empty()) what += "\n" + s.detail;
    const Rgb color = s.outcome == StepOutcome::ok        ? kGreen
                      : s.outcome == StepOutcome::skipped ? kGrey
                                                          : kRed;
    rows.push_back({{s.at.substr(11, 8)},
                    {"●", Font::normal, color},
                    {what},
                    {std::string(to_string(s.outcome)), Font::bold, color}});
  }
  pdf.table({0.13, 0.04, 0.65, 0.18}, rows, true);
}

void findings(PdfLayout& pdf, const Report& r) {
  if (r.findings.empty()) {
    pdf.text("No findings.", Font::normal, kGrey);
    return;
  }
  std::vector<std::vector<Cell>> rows{{{"Severity"}, {"Finding and next step"}}};
  for (const auto& f : r.findings) {
    const Rgb color = f.severity == Severity::critical  ? kRed
                      : f.severity == Severity::warning ? kAmber
                                                        : kGrey;
    std::string sev(to_string(f.severity));
    for (auto& c : sev) c = static_cast<char>(c - 'a' + 'A');
    rows.push_back(
        {{sev, Font::bold, color}, {f.summary + "\nNext step: " + f.next_step + "\n(" + f.code + ")"}});
  }
  pdf.table({0.15, 0.85}, rows, true);
}

void battery_clock(PdfLayout& pdf, const Report& r) {
  const Snapshot& b = r.before;
  const Snapshot& a = r.after ? *r.after : r.before;
  const std::string end = r.after ? "" : " (no final read)";
  std::vector<std::vector<Cell>> rows{{{"Figure"}, {"Before"}, {"After"}, {"Change"}}};
  rows.push_back({{"Battery (mV)", Font::bold},
                  {std::to_string(b.battery.millivolts)},
                  {std::to_string(a.battery.millivolts) + end},
                  {signed_int(a.battery.millivolts - b.battery.millivolts) + " mV"}});
  rows.push_back({{"Battery state", Font::bold},
                  {std::string(to_string(b.battery.state))},
                  {std::string(to_string(a.battery.state))},
                  {""}});
  rows.push_back({{"Clock drift (s)", Font::bold},
                  {b.clock.set ? signed_int(b.clock.drift_s) : "not set"},
                  {a.clock.set ? signed_int(a.clock.drift_s) : "not set"},
                  {""}});
  pdf.table({0.28, 0.24, 0.24, 0.24}, rows, true);
}

void events(PdfLayout& pdf, const Report& r) {
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> counts;
  for (const auto& e : r.before.events.by_type) counts[e.type].first = e.count;
  if (r.after)
    for (const auto& e : r.after->events.by_type) counts[e.type].second = e.count;
  if (counts.empty()) {
    pdf.text("No events were read.", Font::normal, kGrey);
    return;
  }
  std::vector<std::vector<Cell>> rows{
      {{"Event type"},
       {"Before: " + events_text(r.before.events)},
       {"After: " + (r.after ? events_text(r.after->events) : std::string("not read"))}}};
  for (const auto& [type, c] : counts)
    rows.push_back({{type}, {std::to_string(c.first)}, {r.after ? std::to_string(c.second) : "-"}});
  pdf.table({0.4, 0.3, 0.3}, rows, true);
}

// One line for the customer: what was found and what changed.
std::string glance(const Report& r) {
  int n[3] = {0, 0, 0};
  for (const auto& f : r.findings) ++n[static_cast<int>(f.severity)];
  std::string t = "At a glance: " + std::to_string(n[2]) + " critical, " + std::to_string(n[1]) +
                  " warning, " + std::to_string(n[0]) + " info findings; slots occupied " +
                  std::to_string(r.before.occupied());
  if (r.after) t += " before, " + std::to_string(r.after->occupied()) + " after";
  return t + ".";
}

}  // namespace

namespace {
// "2026-11-21T08:30:00Z" -> "20261121083000Z", the form of ssh-keygen -Overify-time.
std::string ssh_time(const std::string& t) {
  std::string out;
  for (const char c : t)
    if (c >= '0' && c <= '9') out.push_back(c);
  return out + "Z";
}
}  // namespace

Result<std::string> render_pdf(const Report& r, const std::optional<SignatureBlock>& signature, Paper paper) {
  auto canonical = canonical_report(r);
  if (!canonical) return std::unexpected(canonical.error());
  try {
    PdfLayout pdf(paper, "lockdiag report " + r.id + "  ·  lock " + r.lock.serial);
    pdf.text("Lock service report", Font::title, {0.10, 0.20, 0.40});
    pdf.text(job_title(r.kind) + "  ·  " + r.technician.company, Font::heading);
    pdf.table(
        {0.5, 0.5},
        {{{"Technician: " + r.technician.name}, {"Report: " + r.id}},
         {{"Licence no.: " + (r.technician.licence_no.empty() ? std::string("—") : r.technician.licence_no)},
          {"Visit: " + r.started_at + " to " + r.finished_at}}},
        false);
    if (!signature) pdf.text("NOT SIGNED — draft, not a valid job report", Font::heading, kRed);
    pdf.text(glance(r), Font::bold);

    pdf.heading("Site and lock");
    pdf.table({0.22, 0.78},
              {{{"Site", Font::bold}, {r.site.name}},
               {{"Address", Font::bold}, {r.site.address}},
               {{"Customer", Font::bold}, {r.site.customer}},
               {{"Lock", Font::bold}, {r.lock.model + ", serial " + r.lock.serial}},
               {{"Firmware", Font::bold},
                {r.lock.firmware + " (service protocol " + std::to_string(r.lock.protocol_version) + ")"}}},
              false);

    pdf.heading("Authorization");
    pdf.table({0.22, 0.78},
              {{{"Service session", Font::bold},
                {session_text(r.authorization.session_opened_by) + ", " + r.authorization.session_opened_at}},
               {{"Ownership", Font::bold}, {r.authorization.ownership_proof}},
               {{"Present", Font::bold}, {r.authorization.present}}},
              false);

    pdf.heading("Before and after");
    before_after(pdf, r);
    pdf.heading("Steps");
    steps(pdf, r);
    pdf.heading("Findings");
    findings(pdf, r);
    pdf.heading("Battery and clock");
    battery_clock(pdf, r);
    pdf.heading("Event log summary");
    events(pdf, r);
    if (!r.notes.empty()) {
      pdf.heading("Notes");
      for (const auto& n : r.notes) pdf.text(n);
    }

    pdf.keep_together(130);
    pdf.heading("Signature");
    if (signature && !signature->company.empty()) {
      pdf.text("Signed by " + r.technician.name + ", certified by " + signature->company + " until " +
               signature->certified_until + " (CA " + signature->ca_fingerprint + ").");
      pdf.text("Signed at " + signature->signed_at + " as principal " + signature->principal +
                   " with Ed25519 key " + signature->key_id + ".",
               Font::small);
    } else if (signature) {
      pdf.text("Signed by " + r.technician.name + " with Ed25519 key " + signature->key_id + ".");
      pdf.text("Public key: " + signature->public_key_hex, Font::mono);
    } else {
      pdf.text("This draft carries no signature.", Font::bold, kRed);
    }
    pdf.text("Report SHA-256 (canonical JSON): " + sha256_hex(*canonical), Font::mono);
    if (signature && !signature->company.empty())
      pdf.text("Anyone holding the company's allowed_signers file can check the signed report file offline: "
               "lockdiag report verify REPORT.json --company COMPANY.allowed_signers, or with OpenSSH alone: "
               "head -n 1 REPORT.json > r.msg; tail -n +2 REPORT.json > r.sig; ssh-keygen -Y verify -f "
               "COMPANY.allowed_signers -I " + signature->principal + " -n lockdiag-report@lockdiag.example "
               "-s r.sig -Overify-time=" + ssh_time(signature->signed_at) + " < r.msg",
               Font::small, kGrey);
    else
      pdf.text(
          "Anyone holding the technician's public key can check the signed report file offline: "
          "lockdiag report verify REPORT.json --key TECHNICIAN.pub",
          Font::small, kGrey);
    pdf.text("This report counts door codes; it never contains one. Made by lockdiag " + r.tool_version + ".",
             Font::small, kGrey);

    std::string error;
    std::string bytes = pdf.finish(&error);
    if (!error.empty()) return fail(error);
    return bytes;
  } catch (const std::exception& e) {
    return fail(std::string("cannot render the PDF: ") + e.what());
  }
}

}  // namespace lockdiag::reports
