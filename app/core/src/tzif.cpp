#include "lockdiag/app/tzif.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "core/tz_rule.h"

namespace lockdiag::app {

namespace {

// RFC 8536 section 4's limits, tightened to what real tzdata needs.
constexpr uint32_t kMaxTimes = 4096, kMaxTypes = 256, kMaxChars = 512, kMaxLeaps = 1024;

struct Header {
  char version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b) {}
  bool has(std::size_t n) const { return n <= b_.size() - pos_; }
  std::size_t pos() const { return pos_; }
  void skip(std::size_t n) { pos_ += n; }
  uint8_t u8() { return b_[pos_++]; }
  uint32_t be32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | b_[pos_++];
    return v;
  }
  int64_t be64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | b_[pos_++];
    return static_cast<int64_t>(v);
  }
  std::span<const uint8_t> rest() const { return b_.subspan(pos_); }

 private:
  std::span<const uint8_t> b_;
  std::size_t pos_ = 0;
};

std::expected<Header, std::string> header(Reader& r) {
  if (!r.has(44)) return std::unexpected("truncated TZif header");
  const uint8_t m0 = r.u8(), m1 = r.u8(), m2 = r.u8(), m3 = r.u8();
  if (m0 != 'T' || m1 != 'Z' || m2 != 'i' || m3 != 'f') return std::unexpected("not a TZif file");
  Header h;
  h.version = static_cast<char>(r.u8());
  r.skip(15);
  h.isutcnt = r.be32();
  h.isstdcnt = r.be32();
  h.leapcnt = r.be32();
  h.timecnt = r.be32();
  h.typecnt = r.be32();
  h.charcnt = r.be32();
  if (h.typecnt == 0 || h.typecnt > kMaxTypes || h.charcnt == 0 || h.charcnt > kMaxChars || h.timecnt > kMaxTimes ||
      h.leapcnt > kMaxLeaps || (h.isutcnt != 0 && h.isutcnt != h.typecnt) ||
      (h.isstdcnt != 0 && h.isstdcnt != h.typecnt))
    return std::unexpected("TZif header counts out of range");
  return h;
}

std::size_t block_size(const Header& h, std::size_t time_bytes) {
  return h.timecnt * time_bytes + h.timecnt + h.typecnt * 6 + h.charcnt + h.leapcnt * (time_bytes + 4) + h.isstdcnt +
         h.isutcnt;
}

}  // namespace

std::expected<Tzif, std::string> parse_tzif(std::span<const uint8_t> bytes) {
  if (bytes.size() > kTzifMaxBytes) return std::unexpected("TZif file too large");
  Reader r(bytes);
  auto h1 = header(r);
  if (!h1) return std::unexpected(h1.error());
  if (h1->version < '2') return std::unexpected("TZif version 1 has no 64-bit data or rule; version 2 or later needed");
  const std::size_t v1 = block_size(*h1, 4);
  if (!r.has(v1)) return std::unexpected("truncated TZif version 1 data");
  r.skip(v1);
  auto h = header(r);
  if (!h) return std::unexpected(h.error());
  if (h->leapcnt != 0) return std::unexpected("TZif file counts leap seconds (a right/ zone); use the posix zone");
  if (!r.has(block_size(*h, 8))) return std::unexpected("truncated TZif data");
  Tzif out;
  out.times.reserve(h->timecnt);
  for (uint32_t i = 0; i < h->timecnt; ++i) {
    out.times.push_back(r.be64());
    if (i > 0 && out.times[i] <= out.times[i - 1]) return std::unexpected("TZif transitions out of order");
  }
  for (uint32_t i = 0; i < h->timecnt; ++i) {
    out.type_of.push_back(r.u8());
    if (out.type_of.back() >= h->typecnt) return std::unexpected("TZif transition names an unknown type");
  }
  std::vector<uint8_t> desig;
  for (uint32_t i = 0; i < h->typecnt; ++i) {
    TzifType t;
    t.offset_s = static_cast<int32_t>(r.be32());
    const uint8_t dst = r.u8(), idx = r.u8();
    if (dst > 1 || idx >= h->charcnt || t.offset_s < -25 * 3600 || t.offset_s > 26 * 3600)
      return std::unexpected("TZif local time type out of range");
    t.dst = dst == 1;
    desig.push_back(idx);
    out.types.push_back(std::move(t));
  }
  const auto chars = r.rest().first(h->charcnt);
  for (std::size_t i = 0; i < out.types.size(); ++i) {
    std::string& a = out.types[i].abbreviation;
    for (std::size_t k = desig[i]; k < chars.size() && chars[k] != 0; ++k) a.push_back(static_cast<char>(chars[k]));
  }
  r.skip(h->charcnt + h->isstdcnt + h->isutcnt);
  // Footer: "\n" rule "\n".
  const auto foot = r.rest();
  if (foot.empty() || foot[0] != '\n') return std::unexpected("TZif footer missing");
  std::size_t end = 1;
  while (end < foot.size() && foot[end] != '\n') {
    if (end > 64) return std::unexpected("TZif footer rule too long");
    ++end;
  }
  if (end >= foot.size()) return std::unexpected("TZif footer not terminated");
  out.footer.assign(reinterpret_cast<const char*>(foot.data()) + 1, end - 1);
  return out;
}

std::expected<ZoneTable, std::string> zone_table(const std::string& name, const Tzif& tz, int64_t from,
                                                 std::size_t max) {
  lockfw::tz::Rule rule{};
  const bool has_rule = !tz.footer.empty() && lockfw::tz::parse_rule(tz.footer.c_str(), rule);
  if (!has_rule)
    return std::unexpected("zone " + name + " has no POSIX rule the lock can follow (\"" + tz.footer + "\")");
  ZoneTable t;
  t.name = name;
  t.rule = tz.footer;
  // The offset at `from`: the file's transitions up to its last one, the rule after it.
  const bool past_file = tz.times.empty() || from >= tz.times.back();
  int32_t current = tz.types[0].offset_s;
  for (std::size_t i = 0; i < tz.times.size() && tz.times[i] <= from; ++i) current = tz.types[tz.type_of[i]].offset_s;
  if (past_file && !tz.times.empty()) current = lockfw::tz::rule_offset(rule, from);
  if (tz.times.empty()) current = lockfw::tz::rule_offset(rule, from);
  t.initial_offset_s = current;
  int32_t last = current;
  for (std::size_t i = 0; i < tz.times.size() && t.changes.size() < max; ++i) {
    if (tz.times[i] <= from) continue;
    const int32_t o = tz.types[tz.type_of[i]].offset_s;
    if (o == last) continue;  // a change of name only
    t.changes.push_back({tz.times[i], o});
    last = o;
  }
  int64_t cursor = std::max(from, tz.times.empty() ? from : tz.times.back());
  while (t.changes.size() < max) {
    int64_t at = 0;
    int32_t o = 0;
    if (!lockfw::tz::rule_next(rule, cursor, at, o)) break;
    cursor = at;
    if (o == last) continue;
    t.changes.push_back({at, o});
    last = o;
  }
  while (!t.changes.empty() && lockfw::tz::rule_offset(rule, t.changes.back().utc) != t.changes.back().offset_s)
    t.changes.pop_back();
  for (const ZoneChange& c : t.changes)
    if (c.utc < 0 || c.utc > 0xFFFFFFFFll) return std::unexpected("zone change outside the lock's clock range");
  return t;
}

std::filesystem::path zoneinfo_root() {
  if (const char* d = std::getenv("TZDIR"); d && *d) return d;
  return "/usr/share/zoneinfo";
}

namespace {
bool plausible_name(const std::string& name) {
  if (name.empty() || name.size() > 31 || name.front() == '/' || name.starts_with("posix/") ||
      name.starts_with("right/"))
    return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+')) return false;
  return name.find("..") == std::string::npos;
}
}  // namespace

std::expected<Tzif, std::string> load_zone(const std::string& name, const std::filesystem::path& root) {
  if (!plausible_name(name)) return std::unexpected("\"" + name + "\" is not a time zone name");
  std::ifstream in(root / name, std::ios::binary);
  if (!in) return std::unexpected("unknown time zone \"" + name + "\"");
  std::vector<uint8_t> bytes;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes.insert(bytes.end(), buf, buf + in.gcount());
    if (bytes.size() > kTzifMaxBytes) return std::unexpected("time zone file " + name + " too large");
  }
  auto tz = parse_tzif(bytes);
  if (!tz) return std::unexpected("time zone " + name + ": " + tz.error());
  return tz;
}

std::expected<ZoneTable, std::string> load_zone_table(const std::string& name, int64_t from,
                                                      const std::filesystem::path& root) {
  auto tz = load_zone(name, root);
  if (!tz) return std::unexpected(tz.error());
  return zone_table(name, *tz, from);
}

}  // namespace lockdiag::app
