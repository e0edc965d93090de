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
  Settings s;
  s.technician = j.value("technician", "");
  s.company = j.value("company", "");
  s.licence = j.value("licence", "");
  s.company_phone = j.value("company_phone", "");
  s.company_email = j.value("company_email", "");
  s.company_address = j.value("company_address", "");
  if (const auto g = j.find("gui"); g != j.end() && g->is_object()) {
    s.has_gui = true;
    s.report_dir = g->value("report_dir", "");
    s.utc_offset_min = g->value("utc_offset_min", 0);
    s.ui_scale = g->value("ui_scale", 0.0f);
  }
  return s;
}

std::expected<void, std::string> save_settings(const Settings& s, const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const fs::path tmp = path.string() + ".tmp";
  // The file as it is, so that the keys this version does not know survive the write.
  nlohmann::json j = nlohmann::json::object();
  if (std::ifstream in(path); in) {
    auto old = nlohmann::json::parse(in, nullptr, false);
    if (old.is_object()) j = std::move(old);
  }
  j["technician"] = s.technician;
  j["company"] = s.company;
  j["licence"] = s.licence;
  for (const auto& [key, value] :
       {std::pair{"company_phone", &s.company_phone}, std::pair{"company_email", &s.company_email},
        std::pair{"company_address", &s.company_address}})
    if (value->empty()) j.erase(key);
    else j[key] = *value;
  if (s.has_gui) {  // the GUI's keys, over its own section (a newer GUI's other keys stay)
    if (!j["gui"].is_object()) j["gui"] = nlohmann::json::object();
    j["gui"]["report_dir"] = s.report_dir;
    j["gui"]["utc_offset_min"] = s.utc_offset_min;
    j["gui"]["ui_scale"] = s.ui_scale;
  }
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) return std::unexpected("cannot write " + tmp.string());
  }
  fs::rename(tmp, path, ec);
  if (ec) return std::unexpected("cannot write " + path.string() + ": " + ec.message());
  return {};
}

}  // namespace lockdiag::app
