// lockdiag report verify | render | sign
#include "report_commands.h"

#include <iostream>
#include <memory>

#include "command_guard.h"
#include "exit_codes.h"
#include "json_flag.h"
#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/io.h"
#include "lockdiag/reports/render.h"
#include "lockdiag/reports/sign.h"
#include "lockdiag/reports/verify.h"
#include "technician_key.h"
#include "lockdiag/app/report_trust.h"
#include "lockdiag/reports/ssh.h"
#include "lockdiag/reports/timefmt.h"

namespace lockdiag::cli {
namespace {

namespace r = lockdiag::reports;

int read_error(const r::VerifyError& e) {
  std::cerr << "lockdiag: " << e.message << "\n";
  return e.reason == r::VerifyReason::unreadable ? kExitDataError : kExitInvalid;
}

// ---- verify ---------------------------------------------------------------------------------

struct VerifyArgs {
  std::string file;
  std::string key_file;
  std::vector<std::string> companies;
  std::vector<std::string> krls;
  std::vector<std::string> manufacturers;
  bool json = false;
};

int verify_failed(const r::VerifyError& e, bool as_json) {
  std::cerr << "lockdiag: report does not verify: " << r::reason_words(e.reason) << ": " << e.message << "\n";
  if (as_json)
    std::cout << nlohmann::json{{"schema_version", 1},
                                {"valid", false},
                                {"reason", r::reason_id(e.reason)},
                                {"message", e.message}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  return e.reason == r::VerifyReason::unreadable ? kExitDataError : kExitInvalid;
}

int verify(const CLI::App& sub, const VerifyArgs& a) {
  const bool as_json = json_requested(sub, a.json);
  std::optional<r::PublicKey> trusted;
  if (!a.key_file.empty()) {
    auto bytes = r::read_report_file(a.key_file, 4096);
    if (!bytes) {
      std::cerr << "lockdiag: cannot use key file: " << bytes.error().message << "\n";
      return kExitDataError;
    }
    auto key = r::parse_public_key_file(*bytes);
    if (!key) {
      std::cerr << "lockdiag: cannot use " << a.key_file << ": " << key.error().message << "\n";
      return kExitDataError;
    }
    trusted = *key;
  }
  auto bytes = r::read_report_file(a.file);
  if (!bytes) return verify_failed(bytes.error(), as_json);
  // The one verdict app/core gives the GUI's report viewer too, with this command's additions.
  auto v = app::verify_with_configured_trust(*bytes, {trusted, a.companies, a.krls, a.manufacturers});
  for (const auto& w : v.warnings) std::cerr << "lockdiag: warning: " << w << "\n";
  if (!v.config_error.empty()) {
    std::cerr << "lockdiag: " << v.config_error << "\n";
    return kExitDataError;
  }
  if (!v.summary) return verify_failed(v.summary.error(), as_json);
  const auto& summary = v.summary;
  const auto& attested = v.attestation;
  if (as_json) {
    std::size_t counts[3] = {0, 0, 0};
    for (const auto& f : summary->report.findings) ++counts[static_cast<int>(f.severity)];
    const auto& rep = summary->report;
    std::cout << nlohmann::json{{"schema_version", 1},
                                {"valid", true},
                                {"report_id", rep.id},
                                {"job_kind", r::to_string(rep.kind)},
                                {"technician", rep.technician.name},
                                {"company", rep.technician.company},
                                {"lock_serial", rep.lock.serial},
                                {"finished_at", rep.finished_at},
                                {"key_id", summary->key_id},
                                {"format", summary->format},
                                {"signed_at", summary->signed_at},
                                {"certified_by", summary->chain_checked ? summary->company : ""},
                                {"ca_fingerprint", summary->ca_fingerprint},
                                {"certificate_serial", summary->certificate ? summary->certificate->serial : 0},
                                {"sha256", summary->sha256},
                                {"lock_attestation", attested->state == r::AttestationState::attested ? "attested"
                                                     : attested->state == r::AttestationState::unavailable
                                                         ? "unavailable"
                                                         : "absent"},
                                {"lock_attestation_line", attested->line},
                                {"manufacturer_ca_fingerprint", attested->ca_fingerprint},
                                {"manufacturer_test_only", attested->test_only},
                                {"findings", {{"info", counts[0]}, {"warning", counts[1]}, {"critical", counts[2]}}}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << summary->one_line() << "\n" << attested->line << "\n";
  }
  return kExitOk;
}

// ---- render ---------------------------------------------------------------------------------

struct RenderArgs {
  std::string file;
  std::string out;
  std::string paper = "a4";
};

int render(const RenderArgs& a) {
  auto bytes = r::read_report_file(a.file);
  if (!bytes) return read_error(bytes.error());
  auto parsed = r::parse_json(*bytes);
  const bool is_signed = (parsed && parsed->is_object() && parsed->contains("signature")) ||
                         bytes->find("\n-----BEGIN SSH SIGNATURE-----\n") != std::string::npos;
  r::Report report;
  std::optional<r::SignatureBlock> block;
  if (is_signed) {
    // The PDF shows the key that signed; the file must verify against it first.
    auto summary = r::verify(*bytes, std::nullopt);
    if (!summary) return verify_failed(summary.error(), false);
    report = std::move(summary->report);
    block = r::SignatureBlock{summary->key_id, summary->public_key.hex()};
    if (summary->certificate) {  // the company as the report states it; verify checks it against the CA
      block->company = summary->report.technician.company;
      block->certified_until = r::ssh::time_text(summary->certificate->valid_before);
      block->ca_fingerprint = r::ssh::fingerprint(summary->certificate->ca);
      block->principal = summary->principal;
      block->signed_at = summary->signed_at;
    }
  } else {
    auto body = r::parse_report_body(*bytes);
    if (!body) {
      std::cerr << "lockdiag: cannot render " << a.file << ": " << body.error().message << "\n";
      return kExitDataError;
    }
    report = std::move(*body);
    std::cerr << "lockdiag: " << a.file << " is not signed; the PDF is marked as a draft\n";
  }
  auto pdf = r::render_pdf(report, block, a.paper == "letter" ? r::Paper::letter : r::Paper::a4);
  if (!pdf) {
    std::cerr << "lockdiag: " << pdf.error().message << "\n";
    return kExitFailure;
  }
  if (auto ok = r::write_file_atomic(a.out, *pdf, 0644); !ok) {
    std::cerr << "lockdiag: " << ok.error().message << "\n";
    return kExitDataError;
  }
  std::cout << "wrote " << a.out << " (" << pdf->size() << " bytes, " << a.paper << ")\n";
  return kExitOk;
}

// ---- sign -----------------------------------------------------------------------------------

struct SignArgs {
  std::string file;
  std::string out;
};

int sign(const SignArgs& a) {
  auto bytes = r::read_report_file(a.file);
  if (!bytes) return read_error(bytes.error());
  auto report = r::parse_report_body(*bytes);
  if (!report) {
    std::cerr << "lockdiag: cannot sign " << a.file << ": " << report.error().message << "\n";
    return kExitDataError;
  }
  auto key = technician_signing_key();
  if (!key) {
    std::cerr << "lockdiag: " << key.error().message << "\n";
    return key.error().exit_code;
  }
  auto cert = installed_certificate();
  if (!cert) {
    std::cerr << "lockdiag: " << cert.error().message << "\n";
    return kExitDataError;
  }
  auto signed_bytes = r::sign_report_sshsig(*report, *key, *cert ? &**cert : nullptr, r::now_rfc3339_utc());
  if (!signed_bytes) {
    std::cerr << "lockdiag: cannot sign: " << signed_bytes.error().message << "\n";
    return kExitDataError;
  }
  if (auto ok = r::write_file_atomic(a.out, *signed_bytes, 0644); !ok) {
    std::cerr << "lockdiag: " << ok.error().message << "\n";
    return kExitDataError;
  }
  std::cout << "signed report " << report->id << " with key " << key->public_key().key_id() << ": " << a.out << "\n";
  return kExitOk;
}

}  // namespace

void add_report_commands(CLI::App& root) {
  CLI::App* report = root.add_subcommand("report", "job reports: verify, render to PDF, sign");
  report->require_subcommand(1);

  CLI::App* v = report->add_subcommand("verify",
                                       "check a signed report offline (exit 0 valid, 6 invalid, 7 unreadable)");
  auto va = std::make_shared<VerifyArgs>();
  v->add_option("FILE", va->file, "signed report file")->required();
  v->add_option("--key", va->key_file, "pin one technician public key (lockdiag keys export); nothing else counts");
  v->add_option("--company", va->companies,
                "trust this company's allowed_signers file (and the .krl beside it), besides the config dir's");
  v->add_option("--krl", va->krls, "honour this OpenSSH KRL (ssh-keygen -k) too");
  v->add_option("--manufacturer", va->manufacturers,
                "trust this lock manufacturer CA public key (.pub) for the lock's attestation, besides the shipped "
                "ones and the config dir's");
  v->add_flag("--json", va->json, "machine-readable output on stdout");
  v->callback([v, va] { command_exit_code() = guarded([&] { return verify(*v, *va); }); });

  CLI::App* rd = report->add_subcommand("render", "render a report (signed, or an unsigned draft) to PDF");
  auto ra = std::make_shared<RenderArgs>();
  rd->add_option("FILE", ra->file, "report file")->required();
  rd->add_option("-o,--output", ra->out, "PDF file to write")->required();
  rd->add_option("--paper", ra->paper, "paper size")->check(CLI::IsMember({"a4", "letter"}))->capture_default_str();
  rd->callback([ra] { command_exit_code() = guarded([&] { return render(*ra); }); });

  CLI::App* s = report->add_subcommand("sign", "sign an unsigned report body with the technician key");
  auto sa = std::make_shared<SignArgs>();
  s->add_option("FILE", sa->file, "unsigned report body (JSON)")->required();
  s->add_option("-o,--output", sa->out, "signed report file to write")->required();
  s->callback([sa] { command_exit_code() = guarded([&] { return sign(*sa); }); });
}

}  // namespace lockdiag::cli
