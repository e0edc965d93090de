#include "technician_key.h"

#include <iostream>

#include "exit_codes.h"
#include "lockdiag/reports/verify.h"
#include "passphrase.h"

namespace lockdiag::cli {
namespace {

std::unexpected<KeyCommandError> error(int code, std::string message) {
  return std::unexpected(KeyCommandError{code, std::move(message)});
}

std::expected<reports::KeyStore, KeyCommandError> store() {
  auto s = reports::KeyStore::open_default();
  if (!s) return error(kExitDataError, s.error().message);
  return *s;
}

// Creates the key with a passphrase chosen now (or none); *pass receives it.
std::expected<reports::KeyInfo, KeyCommandError> create(const reports::KeyStore& s, std::optional<std::string>* pass) {
  std::string why;
  *pass = obtain_passphrase(true, &why);
  if (!why.empty()) return error(kExitUsage, why);
  auto info = s.create(*pass);
  if (!info) return error(kExitDataError, info.error().message);
  std::cerr << "lockdiag: created technician key " << info->key_id << " at " << info->path.string()
            << (info->sealed ? " (sealed with a passphrase)"
                             : " (not sealed: set LOCKDIAG_KEY_PASSPHRASE when creating to seal it)")
            << "\n";
  return *info;
}

}  // namespace

std::expected<reports::KeyInfo, KeyCommandError> technician_key_info(bool* created) {
  auto s = store();
  if (!s) return std::unexpected(s.error());
  *created = !s->exists();
  std::optional<std::string> pass;
  if (*created) return create(*s, &pass);
  auto info = s->info();
  if (!info) return error(kExitDataError, info.error().message);
  return *info;
}

std::expected<reports::SigningKey, KeyCommandError> technician_signing_key() {
  auto s = store();
  if (!s) return std::unexpected(s.error());
  std::optional<std::string> pass;
  if (!s->exists()) {
    auto made = create(*s, &pass);  // first use: the passphrase just chosen unlocks it
    if (!made) return std::unexpected(made.error());
  } else {
    auto info = s->info();
    if (!info) return error(kExitDataError, info.error().message);
    if (info->sealed) {
      std::string why;
      pass = obtain_passphrase(false, &why);
      if (!pass)
        return error(kExitFailure,
                     "the technician key is sealed with a passphrase; set LOCKDIAG_KEY_PASSPHRASE or run "
                     "in a terminal");
    }
  }
  auto key = s->load(pass);
  if (!key) {
    const bool wrong = key.error().message == reports::kWrongPassphrase;
    return error(wrong ? kExitFailure : kExitDataError, key.error().message);
  }
  return std::move(*key);
}

}  // namespace lockdiag::cli
