#include "lockdiag/app/settings.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

namespace lockdiag::app {

namespace fs = std::filesystem;

fs::path settings_path() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  const fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : ".") / ".config";
  return base / "lockdiag" / "settings.json";
}

std::expected<Settings, std::string> load_settings(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return Settings{};
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::unexpected("the settings file " + path.string() + " is damaged; fix or delete it");
  return Settings{j.value("technician", ""), j.value("company", ""), j.value("licence", "")};
}

std::expected<void, std::string> save_settings(const Settings& s, const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << nlohmann::json{{"technician", s.technician}, {"company", s.company}, {"licence", s.licence}}.dump(2) << "\n";
    if (!out) return std::unexpected("cannot write " + tmp.string());
  }
  fs::rename(tmp, path, ec);
  if (ec) return std::unexpected("cannot write " + path.string() + ": " + ec.message());
  return {};
}

}  // namespace lockdiag::app
