// Listening Unix sockets for lockfw-sim (service and control): created mode 0600 from the
// start (no window in which another user can connect), a leftover socket of a crashed
// simulator replaced, a live one refused, and a path that is not a socket never deleted.
#pragma once

#include <expected>
#include <string>

namespace lockfw::host {

// Binds and listens on `path` with the socket `type` (SOCK_SEQPACKET, SOCK_STREAM).
// Returns the listening descriptor or a message a user can act on. `what` names the
// socket in messages ("service socket", "control socket").
std::expected<int, std::string> listen_unix(const std::string& path, int type, const char* what);

// Removes `path` if it is (still) a socket; a file someone put there in the meantime stays.
void unlink_socket(const std::string& path);

}  // namespace lockfw::host
