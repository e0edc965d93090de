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
  // How a customer reaches the company; printed in every report and PDF ("not recorded" when empty).
  std::string company_phone;
  std::string company_email;
  std::string company_address;
  // The GUI's own preferences, in the same file under "gui" (the CLI writes them back as it
  // read them). The CLI has no rule about them; they are here so that there is one file.
  std::string report_dir;  // where the GUI's reports go ("": the default)
  int utc_offset_min = 0;  // the laptop's offset the GUI's Settings page shows
  float ui_scale = 0;      // 0: from the display's DPI
  bool has_gui = false;    // the "gui" keys are set: read from the file, or the GUI's to write
};

// What is wrong with the contact details, in words ("" when they can go into a report): one
// line each, at most 200 bytes, an e-mail address with an @.
std::string contact_problem(const Settings& s);

std::filesystem::path settings_path();
// Missing file: empty settings. A damaged file is an error and is left as it is.
std::expected<Settings, std::string> load_settings(const std::filesystem::path& path = settings_path());
// Writes the keys above over the file's own: every key this version does not know (a newer
// CLI's, a newer GUI's) is kept as it was.
std::expected<void, std::string> save_settings(const Settings& s, const std::filesystem::path& path = settings_path());

}  // namespace lockdiag::app
