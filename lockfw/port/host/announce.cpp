#include "announce.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace lockfw::host {

namespace {
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}
}  // namespace

SimAnnouncement::SimAnnouncement(const std::string& serial, const std::string& socket_path) {
  namespace fs = std::filesystem;
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  const fs::path dir = runtime && *runtime ? fs::path(runtime) / "lockdiag/sims"
                                           : fs::path("/tmp/lockdiag-" + std::to_string(getuid())) / "sims";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return;  // discovery will not see this lock; it still serves its socket
  ::chmod(dir.parent_path().c_str(), 0700);
  char resolved[PATH_MAX];
  const std::string socket_abs = ::realpath(socket_path.c_str(), resolved) ? resolved : socket_path;
  const fs::path file = dir / (serial + ".json");
  const fs::path tmp = dir / ("." + serial + ".json.tmp");
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return;
  std::fprintf(f, "{\"serial\": %s, \"socket\": %s, \"pid\": %d}\n", json_string(serial).c_str(),
               json_string(socket_abs).c_str(), static_cast<int>(getpid()));
  const bool ok = std::fclose(f) == 0;
  if (ok && std::rename(tmp.c_str(), file.c_str()) == 0) path_ = file.string();
  else std::remove(tmp.c_str());
}

SimAnnouncement::~SimAnnouncement() {
  if (!path_.empty()) std::remove(path_.c_str());
}

}  // namespace lockfw::host
