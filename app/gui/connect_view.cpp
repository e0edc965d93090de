// Connect: the locks reachable now, and virtual locks for training and demos.
#include "imgui.h"
#include "plain_words.h"
#include "ui.h"
#include "views.h"

namespace lockdiag::gui {

void draw_connect_view(GuiModel& m) {
  ui::Heading("Connect to a lock");
  // The list follows plugs and unplugs: the drivers' DeviceWatcher wakes the model.
  const auto& d = m.device();
  ui::TextWrapped(
      "Plug the USB service cable into the lock. Locks appear here when they are plugged in and "
      "disappear when unplugged.");
  ui::SeparatorText("Locks");
  if (m.devices().empty()) ui::TextDisabled("No lock found. Check the cable, or start a virtual lock below.");
  if (ImGui::BeginTable("devices", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    ui::TableSetupColumn("Lock", ImGuiTableColumnFlags_WidthStretch);
    ui::TableSetupColumn("Address", ImGuiTableColumnFlags_WidthStretch);
    ui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 8);
    ImGui::TableHeadersRow();
    int i = 0;
    for (const auto& dev : m.devices()) {
      ImGui::PushID(i++);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ui::TextUnformatted(dev.label);
      if (!dev.problem.empty()) ui::TextColored(ui::kWarn, "%s", dev.problem.c_str());
      const bool connected_here = d.uri == dev.uri && d.link == app::LinkState::kConnected;
      for (const auto& job : dev.unfinished) {
        // A job cut short by a pulled cable or a power cut waits for this lock: say so where
        // the locksmith plugs it in.
        const std::string id = std::to_string(job.id);
        ui::TextColored(ui::kWarn, "Job %s (%s, %s) did not finish on this lock.", id.c_str(),
                        plain_words(job.kind).c_str(), job.site.c_str());
        if (connected_here) {
          ImGui::SameLine();
          if (ui::SmallButton(("Resume job " + id).c_str())) m.resume_job(job.id);
        } else {
          ui::TextDisabled("Connect to resume it.");
        }
      }
      ImGui::TableNextColumn();
      ui::TextDisabled("%s", dev.uri.c_str());
      ImGui::TableNextColumn();
      const bool current = d.uri == dev.uri && d.link != app::LinkState::kNone;
      if (!dev.problem.empty()) {
        ui::TextDisabled("no access");
      } else if (current) {
        if (ui::SmallButton("Disconnect")) m.disconnect();
      } else if (ui::SmallButton("Connect")) {
        m.connect(dev.uri);
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }

  ui::SeparatorText("Virtual lock (training, demos)");
  ui::TextWrapped("A virtual lock runs the real lock firmware on this laptop. Pick a situation to practise on:");
  static int scenario = 0;
  const auto names = m.scenarios();
  std::vector<std::string> labels;
  for (const auto& n : names) labels.push_back(n.empty() ? "fresh lock (factory state)" : n);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
  ui::Combo("Scenario", &scenario, labels);
  ImGui::SameLine();
  if (ui::Button("Start a virtual lock")) m.start_virtual_lock(names[static_cast<size_t>(scenario)]);
  ImGui::SameLine();
  if (ui::SmallButton("Rescan")) m.rescan_devices();
  if (!m.connect_error.empty()) ui::TextColored(ui::kBad, "%s", m.connect_error.c_str());
  if (d.link == app::LinkState::kFailed) ui::TextColored(ui::kBad, "%s", d.error.c_str());
}

}  // namespace lockdiag::gui
