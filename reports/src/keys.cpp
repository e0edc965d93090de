// The technician's key on disk. One file, technician.key, canonical JSON, mode 0600, in a
// 0700 directory. The seed is stored in clear or sealed with a passphrase.
#include "lockdiag/reports/keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "json_fields.h"
#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/timefmt.h"
#include "sodium_init.h"

namespace lockdiag::reports {
namespace {

using json = nlohmann::json;
constexpr std::string_view kKeyFormat = "lockdiag-secret-key/1";
constexpr std::string_view kSealKind = "argon2id13+xsalsa20poly1305";
constexpr std::size_t kMaxKeyFile = 64 * 1024;
constexpr std::uint64_t kMaxMemlimit = 1ull << 30;

// Wipes a seed buffer however the scope is left.
struct SeedBuf {
  std::array<unsigned char, kSeedBytes> b{};
  ~SeedBuf() { sodium_memzero(b.data(), b.size()); }
};

Result<void> ensure_private_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir.parent_path(), ec);
  if (ec) return fail("cannot create " + dir.parent_path().string() + ": " + ec.message());
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return fail("cannot create " + dir.string() + ": " + std::strerror(errno));
  if (chmod(dir.c_str(), 0700) != 0)
    return fail("cannot make " + dir.string() + " private (mode 0700): " + std::strerror(errno));
  return {};
}

Result<std::string> read_private_file(const std::filesystem::path& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return fail("no technician key at " + path.string() + " (it is created on first use)");
    return fail("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  struct stat st{};
  std::string out;
  Result<std::string> result = fail("");
  if (fstat(fd, &st) != 0) {
    result = fail("cannot stat " + path.string() + ": " + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    result = fail(path.string() + " is not a regular file");
  } else if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    result = fail(path.string() + " can be read by other users (mode " + mode + "); run: chmod 600 " + path.string() +
                  " (and consider the key exposed)");
  } else if (st.st_size > static_cast<off_t>(kMaxKeyFile)) {
    result = fail(path.string() + " is too large to be a key file");
  } else {
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = read(fd, out.data() + done, out.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    result = std::move(out);
  }
  close(fd);
  return result;
}

struct Parsed {
  json doc;
  KeyInfo info;
};

Result<Parsed> parse_key_file(const std::filesystem::path& path) {
  auto bytes = read_private_file(path);
  if (!bytes) return std::unexpected(bytes.error());
  auto j = parse_json(*bytes);
  const std::string damaged = path.string() + " is damaged";
  if (!j) return fail(damaged + ": " + j.error().message);
  if (!j->is_object() || detail::text_field(*j, "format") != kKeyFormat || detail::text_field(*j, "alg") != "ed25519")
    return fail(path.string() + " is not a lockdiag technician key (" + std::string(kKeyFormat) + ")");
  Parsed p;
  p.info.path = path;
  if (!from_hex(detail::text_field(*j, "public_key"), p.info.public_key.bytes))
    return fail(damaged + ": public_key is not 64 hex digits");
  p.info.key_id = p.info.public_key.key_id();
  if (detail::text_field(*j, "key_id") != p.info.key_id) return fail(damaged + ": key_id does not match public_key");
  p.info.created_at = detail::text_field(*j, "created_at");
  const auto secret = j->find("secret");
  if (secret == j->end() || !secret->is_object()) return fail(damaged + ": no secret part");
  const std::string kind = detail::text_field(*secret, "kind");
  if (kind != "plain" && kind != kSealKind) return fail(damaged + ": unknown secret kind \"" + kind + "\"");
  p.info.sealed = kind == kSealKind;
  p.doc = std::move(*j);
  return p;
}

Result<SigningKey> unseal(const json& secret, std::string_view passphrase, const std::string& path) {
  const std::string damaged = path + " is damaged";
  const auto ops = detail::uint_field(secret, "opslimit");
  const auto mem = detail::uint_field(secret, "memlimit");
  if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_SENSITIVE || mem < crypto_pwhash_MEMLIMIT_MIN ||
      mem > kMaxMemlimit)
    return fail(damaged + ": passphrase work limits out of range");
  std::array<unsigned char, crypto_pwhash_SALTBYTES> salt{};
  std::array<unsigned char, crypto_secretbox_NONCEBYTES> nonce{};
  std::array<unsigned char, kSeedBytes + crypto_secretbox_MACBYTES> box{};
  if (!from_hex(detail::text_field(secret, "salt"), salt) || !from_hex(detail::text_field(secret, "nonce"), nonce) ||
      !from_hex(detail::text_field(secret, "box"), box))
    return fail(damaged + ": sealed part is not hex of the right length");
  std::array<unsigned char, crypto_secretbox_KEYBYTES> k{};
  if (crypto_pwhash(k.data(), k.size(), passphrase.data(), passphrase.size(), salt.data(), ops,
                    static_cast<std::size_t>(mem), crypto_pwhash_ALG_ARGON2ID13) != 0)
    return fail("not enough memory to unlock the key (Argon2id needs " + std::to_string(mem >> 20) + " MiB)");
  SeedBuf seed;
  const int rc = crypto_secretbox_open_easy(seed.b.data(), box.data(), box.size(), nonce.data(), k.data());
  sodium_memzero(k.data(), k.size());
  if (rc != 0) return fail(std::string(kWrongPassphrase));
  return SigningKey::from_seed(seed.b);
}

}  // namespace

KdfParams KdfParams::interactive() { return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE}; }
KdfParams KdfParams::moderate() { return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE}; }

Result<KeyStore> KeyStore::open_default() {
  // XDG Base Directory: a relative XDG_DATA_HOME is invalid and must be ignored.
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && xdg[0] == '/')
    return KeyStore(std::filesystem::path(xdg) / "lockdiag" / "keys");
  const char* home = std::getenv("HOME");
  if (!home || home[0] != '/') return fail("neither XDG_DATA_HOME nor HOME is set to an absolute path");
  return KeyStore(std::filesystem::path(home) / ".local" / "share" / "lockdiag" / "keys");
}

bool KeyStore::exists() const {
  struct stat st{};
  return lstat(key_path().c_str(), &st) == 0;
}

Result<KeyInfo> KeyStore::info() const {
  try {
    auto p = parse_key_file(key_path());
    if (!p) return std::unexpected(p.error());
    return p->info;
  } catch (const std::exception& e) {
    return fail(std::string("cannot read the technician key: ") + e.what());
  }
}

Result<KeyInfo> KeyStore::create(std::optional<std::string_view> passphrase, KdfParams kdf) const {
  try {
    if (!detail::sodium_ready()) return fail("libsodium could not start");
    if (exists()) return fail("a technician key already exists at " + key_path().string());
    if (auto ok = ensure_private_dir(dir_); !ok) return std::unexpected(ok.error());
    auto key = SigningKey::generate();
    if (!key) return std::unexpected(key.error());
    SeedBuf seed;
    key->seed(seed.b);

    json secret;
    const bool sealed = passphrase && !passphrase->empty();
    if (sealed) {
      if (kdf.memlimit > kMaxMemlimit) return fail("passphrase memory limit too large");
      std::array<unsigned char, crypto_pwhash_SALTBYTES> salt{};
      std::array<unsigned char, crypto_secretbox_NONCEBYTES> nonce{};
      std::array<unsigned char, kSeedBytes + crypto_secretbox_MACBYTES> box{};
      std::array<unsigned char, crypto_secretbox_KEYBYTES> k{};
      randombytes_buf(salt.data(), salt.size());
      randombytes_buf(nonce.data(), nonce.size());
      if (crypto_pwhash(k.data(), k.size(), passphrase->data(), passphrase->size(), salt.data(), kdf.opslimit,
                        static_cast<std::size_t>(kdf.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0)
        return fail("not enough memory to seal the key with Argon2id");
      crypto_secretbox_easy(box.data(), seed.b.data(), seed.b.size(), nonce.data(), k.data());
      sodium_memzero(k.data(), k.size());
      secret = {{"kind", kSealKind},    {"opslimit", kdf.opslimit}, {"memlimit", kdf.memlimit},
                {"salt", to_hex(salt)}, {"nonce", to_hex(nonce)},   {"box", to_hex(box)}};
    } else {
      secret = {{"kind", "plain"}, {"seed", to_hex(seed.b)}};
    }
    KeyInfo info{key->public_key(), key->public_key().key_id(), now_rfc3339_utc(), sealed, key_path()};
    json doc = {{"format", kKeyFormat},
                {"alg", "ed25519"},
                {"created_at", info.created_at},
                {"key_id", info.key_id},
                {"public_key", info.public_key.hex()},
                {"secret", std::move(secret)}};
    auto bytes = canonical(doc);
    doc.clear();
    if (!bytes) return std::unexpected(bytes.error());
    bytes->push_back('\n');

    // Write a private temporary file, then link it into place: never overwrite a key, and
    // never leave a half-written one where a reader would find it.
    std::string tmp = (dir_ / (file_ + ".tmpXXXXXX")).string();
    const int fd = mkstemp(tmp.data());
    if (fd < 0) return fail("cannot write in " + dir_.string() + ": " + std::strerror(errno));
    bool ok = fchmod(fd, 0600) == 0;
    std::size_t done = 0;
    while (ok && done < bytes->size()) {
      const ssize_t n = write(fd, bytes->data() + done, bytes->size() - done);
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) done += static_cast<std::size_t>(n);
    }
    ok = ok && fsync(fd) == 0;
    const int err = errno;
    close(fd);
    sodium_memzero(bytes->data(), bytes->size());
    if (!ok) {
      unlink(tmp.c_str());
      return fail("cannot write the key in " + dir_.string() + ": " + std::strerror(err));
    }
    const int linked = link(tmp.c_str(), key_path().c_str());
    const int link_err = errno;
    unlink(tmp.c_str());
    if (linked != 0) {
      if (link_err == EEXIST) return fail("a technician key already exists at " + key_path().string());
      return fail("cannot store the key at " + key_path().string() + ": " + std::strerror(link_err));
    }
    return info;
  } catch (const std::exception& e) {
    return fail(std::string("cannot create the technician key: ") + e.what());
  }
}

Result<SigningKey> KeyStore::load(std::optional<std::string_view> passphrase) const {
  try {
    auto p = parse_key_file(key_path());
    if (!p) return std::unexpected(p.error());
    const json& secret = p->doc.at("secret");
    Result<SigningKey> key = fail("");
    if (p->info.sealed) {
      if (!passphrase || passphrase->empty())
        return fail(
            "the technician key is sealed with a passphrase; set LOCKDIAG_KEY_PASSPHRASE or run in a "
            "terminal");
      key = unseal(secret, *passphrase, key_path().string());
    } else {
      SeedBuf seed;
      if (!from_hex(detail::text_field(secret, "seed"), seed.b))
        return fail(key_path().string() + " is damaged: bad seed");
      key = SigningKey::from_seed(seed.b);
    }
    if (key && key->public_key() != p->info.public_key)
      return fail(key_path().string() + " is damaged: the secret does not match the public key");
    return key;
  } catch (const std::exception& e) {
    return fail(std::string("cannot load the technician key: ") + e.what());
  }
}

}  // namespace lockdiag::reports
