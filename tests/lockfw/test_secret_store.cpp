// The code-hash key lives in hal::SecretStore, never in the storage journal.
// Attacks: read the key out of a state image (before and after migrating an old one), use a
// state image without its key, keep the same key across a factory reset.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "scenario.h"
#include "secret_store.h"
#include "state_file.h"
#include "support.h"

namespace fs = std::filesystem;
using namespace lockfw;
using namespace lockfw::test;

namespace {

const std::string kAdmin = "19283746";

std::vector<uint8_t> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool contains(const std::vector<uint8_t>& hay, const uint8_t* needle, size_t n) {
  return std::search(hay.begin(), hay.end(), needle, needle + n) != hay.end();
}

// The 1.1 fixture (lockfw-sim before the secret store): its flash, after the 4 KiB header.
std::vector<uint8_t> fixture_flash() {
  auto all = slurp(fs::path(LOCKFW_TEST_DATA) / "occupied-rental-1.1.state");
  REQUIRE(all.size() > host::StateFile::kHeaderSize);
  return {all.begin() + host::StateFile::kHeaderSize, all.end()};
}

// The key the old image keeps in its settings record (read the way an attacker would: mount).
std::array<uint8_t, 32> old_secret(std::vector<uint8_t> flash, const DeviceConfig& cfg) {
  host::FlashSim f(4096, static_cast<uint32_t>(flash.size() / 4096), flash.data());
  StateStore st;
  REQUIRE(st.mount(f, cfg.state_first_block, cfg.state_blocks, cfg.slot_count, Settings{}));
  REQUIRE_FALSE(st.formatted());
  std::array<uint8_t, 32> k{};
  std::memcpy(k.data(), st.settings().secret, 32);
  return k;
}

struct Image {
  explicit Image(std::vector<uint8_t> bytes, hal::SecretStore* secrets)
      : mem(std::move(bytes)),
        clock(true, kTestEpochMs),
        flash(4096, static_cast<uint32_t>(mem.size() / 4096), mem.data()),
        vl(host::VirtualLock::Options{host::scenario_config("occupied-rental"), "LD1-TEST0002", 7, secrets}, clock,
           flash, usb) {}
  std::vector<uint8_t> mem;
  host::SimClock clock;
  host::FlashSim flash;
  CapturePort usb;
  host::VirtualLock vl;
};

std::string code_of(const char* person) { return host::scenario_person_code("occupied-rental", person); }

}  // namespace

TEST_CASE("an old state image: the key moves to the secret store and no byte of it stays in the image") {
  const DeviceConfig cfg = host::scenario_config("occupied-rental");
  auto flash = fixture_flash();
  const auto key = old_secret(flash, cfg);
  REQUIRE(std::any_of(key.begin(), key.end(), [](uint8_t b) { return b != 0; }));
  REQUIRE(contains(flash, key.data(), key.size()));  // the attack that worked on 1.1/1.2

  host::RamSecretStore store;
  Image img(flash, &store);
  REQUIRE(img.vl.boot());
  CHECK(img.vl.lock().secret_ok());
  uint8_t stored[32];
  REQUIRE(store.load(hal::kCodeHashKey, stored));
  CHECK(std::memcmp(stored, key.data(), 32) == 0);
  // The whole image, every block (live, old and free): not one copy of the key.
  CHECK_FALSE(contains(img.mem, key.data(), key.size()));
  CHECK_FALSE(contains(img.mem, key.data(), 16));  // not even half of it
  CHECK(img.vl.lock().state().settings().secret_flags == 0);
  // The codes still work, and again after a power cycle.
  const uint64_t u0 = img.vl.bolt().unlocks();
  img.vl.keypad(code_of("alice") + "#");
  CHECK(img.vl.bolt().unlocks() == u0 + 1);
  REQUIRE(img.vl.power_cycle());
  img.vl.keypad(code_of("bob") + "#");
  CHECK(img.vl.bolt().unlocks() == u0 + 2);
  CHECK_FALSE(contains(img.mem, key.data(), 16));
}

TEST_CASE("an old image whose key cannot be stored keeps working and migrates at a later boot") {
  const DeviceConfig cfg = host::scenario_config("occupied-rental");
  auto flash = fixture_flash();
  const auto key = old_secret(flash, cfg);
  host::RamSecretStore store;
  store.fail_stores = true;
  Image img(flash, &store);
  REQUIRE(img.vl.boot());
  CHECK(img.vl.lock().secret_ok());  // the settings' key is used: nobody is locked out
  CHECK(contains(img.mem, key.data(), key.size()));  // and not thrown away
  const uint64_t u0 = img.vl.bolt().unlocks();
  img.vl.keypad(code_of("alice") + "#");
  CHECK(img.vl.bolt().unlocks() == u0 + 1);
  store.fail_stores = false;
  REQUIRE(img.vl.power_cycle());
  CHECK_FALSE(contains(img.mem, key.data(), 16));
  img.vl.keypad(code_of("alice") + "#");
  CHECK(img.vl.bolt().unlocks() == u0 + 2);
}

TEST_CASE("a migration cut by power loss at any flash operation finishes at the next boot") {
  const DeviceConfig cfg = host::scenario_config("occupied-rental");
  const auto flash0 = fixture_flash();
  const auto key = old_secret(flash0, cfg);
  for (int64_t cut = 0; cut < 40; cut += 3) {
    CAPTURE(cut);
    host::RamSecretStore store;
    Image img(flash0, &store);
    img.flash.cut_after(cut, static_cast<uint64_t>(cut) + 1);
    img.vl.boot();  // may fail midway: power is gone
    img.flash.power_on();
    REQUIRE(img.vl.power_cycle());
    REQUIRE(img.vl.lock().secret_ok());
    CHECK_FALSE(contains(img.mem, key.data(), 16));
    const uint64_t u0 = img.vl.bolt().unlocks();
    img.vl.keypad(code_of("alice") + "#");
    CHECK(img.vl.bolt().unlocks() == u0 + 1);
  }
}

TEST_CASE("a state image without its key checks no code and counts nothing as wrong") {
  host::RamSecretStore store;
  Rig rig(small_config(), kSmallBlock, 42);
  // Rig's lock keeps its key in its own RAM store; a second lock on the same flash has none.
  rig.onboard(kAdmin);
  REQUIRE(rig.enroll(1, kRoleUser, "1357") == kEnrollCommitted);
  host::SimClock clock(true, kTestEpochMs);
  CapturePort usb;
  host::VirtualLock thief(host::VirtualLock::Options{small_config(), "LD1-TEST0001", 42, &store}, clock, rig.flash,
                          usb);
  REQUIRE(thief.boot());
  CHECK(thief.lock().storage_ok());
  CHECK_FALSE(thief.lock().secret_ok());
  uint8_t k[32];
  CHECK_FALSE(store.load(hal::kCodeHashKey, k));  // and it did not invent a new one
  for (int i = 0; i < 30; ++i) thief.keypad(i % 2 ? "1357#" : kAdmin + "#");
  CHECK(thief.bolt().unlocks() == 0);
  CHECK_FALSE(thief.lock().locked_out());  // refused, not counted
  CHECK(thief.lock().session_state() != kSessionOpen);
  Event ev{};
  REQUIRE(thief.lock().events().read(thief.lock().events().head_seq() - 1, ev));
  CHECK(ev.type == kEvRejected);
  CHECK((ev.extra & kReasonMask) == kReasonStorage);
  // The journal never held the key: nothing in the image matches the owner's store.
  uint8_t real[32];
  REQUIRE(rig.vl.ram_secrets().load(hal::kCodeHashKey, real));
  std::vector<uint8_t> image(rig.flash.data(), rig.flash.data() + rig.flash.size());
  CHECK_FALSE(contains(image, real, 16));
}

TEST_CASE("a factory reset rotates the key in the secret store") {
  Rig rig;
  rig.onboard(kAdmin);
  uint8_t before[32], after[32];
  REQUIRE(rig.vl.ram_secrets().load(hal::kCodeHashKey, before));
  REQUIRE(rig.call(kCmdFactoryReset, FactoryResetRequest{0, {}}).error == kErrNone);
  rig.type(kAdmin + "#");
  REQUIRE(rig.lock().confirm_state() == kConfirmDone);
  REQUIRE(rig.vl.ram_secrets().load(hal::kCodeHashKey, after));
  CHECK(std::memcmp(before, after, 32) != 0);
  REQUIRE(rig.enroll(0, kRoleAdmin, kAdmin) == kEnrollCommitted);
  rig.vl.power_cycle();
  rig.type(kAdmin + "#");
  CHECK(rig.unlocks() == 1);
}

TEST_CASE("FileSecretStore: 0600, whole-file replace, a foreign file is never overwritten") {
  const fs::path dir = fs::temp_directory_path() / ("lockfw-secret-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto path = host::FileSecretStore::path_for((dir / "lock.state").string());
  CHECK(path == (dir / "lock.state.secret").string());
  host::FileSecretStore fs1(path);
  uint8_t a[32], b[32], got[32];
  std::memset(a, 0xA5, 32);
  std::memset(b, 0x5A, 32);
  CHECK_FALSE(fs1.load(hal::kCodeHashKey, got));
  ::umask(0);  // the mode must not depend on the umask
  REQUIRE(fs1.store(hal::kCodeHashKey, a));
  ::umask(022);
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_FALSE(fs1.load(hal::kDeviceSigningKey, got));
  REQUIRE(fs1.store(hal::kDeviceSigningKey, b));
  REQUIRE(fs1.load(hal::kCodeHashKey, got));
  CHECK(std::memcmp(got, a, 32) == 0);
  REQUIRE(fs1.load(hal::kDeviceSigningKey, got));
  CHECK(std::memcmp(got, b, 32) == 0);
  // Somebody's notes at that path: not read as a key, not replaced.
  fs::remove(path);
  {
    std::ofstream(path) << "my notes\n";
  }
  CHECK_FALSE(fs1.load(hal::kCodeHashKey, got));
  CHECK_FALSE(fs1.store(hal::kCodeHashKey, a));
  CHECK(slurp(path).size() == 9);
  fs::remove_all(dir);
}

TEST_CASE("lockfw-sim: the key file sits next to --state; without it the simulator refuses to start") {
  const char* bin = std::getenv("LOCKDIAG_BIN_DIR");
  REQUIRE(bin != nullptr);
  const fs::path dir = fs::temp_directory_path() / ("lockfw-secret-sim-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(fs::path(LOCKFW_TEST_DATA) / "occupied-rental-1.1.state", dir / "lock.state");
  const std::string sim = (fs::path(bin) / "lockfw-sim").string();
  const std::string run = "timeout 3 " + sim + " --socket " + (dir / "s").string() + " --state " +
                          (dir / "lock.state").string() + " 2>" + (dir / "err").string();
  const int first = std::system(run.c_str());
  CHECK(WEXITSTATUS(first) == 124);  // served until timeout killed it
  const fs::path key = dir / "lock.state.secret";
  REQUIRE(fs::exists(key));
  struct stat st{};
  REQUIRE(::stat(key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto kf = slurp(key);
  REQUIRE(kf.size() == 8 + 2 * 33);
  CHECK_FALSE(contains(slurp(dir / "lock.state"), kf.data() + 9, 16));
  fs::remove(key);
  const int second = std::system(run.c_str());
  CHECK(WEXITSTATUS(second) == 1);
  const auto err = slurp(dir / "err");
  const std::string msg(err.begin(), err.end());
  CHECK(msg.find("lock.state.secret is missing") != std::string::npos);
  CHECK_FALSE(fs::exists(key));  // no new key invented for an image that has codes
  fs::remove_all(dir);
}
