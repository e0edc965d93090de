// The link model: frames per exchange and the counters.
#include <doctest/doctest.h>

#include "harness.h"
#include "lockdiag/drivers/link_model.h"

using namespace lockdiag::drivers;
using namespace lockdiag::test;

TEST_CASE("usb-fs: a one-report request and answer cost two frames") {
  Bench b;
  auto lm = std::make_unique<LinkModelTransport>(b.transport(), LinkProfile{});
  auto* link = lm.get();
  auto c = Client::open(std::move(lm));
  REQUIRE(c);
  link->reset_stats();
  REQUIRE(c->status());
  auto s = link->stats();
  CHECK(s.reports_out == 1);
  CHECK(s.reports_in == 1);
  CHECK(s.round_trips == 1);
  CHECK(s.link_us == 2000);
}

TEST_CASE("usb-fs: a long answer costs one frame per report") {
  Bench b;
  auto lm = std::make_unique<LinkModelTransport>(b.transport(), LinkProfile{});
  auto* link = lm.get();
  auto c = Client::open(std::move(lm));
  REQUIRE(c);
  link->reset_stats();
  std::vector<uint8_t> data(200);  // 4 reports each way
  REQUIRE(c->ping(data));
  auto s = link->stats();
  CHECK(s.reports_out == 4);
  CHECK(s.reports_in == 4);
  CHECK(s.link_us == 8000);
  CHECK(s.report_bytes() == 512);
}

TEST_CASE("profiles by name") {
  CHECK(LinkModelTransport::profile_named("usb-fs")->frame_us == 1000);
  CHECK(LinkModelTransport::profile_named("usb-hs")->frame_us == 125);
  CHECK_FALSE(LinkModelTransport::profile_named("serial"));
}
