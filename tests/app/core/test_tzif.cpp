// The laptop's tzdata side: the bounded TZif reader, the lock's table computed from it, zone
// names, and the firmware evaluator fed with that table checked against glibc's localtime_r
// for every hour of 2026-2030 in each of the zones, plus schedule windows across 2026.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/time_zone.h"
#include "lockdiag/app/tzif.h"

using namespace lockdiag::app;
namespace ltz = lockfw::tz;

namespace {

const char* const kZones[] = {"Europe/Berlin",      "America/New_York", "Australia/Sydney",  "Asia/Kolkata",
                              "Australia/Adelaide", "America/Nuuk",     "Africa/Casablanca", "UTC"};

constexpr int64_t k2026 = 1767225600;  // 2026-01-01 00:00 UTC
constexpr int64_t k2031 = 1924992000;  // 2031-01-01 00:00 UTC

std::vector<uint8_t> file_bytes(const std::string& name) {
  std::ifstream in(zoneinfo_root() / name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

ltz::ZoneData to_zone(const ZoneTable& t, std::size_t keep = kZoneTableMax) {
  ltz::ZoneData z{};
  std::strncpy(z.name, t.name.c_str(), sizeof z.name - 1);
  std::strncpy(z.rule, t.rule.c_str(), sizeof z.rule - 1);
  z.initial_offset_min = static_cast<int16_t>(t.initial_offset_s / 60);
  for (std::size_t i = 0; i < t.changes.size() && i < keep; ++i)
    z.table[z.count++] = {static_cast<uint32_t>(t.changes[i].utc), static_cast<int16_t>(t.changes[i].offset_s / 60), 0};
  return z;
}

ltz::TimeZone lock_zone(const std::string& name, int64_t from, std::size_t keep = kZoneTableMax) {
  auto t = load_zone_table(name, from);
  REQUIRE_MESSAGE(t.has_value(), name << ": " << (t ? "" : t.error()));
  ltz::TimeZone tz;
  REQUIRE(tz.set(to_zone(*t, keep)) == ltz::ZoneError::kNone);
  return tz;
}

// glibc's answer with TZ set to the zone.
struct Glibc {
  explicit Glibc(const std::string& name) {
    setenv("TZ", (":" + name).c_str(), 1);
    tzset();
  }
  ~Glibc() {
    unsetenv("TZ");
    tzset();
  }
  static std::tm at(int64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    return tm;
  }
};

}  // namespace

TEST_CASE("the lock's local offset matches glibc for every hour of 2026-2030 in every zone") {
  for (const char* name : kZones) {
    const ltz::TimeZone tz = lock_zone(name, k2026);
    Glibc g(name);
    int mismatches = 0;
    for (int64_t t = k2026; t < k2031; t += 3600)
      if (tz.offset_s(t) != Glibc::at(t).tm_gmtoff && ++mismatches < 4)
        FAIL_CHECK(name << " at " << t << ": lock " << tz.offset_s(t) << " glibc " << Glibc::at(t).tm_gmtoff);
    CHECK_MESSAGE(mismatches == 0, name);
  }
}

TEST_CASE("a table that runs out hands over to the rule, still matching glibc") {
  for (const char* name : kZones) {
    if (std::string(name) == "Africa/Casablanca") continue;  // its rule does not describe its changes
    for (std::size_t keep : {0u, 1u, 2u}) {
      const ltz::TimeZone tz = lock_zone(name, k2026, keep);
      CHECK(tz.data().count <= keep);
      Glibc g(name);
      int mismatches = 0;
      for (int64_t t = k2026; t < k2031; t += 3600) mismatches += tz.offset_s(t) != Glibc::at(t).tm_gmtoff;
      CHECK_MESSAGE(mismatches == 0, name << " keeping " << keep);
    }
  }
  // Casablanca's rule alone is wrong during Ramadan: the table is what keeps it right.
  const ltz::TimeZone casa = lock_zone("Africa/Casablanca", k2026, 0);
  Glibc g("Africa/Casablanca");
  int mismatches = 0;
  for (int64_t t = k2026; t < k2031; t += 3600) mismatches += casa.offset_s(t) != Glibc::at(t).tm_gmtoff;
  CHECK(mismatches > 24 * 20);
}

TEST_CASE("tables of the issue's zones") {
  auto berlin = load_zone_table("Europe/Berlin", k2026);
  REQUIRE(berlin);
  CHECK(berlin->rule == "CET-1CEST,M3.5.0,M10.5.0/3");
  CHECK(berlin->initial_offset_s == 3600);
  REQUIRE(berlin->changes.size() == kZoneTableMax);
  CHECK(berlin->changes[0].utc == 1774746000);  // 2026-03-29 01:00 UTC
  CHECK(berlin->changes[0].offset_s == 7200);
  CHECK(berlin->changes[1].utc == 1792890000);  // 2026-10-25 01:00 UTC
  auto nuuk = load_zone_table("America/Nuuk", k2026);
  REQUIRE(nuuk);
  CHECK(nuuk->initial_offset_s == -7200);
  CHECK(nuuk->changes.size() == kZoneTableMax);
  auto sydney = load_zone_table("Australia/Sydney", k2026);
  REQUIRE(sydney);
  CHECK(sydney->initial_offset_s == 11 * 3600);  // southern summer
  CHECK(sydney->changes[0].offset_s == 10 * 3600);
  auto adelaide = load_zone_table("Australia/Adelaide", k2026);
  REQUIRE(adelaide);
  CHECK(adelaide->initial_offset_s == 10 * 3600 + 1800);
  for (const char* flat : {"Asia/Kolkata", "UTC"}) {
    auto t = load_zone_table(flat, k2026);
    REQUIRE(t);
    CHECK(t->changes.empty());
  }
  CHECK(load_zone_table("Asia/Kolkata", k2026)->initial_offset_s == 19800);
  auto casa = load_zone_table("Africa/Casablanca", k2026);
  REQUIRE(casa);
  CHECK(casa->rule == "<+01>-1");
  REQUIRE(casa->changes.size() >= kZoneTableMax - 1);
  CHECK(casa->changes.back().offset_s == 3600);  // ends where the rule carries on
  for (std::size_t i = 1; i < casa->changes.size(); ++i)
    CHECK(casa->changes[i].offset_s != casa->changes[i - 1].offset_s);
  // A table later than the file's last transition comes from the rule.
  auto late = load_zone_table("Europe/Berlin", 2240524800);  // 2041
  REQUIRE(late);
  CHECK(late->changes.size() == kZoneTableMax);
}

TEST_CASE("week-day windows across 2026 follow glibc's wall clock, gap skipped, overlap once") {
  struct Window {
    uint8_t mask;
    uint16_t start, end;
  };
  const Window windows[] = {{0x3E, 8 * 60, 17 * 60}, {0x7F, 2 * 60, 3 * 60}, {0x7F, 60, 150}, {0x41, 0, 1440}};
  for (const char* name : kZones) {
    const ltz::TimeZone tz = lock_zone(name, k2026);
    Glibc g(name);
    int64_t max_wall = INT64_MIN;
    int mismatches = 0, opened = 0;
    for (int64_t t = k2026; t < k2026 + 365 * 86400; t += 900) {
      const std::tm tm = Glibc::at(t);
      const int64_t wall = t + tm.tm_gmtoff;
      const bool first = wall > max_wall;
      max_wall = std::max(max_wall, wall);
      const int minute = tm.tm_hour * 60 + tm.tm_min;
      for (const Window& w : windows) {
        const bool want = first && (w.mask & (1u << tm.tm_wday)) && minute >= w.start && minute < w.end;
        const bool got = ltz::in_weekly_window(tz, t, w.mask, w.start, w.end);
        opened += got;
        if (want != got && ++mismatches < 4)
          FAIL_CHECK(name << " at " << t << " window " << w.start << "-" << w.end << ": lock " << got);
      }
    }
    CHECK_MESSAGE(mismatches == 0, name);
    CHECK(opened > 10000);
  }
}

TEST_CASE("the TZif reader refuses what it cannot trust, at every truncation") {
  const auto bytes = file_bytes("Europe/Berlin");
  REQUIRE(bytes.size() > 1000);
  REQUIRE(parse_tzif(bytes));
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto r = parse_tzif(std::span(bytes.data(), n));
    REQUIRE_MESSAGE(!r, "truncated at " << n);
  }
  auto v1 = bytes;
  v1[4] = 0;
  CHECK(parse_tzif(v1).error().find("version") != std::string::npos);
  auto magic = bytes;
  magic[0] = 'X';
  CHECK(!parse_tzif(magic));
  std::vector<uint8_t> huge(kTzifMaxBytes + 1, 0);
  CHECK(parse_tzif(huge).error().find("too large") != std::string::npos);
  // Huge counts in the second header are refused before anything is read.
  auto counts = bytes;
  const auto v2 = std::search(counts.begin() + 4, counts.end(), bytes.begin(), bytes.begin() + 4);
  REQUIRE(v2 != counts.end());
  const std::size_t h2 = static_cast<std::size_t>(v2 - counts.begin());
  counts[h2 + 32] = 0x7F;  // timecnt
  CHECK(parse_tzif(counts).error().find("out of range") != std::string::npos);
  // Every single flipped byte: an answer or a clear error, never a crash.
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto b = bytes;
    b[i] ^= 0xA5;
    const auto r = parse_tzif(b);
    if (r) CHECK(r->types.size() >= 1);
  }
  // A leap-second file (right/) is refused.
  if (std::filesystem::exists(zoneinfo_root() / "right/Europe/Berlin"))
    CHECK(parse_tzif(file_bytes("right/Europe/Berlin")).error().find("leap") != std::string::npos);
}

TEST_CASE("zone names: listing, refusal of paths, and the nearest matches for a typo") {
  const auto names = zone_names();
  CHECK(std::binary_search(names.begin(), names.end(), "America/Nuuk"));
  CHECK(std::binary_search(names.begin(), names.end(), "UTC"));
  CHECK(std::none_of(names.begin(), names.end(), [](const std::string& n) {
    return n.starts_with("posix/") || n.starts_with("right/") || n.ends_with(".tab") || n == "localtime";
  }));
  for (const char* bad :
       {"../../etc/passwd", "/etc/passwd", "posix/Europe/Berlin", "Europe/../UTC", "", "Europe/Berlin\n"})
    CHECK_MESSAGE(!load_zone(bad), bad);
  CHECK(load_zone("Europe/Berln").error().find("unknown time zone") != std::string::npos);
  CHECK(load_zone("zone.tab").error().find("not a time zone name") != std::string::npos);
  CHECK(load_zone("leapseconds").error().find("not a TZif") != std::string::npos);
  CHECK(!load_zone("Europe"));  // a directory
  CHECK(nearest_zone_names("Europe/Berln", names).front() == "Europe/Berlin");
  CHECK(nearest_zone_names("europe/berlin", names).front() == "Europe/Berlin");
  const auto nuuk = nearest_zone_names("Nuuk", names);
  CHECK(std::find(nuuk.begin(), nuuk.end(), "America/Nuuk") != nuuk.end());
  CHECK(nearest_zone_names("Kolkatta", names, 3).size() == 3);
  const auto k = nearest_zone_names("Asia/Kolkatta", names, 3);
  CHECK(k.front() == "Asia/Kolkata");
}
