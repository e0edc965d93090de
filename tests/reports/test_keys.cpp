#include <doctest/doctest.h>
#include <sodium.h>
#include <sys/stat.h>

#include "lockdiag/reports/keys.h"
#include "lockdiag/reports/sign.h"
#include "lockdiag/reports/verify.h"
#include "support.h"

using namespace lockdiag::reports;

namespace {

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st{};
  REQUIRE(stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// Cheap Argon2id limits keep the tests fast; the format records whatever was used.
const KdfParams kTestKdf{crypto_pwhash_OPSLIMIT_MIN, 8u << 20};

}  // namespace

TEST_CASE("the key store lives in XDG_DATA_HOME/lockdiag/keys") {
  test::TempHome home;
  auto store = KeyStore::open_default();
  REQUIRE(store);
  CHECK(store->dir() == home.keys_dir());
  setenv("XDG_DATA_HOME", "relative/dir", 1);  // must be ignored (XDG spec)
  auto fallback = KeyStore::open_default();
  REQUIRE(fallback);
  CHECK(fallback->dir() == home.path() / ".local" / "share" / "lockdiag" / "keys");
}

TEST_CASE("a new key is private: file 0600, directory 0700, never overwritten") {
  test::TempHome home;
  umask(022);
  KeyStore store(home.keys_dir());
  CHECK_FALSE(store.exists());
  auto info = store.create(std::nullopt);
  REQUIRE(info);
  CHECK(store.exists());
  CHECK(mode_of(store.key_path()) == 0600);
  CHECK(mode_of(home.keys_dir()) == 0700);
  CHECK(mode_of(home.keys_dir().parent_path()) != 0);
  CHECK_FALSE(info->sealed);
  CHECK(info->key_id == info->public_key.key_id());

  auto key = store.load(std::nullopt);
  REQUIRE(key);
  CHECK(key->public_key() == info->public_key);

  const std::string before = test::read_file(store.key_path());
  auto again = store.create(std::nullopt);
  REQUIRE_FALSE(again);
  CHECK(again.error().message.find("already exists") != std::string::npos);
  CHECK(test::read_file(store.key_path()) == before);
  // No temporary files are left behind.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(home.keys_dir())) ++files;
  CHECK(files == 1);
}

TEST_CASE("a passphrase-sealed key refuses a wrong passphrase and accepts the right one") {
  test::TempHome home;
  KeyStore store(home.keys_dir());
  auto info = store.create("correct horse battery", kTestKdf);
  REQUIRE(info);
  CHECK(info->sealed);
  CHECK(mode_of(store.key_path()) == 0600);
  const std::string file = test::read_file(store.key_path());
  CHECK(file.find("\"seed\"") == std::string::npos);
  CHECK(file.find("argon2id") != std::string::npos);

  auto wrong = store.load("correct horse batterY");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().message.find("wrong passphrase") != std::string::npos);
  auto none = store.load(std::nullopt);
  REQUIRE_FALSE(none);
  CHECK(none.error().message.find("LOCKDIAG_KEY_PASSPHRASE") != std::string::npos);
  auto right = store.load("correct horse battery");
  REQUIRE(right);
  CHECK(right->public_key() == info->public_key);
  auto public_only = store.info();
  REQUIRE(public_only);
  CHECK(public_only->sealed);
}

TEST_CASE("a key file others can read is refused with the fix") {
  test::TempHome home;
  KeyStore store(home.keys_dir());
  REQUIRE(store.create(std::nullopt));
  chmod(store.key_path().c_str(), 0644);
  auto key = store.load(std::nullopt);
  REQUIRE_FALSE(key);
  CHECK(key.error().message.find("chmod 600") != std::string::npos);
}

TEST_CASE("a damaged key file is reported, not used") {
  test::TempHome home;
  KeyStore store(home.keys_dir());
  auto info = store.create(std::nullopt);
  REQUIRE(info);
  std::string file = test::read_file(store.key_path());
  const auto at = file.find(info->public_key.hex());
  REQUIRE(at != std::string::npos);
  file[at] = file[at] == '0' ? '1' : '0';
  test::write_file(store.key_path(), file);
  chmod(store.key_path().c_str(), 0600);
  auto key = store.load(std::nullopt);
  REQUIRE_FALSE(key);
  CHECK(key.error().message.find("damaged") != std::string::npos);
}

TEST_CASE("public key file: round trip, and edits are caught") {
  const auto key = test::fixed_key();
  const std::string file = public_key_file(key.public_key());
  CHECK(file.find("lockdiag-public-key/1") != std::string::npos);
  auto back = parse_public_key_file(file);
  REQUIRE(back);
  CHECK(*back == key.public_key());

  std::string edited = file;
  const auto at = edited.find(key.public_key().hex());
  edited[at + 3] = edited[at + 3] == 'a' ? 'b' : 'a';
  auto bad = parse_public_key_file(edited);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("key_id does not match") != std::string::npos);
  CHECK_FALSE(parse_public_key_file("{\"format\":\"something-else\"}"));

  // The exported file is what verification trusts.
  auto signed_file = sign_report(test::sample_report(), key);
  REQUIRE(signed_file);
  CHECK(verify(*signed_file, *back));
}

TEST_CASE("key files with fields of the wrong type are damaged, not a crash") {
  test::TempHome home;
  KeyStore store(home.keys_dir());
  std::filesystem::create_directories(home.keys_dir());
  for (const char* doc : {R"({"format":5})", R"({"format":"lockdiag-secret-key/1","alg":"ed25519","public_key":[1]})",
                          R"([1,2,3])", R"("just a string")"}) {
    test::write_file(store.key_path(), doc);
    chmod(store.key_path().c_str(), 0600);
    auto info = store.info();
    REQUIRE_FALSE(info);
    CHECK(!info.error().message.empty());
    CHECK_FALSE(store.load("x"));
  }
  // A well-formed key whose sealed part has wrong types.
  REQUIRE(std::filesystem::remove(store.key_path()));
  REQUIRE(store.create("pw", kTestKdf));
  std::string file = test::read_file(store.key_path());
  const auto at = file.find("\"opslimit\":");
  REQUIRE(at != std::string::npos);
  file.insert(at + 11, "\"");
  file.insert(file.find(',', at + 12), "\"");
  test::write_file(store.key_path(), file);
  auto key = store.load("pw");
  REQUIRE_FALSE(key);
  CHECK(key.error().message.find("damaged") != std::string::npos);

  CHECK_FALSE(
      parse_public_key_file(R"({"format":"lockdiag-public-key/1","alg":"ed25519","public_key":5,"key_id":[]})"));
  CHECK_FALSE(parse_public_key_file("[]"));
}
