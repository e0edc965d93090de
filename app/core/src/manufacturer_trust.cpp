#include "lockdiag/app/manufacturer_trust.h"

#include <algorithm>

#include "lockdiag/app/report_trust.h"

namespace lockdiag::app {

namespace fs = std::filesystem;
namespace r = lockdiag::reports;

fs::path manufacturers_dir() { return companies_dir().parent_path() / "manufacturers"; }

namespace {

std::string add_file(std::vector<r::ManufacturerCa>& out, const fs::path& file) {
  auto bytes = r::read_report_file(file, 4096);
  if (!bytes) return "cannot read manufacturer CA " + file.string() + ": " + bytes.error().message;
  auto ca = r::parse_manufacturer_ca(*bytes, file.string());
  if (!ca) return ca.error().message;
  out.push_back(std::move(*ca));
  return {};
}

std::string add_dir(std::vector<r::ManufacturerCa>& out, const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".pub") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files)
    if (auto err = add_file(out, f); !err.empty()) return err;
  return {};
}

}  // namespace

std::string load_manufacturer_cas(std::vector<r::ManufacturerCa>& out, const std::vector<std::string>& extra) {
  if (auto err = add_dir(out, kShippedManufacturerDir); !err.empty()) return err;
  if (auto err = add_dir(out, manufacturers_dir()); !err.empty()) return err;
  for (const auto& f : extra)
    if (auto err = add_file(out, f); !err.empty()) return err;
  return {};
}

std::expected<r::AttestationVerdict, r::VerifyError> check_attestations(const r::Summary& s,
                                                                        const std::vector<r::ManufacturerCa>& cas) {
  auto at = r::ssh::parse_time_text(s.signed_at.empty() ? s.report.finished_at : s.signed_at);
  if (!at) return std::unexpected(r::VerifyError{r::VerifyReason::malformed_json, at.error().message});
  auto v = r::check_lock_attestations(s.report, cas, *at);
  if (!v) return std::unexpected(r::VerifyError{r::VerifyReason::attestation_invalid, v.error()});
  return *v;
}

}  // namespace lockdiag::app
