// UI scripts: a list of actions (click a named button, wait for a wizard step, take a
// screenshot) that `lockdiag-gui --script FILE`, the headless tests and the docs share.
// No ImGui here: the runner drives a ScriptHost, which the frame loop implements.
//
// One action a line; '#' starts a comment; arguments with spaces go in double quotes.
//   click LABEL [TIMEOUT_S]      press the button (or tab, or row) labelled LABEL
//   view NAME                    connect | dashboard | slots | events | wizard | jobs | settings
//   set FIELD VALUE              fill a form field (site, customer, complaint_slot, keep_slots,
//                                technician, company, slot_filter, event_slot, ...; enroll.N.label,
//                                enroll.N.schedule, enroll.N.days ... for person N to enroll)
//   connect URI                  connect to a lock
//   wait_connected [TIMEOUT_S]   until the lock answered its identity
//   wait_idle [TIMEOUT_S]        until no device I/O is in flight
//   wait_text TEXT [TIMEOUT_S]   until TEXT appears in what the last frame drew
//   wait_step NAME [TIMEOUT_S]   until the wizard shows step NAME (finished or not)
//   wait_prompt [TIMEOUT_S]      until the wizard asks for something at the lock
//   wait_done [TIMEOUT_S]        until the wizard finished
//   answer yes|no                answer the wizard's question
//   assist [yes|no|off]          from now on, while the script waits: press "Simulate at the
//                                lock" for every new prompt (virtual locks) and answer every
//                                question yes / no (assist alone: simulate only; off: stop)
//   expect TEXT                  fail unless the last frame drew TEXT
//   sleep MS                     do nothing (the app sleeps too)
//   screenshot FILE              write the window as PNG: this frame (settled), before the
//                                next action runs
//   probe FILE                   write what this frame laid out (layout_probe.h), likewise
//   key NAME                     press a key: tab, shift+tab, enter, escape, space, up, down,
//                                left, right, pageup, pagedown
//   quit                         leave with exit code 0 (1 if an action failed)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockdiag::gui {

struct ScriptAction {
  std::string verb;
  std::vector<std::string> args;
  int line = 0;
};

struct ParsedScript {
  std::vector<ScriptAction> actions;
  std::string error;  // empty when the whole script parsed
};
ParsedScript parse_script(const std::string& text);

class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  // Starts a synthetic click on the widget labelled `label` as drawn in the last frame; false
  // when no such widget was drawn.
  virtual bool click(const std::string& label) = 0;
  virtual bool click_in_progress() const = 0;
  virtual bool text_drawn(const std::string& text) const = 0;
  virtual bool set_view(const std::string& name) = 0;
  virtual bool set_field(const std::string& field, const std::string& value) = 0;
  virtual void connect(const std::string& uri) = 0;
  virtual bool connected() const = 0;
  virtual bool device_idle() const = 0;
  virtual bool wizard_has_step(const std::string& name) const = 0;
  virtual bool wizard_prompting() const = 0;
  virtual bool wizard_done() const = 0;
  virtual bool answer(bool yes) = 0;
  // Acts at the virtual lock for the current prompt if it is new; true when it did.
  virtual bool simulate_prompt() = 0;
  virtual bool screenshot(const std::string& file) = 0;
  // A capture (screenshot, probe) asked for is not written yet: the runner waits for it, so
  // the file shows the frame the script names, not a later action's.
  virtual bool capture_pending() { return false; }
  virtual std::string capture_error() const { return ""; }
  virtual bool probe(const std::string& file) = 0;
  // Starts a synthetic key press; false for an unknown key name.
  virtual bool key(const std::string& name) = 0;
  virtual bool key_in_progress() const = 0;
  virtual int64_t now_ms() const = 0;
};

class ScriptRunner {
 public:
  ScriptRunner() = default;
  explicit ScriptRunner(std::vector<ScriptAction> actions) : actions_(std::move(actions)) {}

  // Runs actions until one has to wait (for a later frame) or the script ends.
  void tick(ScriptHost& host);
  bool finished() const { return pc_ >= actions_.size() || quit_ || !error_.empty(); }
  bool quit_requested() const { return quit_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  // How long the app may sleep before the next tick is useful (ms); 0: tick every frame.
  int sleep_hint_ms(const ScriptHost& host) const;
  const std::vector<std::string>& log() const { return log_; }
  const ScriptAction* current() const { return finished() ? nullptr : &actions_[pc_]; }

 private:
  bool step(ScriptHost& host, const ScriptAction& a);  // true: done, move on
  void fail(const ScriptAction& a, const std::string& why);
  std::vector<ScriptAction> actions_;
  size_t pc_ = 0;
  int64_t started_ms_ = -1;  // when the current action started
  bool clicking_ = false;  // the current action started its click / key / capture
  bool quit_ = false;
  bool assist_ = false;          // simulate prompts while waiting
  int assist_answer_ = -1;       // -1: do not answer; 0 no; 1 yes
  std::string error_;
  std::vector<std::string> log_;
};

}  // namespace lockdiag::gui
