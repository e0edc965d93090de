// The script host: how a ScriptRunner acts on the GUI. The windowed app and the headless tests
// use the same one; only screenshots differ (the app reads the renderer's pixels).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "gui_model.h"
#include "script.h"

namespace lockdiag::gui {

class GuiHost final : public ScriptHost {
 public:
  explicit GuiHost(GuiModel& m) : m_(m), t0_(std::chrono::steady_clock::now()) {}

  // Writes the frame after the next one is drawn; the app sets this.
  std::function<bool(const std::string& file)> screenshot_fn;

  bool click(const std::string& label) override;
  bool click_in_progress() const override;
  bool text_drawn(const std::string& text) const override;
  bool set_view(const std::string& name) override;
  bool set_field(const std::string& field, const std::string& value) override;
  void connect(const std::string& uri) override { m_.connect(uri); }
  bool connected() const override;
  bool device_idle() const override;
  bool wizard_has_step(const std::string& name) const override;
  bool wizard_prompting() const override;
  bool wizard_done() const override;
  bool answer(bool yes) override;
  bool simulate_prompt() override;
  bool screenshot(const std::string& file) override;
  // The app sets this: true while a screenshot asked for is not yet written.
  std::function<bool()> screenshot_pending_fn;
  bool capture_pending() override;
  std::string capture_error() const override { return capture_error_; }
  bool probe(const std::string& file) override;
  bool key(const std::string& name) override;
  bool key_in_progress() const override;
  int64_t now_ms() const override;

 private:
  GuiModel& m_;
  std::chrono::steady_clock::time_point t0_;
  std::string last_prompt_;  // the prompt assist last acted on
  std::string probe_file_, capture_error_;
  long probe_after_frame_ = 0;  // the probe is written once this frame has been drawn
};

}  // namespace lockdiag::gui
