// Writes the seed corpora of the fuzz targets from real messages: what a virtual lock (the
// firmware harness of fw_lock.h) sends and stores, the sample report, the documented specs.
//   fuzz_write_seeds SOURCE_DIR OUT_DIR      (OUT_DIR/<target>/<seed>; deterministic)
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fw_lock.h"
#include "lockdiag/drivers/framing.h"
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/sign.h"

namespace fs = std::filesystem;
using namespace lockfw;
using namespace lockfw::wire;
using Bytes = std::vector<uint8_t>;

namespace {

fs::path g_out;

void write(const std::string& target, const std::string& name, const Bytes& b) {
  fs::create_directories(g_out / target);
  std::ofstream(g_out / target / name, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}
void write(const std::string& target, const std::string& name, const std::string& s) {
  write(target, name, Bytes(s.begin(), s.end()));
}
template <typename T>
Bytes bytes_of(const T& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  return Bytes(p, p + sizeof v);
}

// fuzz_lock_port input: requests as OUT reports on the fuzzer's channel (odd op byte), keys.
struct Script {
  Bytes b;
  explicit Script(bool session) : b{static_cast<uint8_t>(session ? 1 : 0)} {}
  Script& request(uint8_t cmd, const Bytes& payload = {}) {
    for (const auto& r : lockdiag::drivers::encode_message(0, cmd, payload)) {
      b.push_back(0x01);
      b.insert(b.end(), r.begin(), r.end());
    }
    return *this;
  }
  Script& keys(const std::string& k) {
    for (char c : k) b.push_back(static_cast<uint8_t>(0xC0 + std::string("0123456789*#").find(c)));
    return *this;
  }
  Script& wait(uint8_t log2_ms) {
    b.push_back(static_cast<uint8_t>(0xCC + log2_ms));
    return *this;
  }
};

void lock_port_seeds() {
  const std::string t = "fuzz_lock_port";
  write(t, "open-commands",
        Script(false)
            .request(kCmdGetIdentity)
            .request(kCmdGetStatus)
            .request(kCmdGetCapabilities)
            .request(kCmdGetSession)
            .request(kCmdPing, Bytes(150, 0x5A))
            .request(kCmdReadSlots, bytes_of(ReadSlotsRequest{0, 0, kSlotFormatCompact, 0}))
            .b);
  write(t, "session-reads",
        Script(true)
            .request(kCmdReadSlots, bytes_of(ReadSlotsRequest{0, 0, kSlotFormatCompact, 0}))
            .request(kCmdReadSlots, bytes_of(ReadSlotsRequest{2, 64, kSlotFormatFixed, 0}))
            .request(kCmdReadEvents, bytes_of(ReadEventsRequest{0, 0, 0}))
            .request(kCmdGetFingerprint)
            .request(kCmdGetLockoutPolicy)
            .b);
  ScheduleBlock until{};
  put_u32_le(until.b, 1767312000u);
  OpenEnrollmentRequest enroll{2, kRoleGuest, kKindTemporaryUntil, until};
  write(t, "enroll-typed-twice",
        Script(true).request(kCmdOpenEnrollment, bytes_of(enroll)).keys("7777#7777#").request(kCmdGetSession).b);
  write(t, "delete-confirmed",
        Script(true)
            .request(kCmdDeleteSlot, bytes_of(SlotRequest{1, 0}))
            .keys(std::string(fuzz::kAdminCode) + "#")
            .request(kCmdGetSession)
            .b);
  write(t, "changes-and-timeout",
        Script(true)
            .request(kCmdSetClock, bytes_of(SetClockRequest{1767312000u, -300, 0}))
            .request(kCmdSetSlotEnabled, bytes_of(SetSlotEnabledRequest{1, 0, 0}))
            .request(kCmdFactoryReset, bytes_of(FactoryResetRequest{}))
            .request(kCmdCancelConfirmation)
            .wait(23)
            .request(kCmdGetStatus)
            .b);
  write(t, "keypad-guessing", Script(false).keys("1234#1234#1234#1234#1234#5555#").wait(16).request(kCmdGetStatus).b);
}

void storage_seeds() {
  const std::string t = "fuzz_storage_mount";
  write(t, "populated.img", fuzz::populated_image());
  auto fresh = fuzz::make_lock(nullptr);
  write(t, "factory-fresh.img", Bytes(fresh->flash.data(), fresh->flash.data() + fresh->flash.size()));
  // A log that has wrapped its ring and a journal that has checkpointed.
  auto busy = fuzz::make_lock(&fuzz::populated_image());
  for (int i = 0; i < 120; ++i) busy->vl.keypad(std::string(fuzz::kUserCode) + "#");
  write(t, "wrapped-log.img", Bytes(busy->flash.data(), busy->flash.data() + busy->flash.size()));
}

void host_seeds() {
  auto f = fuzz::make_lock(&fuzz::populated_image());
  const uint32_t cid = fuzz::open_channel(*f);
  fuzz::open_session(*f, cid);
  // Framing: the lock's own answers, as the host's assembler gets them.
  auto framed = [&](uint8_t cmd, const Bytes& payload) {
    Bytes out = bytes_of(cid);
    for (const auto& r : fuzz::exchange(*f, cid, cmd, payload.data(), static_cast<uint16_t>(payload.size())))
      out.insert(out.end(), r.begin(), r.end());
    return out;
  };
  write("fuzz_host_framing", "identity", framed(kCmdGetIdentity, {}));
  write("fuzz_host_framing", "slots-compact",
        framed(kCmdReadSlots, bytes_of(ReadSlotsRequest{0, 0, kSlotFormatCompact, 0})));
  write("fuzz_host_framing", "events", framed(kCmdReadEvents, bytes_of(ReadEventsRequest{0, 0, 0})));
  write("fuzz_host_framing", "ping-long", framed(kCmdPing, Bytes(200, 0x33)));
  // Pages: READ_SLOTS / READ_EVENTS payloads.
  auto page = [&](uint8_t sel, uint16_t start, uint8_t cmd, const Bytes& req) {
    auto r = f->vl.call(cmd, req.data(), static_cast<uint16_t>(req.size()));
    Bytes out{sel};
    if (sel == 0) {
      out.push_back(static_cast<uint8_t>(start));
      out.push_back(static_cast<uint8_t>(start >> 8));
      out.push_back(static_cast<uint8_t>(fuzz::fuzz_config().slot_count));
      out.push_back(0);
    }
    out.insert(out.end(), r.payload.begin(), r.payload.end());
    return out;
  };
  write("fuzz_host_pages", "slots-compact",
        page(0, 0, kCmdReadSlots, bytes_of(ReadSlotsRequest{0, 0, kSlotFormatCompact, 0})));
  write("fuzz_host_pages", "slots-fixed",
        page(0, 0, kCmdReadSlots, bytes_of(ReadSlotsRequest{0, 0, kSlotFormatFixed, 0})));
  write("fuzz_host_pages", "slots-from-2",
        page(0, 2, kCmdReadSlots, bytes_of(ReadSlotsRequest{2, 40, kSlotFormatCompact, 0})));
  write("fuzz_host_pages", "events", page(1, 0, kCmdReadEvents, bytes_of(ReadEventsRequest{0, 0, 0})));
  write("fuzz_host_pages", "events-short", page(1, 0, kCmdReadEvents, bytes_of(ReadEventsRequest{3, 0, 4})));
}

void report_seeds(const fs::path& source) {
  std::ifstream in(source / "reports/examples/sample-report.json", std::ios::binary);
  const std::string body((std::istreambuf_iterator<char>(in)), {});
  write("fuzz_host_report", "sample-body.json", body);
  auto report = lockdiag::reports::parse_report_body(body);
  if (!report) {
    std::fprintf(stderr, "sample report does not parse: %s\n", report.error().message.c_str());
    std::exit(1);
  }
  std::array<unsigned char, lockdiag::reports::kSeedBytes> seed{};
  seed.fill(7);
  auto key = lockdiag::reports::SigningKey::from_seed(seed);
  auto signed_file = lockdiag::reports::sign_report(*report, *key);
  if (!signed_file) {
    std::fprintf(stderr, "sample report does not sign: %s\n", signed_file.error().message.c_str());
    std::exit(1);
  }
  write("fuzz_host_report", "sample-signed.json", *signed_file);
}

void text_seeds() {
  const std::string a = "fuzz_host_answers";
  write(a, "docs-example.json", std::string(R"({ "answers": { "keep.3": true, "keep.4": false },
  "inputs": { "technician": "Zoë Łukasiewicz", "company": "Harbour Lock & Key",
              "site": "Flat 3", "customer": "Harbour Lettings" } })"));
  write(a, "answers-only.json", std::string(R"({"answers":{"keep.1":true,"keep.2":false,"reset.confirm":true}})"));
  const std::string e = "fuzz_host_enroll_spec";
  const char* specs[] = {"anna:user",
                         "cleaner:guest:days=mon,tue,wed@09:00-12:00",
                         "visitor:guest:until=2026-12-24T18:00",
                         "courier:guest:first-use=120",
                         "tenant:user:range=2026-12-01T00:00..2026-12-31T23:59:30",
                         "owner:admin:persistent",
                         "tech:service"};
  int i = 0;
  for (const char* s : specs) write(e, "enroll-" + std::to_string(i++), std::string(1, '\0') + s);
  write(e, "rotate", std::string(1, '\1') + "3:anna (tenant)");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fuzz_write_seeds SOURCE_DIR OUT_DIR\n");
    return 2;
  }
  g_out = argv[2];
  lock_port_seeds();
  storage_seeds();
  host_seeds();
  report_seeds(argv[1]);
  text_seeds();
  return 0;
}
