// A fault-injecting transport: drops, duplicates, truncates, delays and reorders IN reports,
// drops and duplicates OUT reports, and pulls the cable at report k, all decided by a seeded generator so a failing run replays.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "lockdiag/drivers/transport.h"

namespace lockdiag::test {

struct FaultPlan {
  uint64_t seed = 1;
  // per IN report (lock -> host)
  double drop = 0, duplicate = 0, truncate = 0, delay = 0, reorder = 0;
  // per OUT report (host -> lock): lost on the way, or delivered twice (a request or a piece
  // of one repeated right after itself)
  double drop_out = 0, duplicate_out = 0;
  int delay_ms = 40;
  int64_t disconnect_at = -1;  // the cable goes at this report (both directions counted)
  std::string describe() const;
};

struct FaultCounts {
  int dropped = 0, duplicated = 0, truncated = 0, delayed = 0, reordered = 0, dropped_out = 0, duplicated_out = 0;
  bool disconnected = false;
  int total() const { return dropped + duplicated + truncated + delayed + reordered + dropped_out + duplicated_out; }
};

class FaultyTransport final : public drivers::Transport {
 public:
  FaultyTransport(std::unique_ptr<drivers::Transport> inner, FaultPlan plan);
  drivers::Result<void> write(const drivers::Report& report) override;
  drivers::Result<drivers::Report> read(int timeout_ms) override;
  std::string describe() const override { return inner_->describe(); }
  int64_t now_ms() const override { return inner_->now_ms(); }
  const FaultCounts& counts() const { return counts_; }

 private:
  bool roll(double p);
  bool count_report();  // true: this report is where the cable goes
  std::unique_ptr<drivers::Transport> inner_;
  FaultPlan plan_;
  uint64_t rng_;
  int64_t reports_ = 0;
  FaultCounts counts_;
  struct Held {
    drivers::Report report;
    int64_t due_ms;
  };
  std::deque<Held> held_;  // delayed or duplicated, delivered when due
  std::optional<drivers::Report> after_next_;  // reordered: goes after the next report
};

}  // namespace lockdiag::test
