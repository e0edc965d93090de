// A link model around any transport: what the same conversation costs on a real USB HID
// interrupt link (docs/drivers.md, "Link model").
//
// usb-fs (full speed, bInterval 1): one 64-byte report each way per 1 ms frame. A report the
// host writes in frame f reaches the lock at the end of f; the lock's answer can leave in frame
// f+1 at the earliest; the host's next request goes out in the frame after the answer's last
// report. So a request of 1 report answered by k reports costs 1 + k frames.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "lockdiag/drivers/transport.h"

namespace lockdiag::drivers {

struct LinkProfile {
  std::string name = "usb-fs";
  int frame_us = 1000;  // interval between two reports in one direction
};

struct LinkStats {
  uint64_t reports_out = 0;   // host -> lock
  uint64_t reports_in = 0;    // lock -> host
  uint64_t round_trips = 0;   // requests sent (init packets host -> lock)
  int64_t link_us = 0;        // modeled link time
  double link_ms() const { return static_cast<double>(link_us) / 1000.0; }
  uint64_t report_bytes() const { return (reports_out + reports_in) * lockfw::wire::kReportSize; }
};

class LinkModelTransport final : public Transport {
 public:
  // pace: also hold each report back until its modeled time has come in real time, so a
  // person watching feels the real link (lockdiag --link usb-fs). Without it the model only
  // counts (benchmarks).
  LinkModelTransport(std::unique_ptr<Transport> inner, LinkProfile profile, bool pace = false);
  ~LinkModelTransport() override;

  Result<void> write(const Report& report) override;
  Result<Report> read(int timeout_ms) override;
  std::string describe() const override { return inner_->describe(); }
  int64_t now_ms() const override { return inner_->now_ms(); }

  LinkStats stats() const { return stats_; }
  void reset_stats();
  // Print a one-line summary on stderr when the transport closes (lockdiag --link).
  void summary_on_close(bool on) { summary_ = on; }
  const LinkProfile& profile() const { return profile_; }

  // "usb-fs" (full speed, 1 ms frames) or "usb-hs" (high speed, 125 us microframes).
  static Result<LinkProfile> profile_named(const std::string& name);

 private:
  void sync_with_inner();
  void pace_until(int64_t link_us);
  std::unique_ptr<Transport> inner_;
  LinkProfile profile_;
  bool pace_;
  bool summary_ = false;
  LinkStats stats_;
  int64_t t_ = 0;          // modeled now, us since reset
  int64_t out_free_ = 0;   // first slot the OUT pipe is free
  int64_t in_free_ = 0;
  int64_t answer_from_ = 0;  // the lock can answer from here (after the last OUT report)
  int64_t inner_start_ms_ = 0;
  int64_t real_start_us_ = 0;
};

}  // namespace lockdiag::drivers
