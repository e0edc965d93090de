#include "faulty_transport.h"

#include <algorithm>

namespace lockdiag::test {

using drivers::ErrorKind;
using drivers::fail;

std::string FaultPlan::describe() const {
  char b[256];
  std::snprintf(
      b, sizeof b,
      "seed=%llu drop=%.3f dup=%.3f trunc=%.3f delay=%.3f reorder=%.3f drop_out=%.3f dup_out=%.3f disconnect_at=%lld",
      static_cast<unsigned long long>(seed), drop, duplicate, truncate, delay, reorder, drop_out, duplicate_out,
      static_cast<long long>(disconnect_at));
  return b;
}

FaultyTransport::FaultyTransport(std::unique_ptr<drivers::Transport> inner, FaultPlan plan)
    : inner_(std::move(inner)), plan_(plan), rng_(plan.seed * 0x9E3779B97F4A7C15ull + 0x1234567) {}

bool FaultyTransport::roll(double p) {
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  return p > 0 && static_cast<double>(rng_ % 1000000) < p * 1e6;
}

bool FaultyTransport::count_report() {
  if (plan_.disconnect_at >= 0 && reports_ >= plan_.disconnect_at) counts_.disconnected = true;
  ++reports_;
  return counts_.disconnected;
}

drivers::Result<void> FaultyTransport::write(const drivers::Report& report) {
  if (counts_.disconnected || count_report())
    return fail(ErrorKind::kDisconnected, "the cable was pulled (fault injection)");
  if (roll(plan_.drop_out)) {
    ++counts_.dropped_out;
    return {};
  }
  auto r = inner_->write(report);
  if (r && roll(plan_.duplicate_out)) {
    ++counts_.duplicated_out;
    if (count_report()) return {};  // the cable went with the copy; the original got through
    return inner_->write(report);
  }
  return r;
}

drivers::Result<drivers::Report> FaultyTransport::read(int timeout_ms) {
  const int64_t deadline = now_ms() + timeout_ms;
  for (;;) {
    if (counts_.disconnected) return fail(ErrorKind::kDisconnected, "the cable was pulled (fault injection)");
    if (!held_.empty() && held_.front().due_ms <= now_ms()) {
      drivers::Report r = held_.front().report;
      held_.pop_front();
      return r;
    }
    int64_t left = deadline - now_ms();
    if (left <= 0) return fail(ErrorKind::kTimeout, "no report");
    if (!held_.empty()) left = std::min<int64_t>(left, std::max<int64_t>(1, held_.front().due_ms - now_ms()));
    auto r = inner_->read(static_cast<int>(left));
    if (!r) {
      if (r.error().kind == ErrorKind::kTimeout) continue;
      return r;
    }
    if (count_report()) return fail(ErrorKind::kDisconnected, "the cable was pulled (fault injection)");
    if (roll(plan_.drop)) {
      ++counts_.dropped;
      continue;
    }
    if (roll(plan_.truncate)) {
      ++counts_.truncated;
      return fail(ErrorKind::kProtocol, "a 37-byte report (fault injection)");
    }
    if (roll(plan_.delay)) {
      ++counts_.delayed;
      held_.push_back({*r, now_ms() + plan_.delay_ms});
      continue;
    }
    if (!after_next_ && roll(plan_.reorder)) {
      ++counts_.reordered;
      after_next_ = *r;
      continue;
    }
    if (after_next_) {
      held_.push_front({*after_next_, now_ms()});
      after_next_.reset();
    }
    if (roll(plan_.duplicate)) {
      ++counts_.duplicated;
      held_.push_front({*r, now_ms()});
    }
    return r;
  }
}

}  // namespace lockdiag::test
