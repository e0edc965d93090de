#include "lockdiag/drivers/link_model.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

namespace lockdiag::drivers {

namespace {
int64_t real_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Result<LinkProfile> LinkModelTransport::profile_named(const std::string& name) {
  if (name == "usb-fs") return LinkProfile{"usb-fs", 1000};
  if (name == "usb-hs") return LinkProfile{"usb-hs", 125};
  return fail(ErrorKind::kBadAddress,
              "unknown link model '" + name + "'; use usb-fs (full speed) or usb-hs (high speed)");
}

LinkModelTransport::LinkModelTransport(std::unique_ptr<Transport> inner, LinkProfile profile, bool pace)
    : inner_(std::move(inner)), profile_(std::move(profile)), pace_(pace) {
  reset_stats();
}

LinkModelTransport::~LinkModelTransport() {
  if (summary_)
    std::fprintf(stderr, "lockdiag: link %s: %llu reports out, %llu in, %llu round trips, %.1f ms of link time\n",
                 profile_.name.c_str(), static_cast<unsigned long long>(stats_.reports_out),
                 static_cast<unsigned long long>(stats_.reports_in),
                 static_cast<unsigned long long>(stats_.round_trips), stats_.link_ms());
}

void LinkModelTransport::reset_stats() {
  stats_ = {};
  t_ = out_free_ = in_free_ = answer_from_ = 0;
  inner_start_ms_ = inner_->now_ms();
  real_start_us_ = real_us();
}

// Time spent waiting on the inner transport (timeouts, a slow lock) is link time too.
void LinkModelTransport::sync_with_inner() {
  const int64_t waited_us = (inner_->now_ms() - inner_start_ms_) * 1000;
  if (!pace_) t_ = std::max(t_, waited_us);
  else t_ = std::max(t_, real_us() - real_start_us_ - profile_.frame_us);  // idle time passes for real
}

void LinkModelTransport::pace_until(int64_t link_us) {
  if (!pace_) return;
  const int64_t wait = real_start_us_ + link_us - real_us();
  if (wait > 0) std::this_thread::sleep_for(std::chrono::microseconds(wait));
}

Result<void> LinkModelTransport::write(const Report& report) {
  sync_with_inner();
  const int64_t f = std::max(t_, out_free_);
  pace_until(f);
  auto r = inner_->write(report);
  if (!r) return r;
  out_free_ = f + profile_.frame_us;
  t_ = f + profile_.frame_us;
  answer_from_ = t_;
  ++stats_.reports_out;
  if (report[4] & lockfw::wire::kInitFlag) ++stats_.round_trips;
  stats_.link_us = std::max(stats_.link_us, t_);
  return {};
}

Result<Report> LinkModelTransport::read(int timeout_ms) {
  auto r = inner_->read(timeout_ms);
  sync_with_inner();
  if (!r) {
    stats_.link_us = std::max(stats_.link_us, t_);
    return r;
  }
  const int64_t f = std::max({t_, in_free_, answer_from_});
  in_free_ = f + profile_.frame_us;
  t_ = f + profile_.frame_us;
  pace_until(t_);
  ++stats_.reports_in;
  stats_.link_us = std::max(stats_.link_us, t_);
  return r;
}

}  // namespace lockdiag::drivers
