// The lock's end of the service port: framing, channel allocation and the framing-level
// commands (PING, INIT, CANCEL); everything else goes to the CommandHandler.
#pragma once

#include <stdint.h>

#include "core/command_handler.h"
#include "core/framing.h"
#include "hal/hal.h"

namespace lockfw {

class ServicePort {
 public:
  static constexpr uint16_t kMaxRequest = 256;
  static constexpr uint16_t kMaxResponse = 1024;

  ServicePort(hal::UsbPort& usb, hal::Ticks& ticks, hal::Entropy& entropy, CommandHandler& handler)
      : usb_(usb), ticks_(ticks), entropy_(entropy), handler_(handler) {}

  // One OUT report from the host.
  void on_report(const uint8_t* report64);
  // Drives timeouts and pending IN reports; call from the main loop.
  void poll();

 private:
  void dispatch(const Frame& frame);
  void send(uint32_t cid, uint8_t cmd, uint16_t length);
  void send_error(uint32_t cid, uint8_t code, uint16_t detail = 0);

  hal::UsbPort& usb_;
  hal::Ticks& ticks_;
  hal::Entropy& entropy_;
  CommandHandler& handler_;
  ChannelTable channels_;
  uint8_t rx_[kMaxRequest] = {};
  uint8_t tx_[kMaxResponse] = {};
  RequestAssembler assembler_{rx_, kMaxRequest};
  ResponseSender sender_;
};

}  // namespace lockfw
