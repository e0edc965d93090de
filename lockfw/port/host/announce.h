// A running virtual lock tells lockdiag's discovery where it is: a small JSON file under
// $XDG_RUNTIME_DIR/lockdiag/sims/<serial>.json (or /tmp/lockdiag-<uid>/sims) holding the
// socket path and this process's pid. Removed on a clean exit; discovery ignores and deletes
// the file of a simulator that died.
#pragma once

#include <string>

namespace lockfw::host {

class SimAnnouncement {
 public:
  SimAnnouncement(const std::string& serial, const std::string& socket_path);
  ~SimAnnouncement();
  SimAnnouncement(const SimAnnouncement&) = delete;
  SimAnnouncement& operator=(const SimAnnouncement&) = delete;
  const std::string& path() const { return path_; }  // empty when it could not be written

 private:
  std::string path_;
};

}  // namespace lockfw::host
