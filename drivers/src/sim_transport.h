// sim:PATH: a Unix SOCK_SEQPACKET socket to lockfw-sim, one datagram per report.
#pragma once

#include "lockdiag/drivers/transport.h"

namespace lockdiag::drivers {

class SimTransport final : public Transport {
 public:
  static Result<std::unique_ptr<Transport>> open(const std::string& path);
  ~SimTransport() override;
  Result<void> write(const Report& report) override;
  Result<Report> read(int timeout_ms) override;
  std::string describe() const override { return "sim:" + path_; }

 private:
  SimTransport(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace lockdiag::drivers
