// lockfw-sim's control interface: a second Unix socket (PATH.ctl), separate from the service
// port, where people and tests act on the lock's physical world: press keys, make a person
// type their code, change the battery, disturb the clock, cut power. One line in, one line
// out: "ok ..." or "error ...". It never carries a code value out.
#pragma once

#include <poll.h>

#include <expected>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace lockfw::host {

std::string control_socket_path(const std::string& service_socket);

class ControlServer {
 public:
  ~ControlServer();
  std::expected<void, std::string> listen(const std::string& path);
  void fds(std::vector<pollfd>& out) const;
  // Serves a ready descriptor: accepts, reads lines, answers each with handler(line).
  void ready(const pollfd& p, const std::function<std::string(const std::string&)>& handler);

 private:
  int listen_fd_ = -1;
  std::string path_;
  std::map<int, std::string> clients_;
};

// `lockfw-sim ctl --socket PATH CMD ARGS...`: prints the answer; 0 for ok, 1 for error, 2 when
// no simulator answers.
int control_client(const std::string& service_socket, const std::vector<std::string>& words, int timeout_ms = 30000);

}  // namespace lockfw::host
