// The technician's installed OpenSSH certificate, beside the key (docs/trust.md).
#include <sys/stat.h>

#include "lockdiag/reports/keys.h"
#include "lockdiag/reports/ssh.h"
#include "lockdiag/reports/verify.h"

namespace lockdiag::reports {

Result<std::optional<std::string>> KeyStore::certificate_blob() const {
  struct stat st{};
  if (lstat(cert_path().c_str(), &st) != 0) return std::optional<std::string>{};
  auto bytes = read_report_file(cert_path(), 4 * ssh::kMaxBlobBytes);
  if (!bytes) return fail(cert_path().string() + ": " + bytes.error().message);
  auto cert = ssh::parse_certificate_line(*bytes);
  if (!cert)
    return fail(cert_path().string() + ": " + cert.error().message +
                " (install a new one with lockdiag keys install-cert FILE)");
  return std::optional<std::string>(cert->blob);
}

}  // namespace lockdiag::reports
