// The technician's profile, shared by the CLI and the GUI: $XDG_CONFIG_HOME/lockdiag/settings.json.
#pragma once

#include <expected>
#include <filesystem>
#include <string>

namespace lockdiag::app {

struct Settings {
  std::string technician;
  std::string company;
  std::string licence;
};

std::filesystem::path settings_path();
// Missing file: empty settings. A damaged file is an error and is left as it is.
std::expected<Settings, std::string> load_settings(const std::filesystem::path& path = settings_path());
std::expected<void, std::string> save_settings(const Settings& s, const std::filesystem::path& path = settings_path());

}  // namespace lockdiag::app
