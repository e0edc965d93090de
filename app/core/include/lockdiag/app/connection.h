// Opening a lock by device URI: the one way the CLI and the GUI get a protocol client.
#pragma once

#include <string>

#include "lockdiag/drivers/client.h"

namespace lockdiag::app {

// $LOCKDIAG_DEVICE, else the virtual lock a `lockdiag demo` or the GUI starts.
std::string default_device_uri();

drivers::Result<drivers::Client> connect(const std::string& uri, drivers::ClientOptions options = {});

// From now on connect() wraps sim: transports in a link model ("usb-fs"; "" for none) that
// paces reports as the real link would and prints what the session cost (lockdiag --link).
void set_link_model(const std::string& name);

}  // namespace lockdiag::app
