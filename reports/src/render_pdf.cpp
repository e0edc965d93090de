// The customer's copy of a report. Everything printed comes from the report model, which
// holds counts and fingerprints only: no code value can reach the page.
#include <map>
#include <set>

#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/contact.h"
#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/lock_zone.h"
#include "lockdiag/reports/render.h"
#include "lockdiag/reports/report_attestation.h"
#include "lockdiag/reports/visit.h"
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

std::int64_t sum(const Snapshot& s, std::int64_t SlotGroup::* field) {
  std::int64_t n = 0;
  for (const auto& g : s.slots) n += g.*field;
  return n;
}

std::string words(std::string s) {  // "wrong_code" -> "wrong code"
  for (auto& c : s)
    if (c == '_') c = ' ';
  return s;
}

std::string short_fp(const std::string& fp) { return fp.size() > 16 ? fp.substr(0, 16) + "…" : fp; }

void before_after(PdfLayout& pdf, const Report& r, const ReportClock& clock) {
  const Snapshot& b = r.before;
  const Snapshot* a = r.after ? &*r.after : nullptr;
  auto row = [&](std::string item, std::string before, std::string after) {
    return std::vector<Cell>{{std::move(item), Font::bold}, {std::move(before)}, {a ? std::move(after) : "not read"}};
  };
  const Snapshot& an = a ? *a : b;  // only read when `a` is set
  std::vector<std::vector<Cell>> rows{{{"Item"}, {"Before"}, {"After"}}};
  rows.push_back(row("Read at", clock.date_time(b.taken_at), clock.date_time(an.taken_at)));
  rows.push_back(row("Slots occupied", std::to_string(b.occupied()) + " of " + std::to_string(b.slot_capacity),
                     std::to_string(an.occupied()) + " of " + std::to_string(an.slot_capacity)));
  std::set<std::pair<Role, SlotKind>> groups;
  for (const auto& g : b.slots) groups.insert({g.role, g.kind});
  if (a)
    for (const auto& g : a->slots) groups.insert({g.role, g.kind});
  for (const auto& [role, kind] : groups)
    rows.push_back(row("  " + std::string(to_string(role)) + ", " + std::string(to_string(kind)),
                       group_text(b, role, kind), group_text(an, role, kind)));
  rows.push_back(
      row("Enabled / disabled",
          std::to_string(sum(b, &SlotGroup::enabled)) + " / " + std::to_string(sum(b, &SlotGroup::disabled)),
          std::to_string(sum(an, &SlotGroup::enabled)) + " / " + std::to_string(sum(an, &SlotGroup::disabled))));
  rows.push_back(row("Expired but present", std::to_string(sum(b, &SlotGroup::expired_present)),
                     std::to_string(sum(an, &SlotGroup::expired_present))));
  rows.push_back(row("Code-set fingerprint", short_fp(b.code_set_fingerprint),
                     short_fp(an.code_set_fingerprint) +
                         (an.code_set_fingerprint == b.code_set_fingerprint ? " (unchanged)" : " (changed)")));
  rows.push_back(row("Clock", clock_text(b.clock), clock_text(an.clock)));
  rows.push_back(row("Battery", battery_text(b.battery), battery_text(an.battery)));
  rows.push_back(row("Lockout", lockout_text(b.lockout), lockout_text(an.lockout)));
  rows.push_back(row("Event log read", events_text(b.events), events_text(an.events)));
  pdf.table({0.30, 0.35, 0.35}, rows, true);
}

void steps(PdfLayout& pdf, const Report& r, const ReportClock& clock) {
  if (r.steps.empty()) {
    pdf.text("No steps were run.", Font::normal, kGrey);
    return;
  }
  std::vector<std::vector<Cell>> rows{{{"Time (" + clock.zone_label() + ")"}, {""}, {"Step"}, {"Outcome"}}};
  for (const auto& s : r.steps) {
    std::string what = step_title(s.action);
    if (s.destructive)
      what += s.confirmed_at_lock ? "  (destructive, confirmed at the lock)"
                                  : "  (destructive, NOT confirmed at the lock)";
    else if (s.confirmed_at_lock) what += "  (confirmed at the lock)";
    if (!s.detail.empty()) what += "\n" + s.detail;
    const Rgb color = s.outcome == StepOutcome::ok ? kGreen : s.outcome == StepOutcome::skipped ? kGrey : kRed;
    rows.push_back({{clock.time_of_day(s.at)},
                    {"●", Font::normal, color},
                    {what},
                    {s.outcome == StepOutcome::interrupted ? std::string("paused, not finished")
                                                           : std::string(to_string(s.outcome)),
                     Font::bold, color}});
  }
  if (clock.has_zone()) pdf.table({0.19, 0.04, 0.59, 0.18}, rows, true);  // "03:15:07 CEST" on one line
  else pdf.table({0.13, 0.04, 0.65, 0.18}, rows, true);
}

void finding_table(PdfLayout& pdf, const std::vector<Finding>& list, const char* empty) {
  if (list.empty()) {
    pdf.text(empty, Font::normal, kGrey);
    return;
  }
  std::vector<std::vector<Cell>> rows{{{"Severity"}, {"Finding and next step"}}};
  for (const auto& f : list) {
    const Rgb color = f.severity == Severity::critical ? kRed : f.severity == Severity::warning ? kAmber : kGrey;
    std::string sev(to_string(f.severity));
    for (auto& c : sev) c = static_cast<char>(c - 'a' + 'A');
    rows.push_back({{sev, Font::bold, color}, {f.summary + "\nNext step: " + f.next_step}});  // codes stay in the JSON
  }
  pdf.table({0.15, 0.85}, rows, true);
}

// As found and as left: only what changed, then only what is still to do.
void as_left(PdfLayout& pdf, const Report& r) {
  if (!r.after && r.kind == JobKind::diagnose) {
    pdf.text("A diagnosis only reads the lock: nothing was changed.", Font::normal, kGrey);
    return;
  }
  if (!r.after) {
    pdf.text("The job ended before the lock was read again: what changed is not known.", Font::normal, kGrey);
    return;
  }
  const auto changes = changes_between(r.before, *r.after);
  if (changes.empty()) {
    pdf.text("Nothing on the lock was changed.", Font::normal, kGrey);
  } else {
    std::vector<std::vector<Cell>> rows{{{"What"}, {"As found"}, {"As left"}}};
    for (const auto& c : changes) rows.push_back({{c.what, Font::bold}, {c.before}, {c.after}});
    pdf.table({0.40, 0.30, 0.30}, rows, true);
  }
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
    rows.push_back({{words(type)}, {std::to_string(c.first)}, {r.after ? std::to_string(c.second) : "-"}});
  pdf.table({0.4, 0.3, 0.3}, rows, true);
}

// One line for the customer: what was found and what changed.
std::string glance(const Report& r) {
  int n[3] = {0, 0, 0};
  for (const auto& f : r.findings) ++n[static_cast<int>(f.severity)];
  std::string t = "At a glance: " + std::to_string(n[2]) + " critical, " + std::to_string(n[1]) + " warning, " +
                  std::to_string(n[0]) + " info findings; slots occupied " + std::to_string(r.before.occupied());
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

namespace {

struct Pass {
  int total_pages = 0;  // 0 on the first pass: not known yet
  bool break_before_last = false;  // move the last section to the signature's page
};

Result<std::string> render_once(const Report& r, const std::optional<SignatureBlock>& signature, Paper paper,
                                const Pass& pass, PdfLayoutLog* log) {
  auto canonical = canonical_report(r);
  if (!canonical) return std::unexpected(canonical.error());
  try {
    const ReportClock clock(r);  // the lock's local time, or UTC for a report without its zone
    PdfLayout pdf(paper, "lockdiag report " + r.id + "  ·  lock " + r.lock.serial, pass.total_pages);
    pdf.set_log(log);
    pdf.set_title(job_title(r.kind) + ", lock " + r.lock.serial + (r.site.name.empty() ? "" : ", " + r.site.name));
    pdf.text("Lock service report", Font::title, {0.10, 0.20, 0.40});
    pdf.text(job_title(r.kind) + "  ·  " + or_not_recorded(r.technician.company), Font::heading);
    pdf.table({0.5, 0.5},
              {{{"Technician: " + or_not_recorded(r.technician.name)}, {"Report: " + r.id}},
               {{"Licence no.: " + or_not_recorded(r.technician.licence_no)},
                {"Visit: " + clock.date_time(r.started_at) + " to " + clock.date_time(r.finished_at)}}},
              false);
    if (clock.has_zone())
      pdf.text("Times are the lock's local time (" + clock.zone_label() + "), as the lock keeps it.", Font::small,
               kGrey);
    pdf.text("Company contact: " + contact_line(r));
    if (!signature) pdf.text("NOT SIGNED — draft, not a valid job report", Font::heading, kRed);

    pdf.heading("What was done");
    pdf.text(what_was_done(r));
    pdf.text(glance(r), Font::bold);

    pdf.heading("What changed (as found, as left)");
    as_left(pdf, r);
    pdf.heading("Still to do");
    if (r.still_to_do) finding_table(pdf, *r.still_to_do, "Nothing is left to do.");
    else pdf.text("Not known: the lock was not read again at the end of the job.", Font::normal, kGrey);
    pdf.heading("Findings as found on arrival");
    finding_table(pdf, r.findings, "No findings.");

    pdf.heading("Site and lock");
    pdf.table({0.22, 0.78},
              {{{"Site", Font::bold}, {or_not_recorded(r.site.name)}},
               {{"Address", Font::bold}, {or_not_recorded(r.site.address)}},
               {{"Customer", Font::bold}, {or_not_recorded(r.site.customer)}},
               {{"Lock", Font::bold}, {r.lock.model + ", serial " + r.lock.serial}},
               {{"Firmware", Font::bold},
                {r.lock.firmware + " (service protocol " + std::to_string(r.lock.protocol_version) + ")"}}},
              false);

    pdf.heading("Authorization");
    pdf.table({0.22, 0.78},
              {{{"Service session", Font::bold},
                {session_text(r.authorization.session_opened_by) + ", " +
                 clock.date_time(r.authorization.session_opened_at)}},
               {{"Ownership", Font::bold}, {or_not_recorded(r.authorization.ownership_proof)}},
               {{"Present", Font::bold}, {or_not_recorded(r.authorization.present)}}},
              false);

    pdf.heading("Before and after in detail");
    before_after(pdf, r, clock);
    pdf.heading("Steps");
    steps(pdf, r, clock);
    pdf.heading("Battery and clock");
    battery_clock(pdf, r);
    if (r.notes.empty() && pass.break_before_last) pdf.page_break();
    pdf.heading("Event log summary");
    events(pdf, r);
    if (!r.notes.empty()) {
      if (pass.break_before_last) pdf.page_break();
      pdf.heading("Notes");
      for (const auto& n : r.notes) pdf.text(n);
    }

    pdf.keep_together(230);  // the signature block, the sign-off line and how to verify stay together
    pdf.set_log_kind("signature");
    pdf.heading("Signature");
    if (signature && !signature->company.empty()) {
      pdf.text("Signed by " + r.technician.name + ", certified by " + signature->company + " until " +
               signature->certified_until + " (CA " + signature->ca_fingerprint + ").");
      pdf.text("Signed at " + clock.date_time(signature->signed_at) + " as " + signature->principal +
                   " with Ed25519 key " + signature->key_id + ".",
               Font::small);
    } else if (signature) {
      pdf.text("Signed by " + r.technician.name + " with Ed25519 key " + signature->key_id + ".");
      pdf.text("Public key: " + signature->public_key_hex, Font::mono);
    } else {
      pdf.text("This draft carries no signature.", Font::bold, kRed);
    }
    pdf.text("Report SHA-256 (canonical JSON): " + sha256_hex(*canonical), Font::mono);
    if (const auto line = attestation_pdf_line(r); !line.empty()) pdf.text(line, Font::small);
    pdf.space(10);
    pdf.text("Customer sign-off: I received this report and the work described above.", Font::bold);
    pdf.text("Name: ______________________   Signature: ______________________   Date: ____________");
    pdf.space(6);
    pdf.text("How to check this report: the signed file " + r.id +
                 ".report.json holds everything above; a changed byte breaks its signature.",
             Font::small, kGrey);
    if (signature && !signature->company.empty())
      pdf.text("With lockdiag: lockdiag report verify " + r.id +
                   ".report.json --company COMPANY.allowed_signers. With OpenSSH alone: "
                   "head -n 1 " +
                   r.id + ".report.json > r.msg; tail -n +2 " + r.id +
                   ".report.json > r.sig; ssh-keygen -Y verify -f COMPANY.allowed_signers -I " + signature->principal +
                   " -n lockdiag-report@lockdiag.example -s r.sig -Overify-time=" + ssh_time(signature->signed_at) +
                   " < r.msg. The file COMPANY.allowed_signers comes from " + signature->company +
                   " (its certificate authority fingerprint is printed above).",
               Font::small, kGrey);
    else
      pdf.text("With lockdiag: lockdiag report verify " + r.id +
                   ".report.json --key TECHNICIAN.pub, where TECHNICIAN.pub holds the public key printed above.",
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

// True when the signature's first page holds nothing but the signature block.
bool signature_alone(const PdfLayoutLog& log) {
  int page = 0;
  for (const auto& b : log.blocks)
    if (b.kind == "signature") {
      page = b.first_page;
      break;
    }
  if (page == 0) return false;
  for (const auto& b : log.blocks)
    if (b.kind != "signature" && b.last_page == page) return false;
  return true;
}

}  // namespace

Result<std::string> render_pdf(const Report& r, const std::optional<SignatureBlock>& signature, Paper paper,
                               PdfLayoutLog* log) {
  // Laid out until stable: the first pass counts pages (and finds a signature left alone);
  // the next ones print "page X of Y" with that count.
  Pass pass;
  PdfLayoutLog first;
  auto out = render_once(r, signature, paper, pass, &first);
  if (!out) return out;
  pass.break_before_last = signature_alone(first);
  pass.total_pages = first.pages;
  for (int attempt = 0; attempt < 3; ++attempt) {
    PdfLayoutLog current;
    out = render_once(r, signature, paper, pass, &current);
    if (!out) return out;
    if (current.pages == pass.total_pages) {
      current.moved_last_section = pass.break_before_last;
      if (log) *log = std::move(current);
      return out;
    }
    pass.total_pages = current.pages;
  }
  return fail("cannot lay out the PDF: its page count does not settle");
}

}  // namespace lockdiag::reports
