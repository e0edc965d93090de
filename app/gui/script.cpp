#include "script.h"

#include <sstream>

namespace lockdiag::gui {

namespace {

bool split_line(const std::string& line, std::vector<std::string>& out, std::string& err) {
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size() || line[i] == '#') break;
    std::string tok;
    if (line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '\\' && i + 1 < line.size()) {
          tok += line[i + 1];
          i += 2;
          continue;
        }
        if (line[i] == '"') {
          closed = true;
          ++i;
          break;
        }
        tok += line[i++];
      }
      if (!closed) {
        err = "unterminated quote";
        return false;
      }
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') tok += line[i++];
    }
    out.push_back(tok);
  }
  return true;
}

struct Arity {
  const char* verb;
  size_t min, max;
};
constexpr Arity kVerbs[] = {
    {"click", 1, 2},     {"view", 1, 1},      {"set", 2, 2},       {"connect", 1, 1},     {"wait_connected", 0, 1},
    {"wait_idle", 0, 1}, {"wait_text", 1, 2}, {"wait_step", 1, 2}, {"wait_prompt", 0, 1}, {"wait_done", 0, 1},
    {"answer", 1, 1},    {"assist", 0, 1},    {"expect", 1, 1},    {"sleep", 1, 1},       {"screenshot", 1, 1},
    {"quit", 0, 0},      {"probe", 1, 1},     {"key", 1, 1},
};

double timeout_arg(const ScriptAction& a, size_t index, double def) {
  if (a.args.size() <= index) return def;
  try {
    return std::stod(a.args[index]);
  } catch (...) {
    return def;
  }
}

}  // namespace

ParsedScript parse_script(const std::string& text) {
  ParsedScript p;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::vector<std::string> toks;
    std::string err;
    if (!split_line(line, toks, err)) {
      p.error = "line " + std::to_string(n) + ": " + err;
      return p;
    }
    if (toks.empty()) continue;
    ScriptAction a{toks[0], {toks.begin() + 1, toks.end()}, n};
    bool known = false;
    for (const auto& v : kVerbs) {
      if (a.verb != v.verb) continue;
      known = true;
      if (a.args.size() < v.min || a.args.size() > v.max) {
        p.error = "line " + std::to_string(n) + ": '" + a.verb + "' takes " + std::to_string(v.min) +
                  (v.max != v.min ? "-" + std::to_string(v.max) : "") + " argument(s)";
        return p;
      }
    }
    if (!known) {
      p.error = "line " + std::to_string(n) + ": unknown action '" + a.verb + "'";
      return p;
    }
    p.actions.push_back(std::move(a));
  }
  return p;
}

void ScriptRunner::fail(const ScriptAction& a, const std::string& why) {
  error_ = "script line " + std::to_string(a.line) + " (" + a.verb + "): " + why;
}

void ScriptRunner::tick(ScriptHost& host) {
  if (assist_ && !finished()) {
    host.simulate_prompt();
    if (assist_answer_ >= 0) host.answer(assist_answer_ == 1);
  }
  while (!finished()) {
    const ScriptAction& a = actions_[pc_];
    if (started_ms_ < 0) {
      started_ms_ = host.now_ms();
      log_.push_back(a.verb + (a.args.empty() ? "" : " " + a.args[0]));
    }
    if (!step(host, a)) return;
    ++pc_;
    started_ms_ = -1;
    clicking_ = false;
  }
}

bool ScriptRunner::step(ScriptHost& host, const ScriptAction& a) {
  const int64_t elapsed = host.now_ms() - started_ms_;
  auto timed_out = [&](size_t idx, double def_s) {
    return elapsed > static_cast<int64_t>(timeout_arg(a, idx, def_s) * 1000);
  };
  const std::string& v = a.verb;
  if (v == "click") {
    if (clicking_) return !host.click_in_progress();
    if (host.click(a.args[0])) {
      clicking_ = true;
      return false;
    }
    if (timed_out(1, 10)) fail(a, "no button '" + a.args[0] + "' was drawn");
    return false;
  }
  if (v == "view") {
    if (!host.set_view(a.args[0])) fail(a, "no view '" + a.args[0] + "'");
    return true;
  }
  if (v == "set") {
    if (!host.set_field(a.args[0], a.args[1])) fail(a, "no field '" + a.args[0] + "'");
    return true;
  }
  if (v == "connect") {
    host.connect(a.args[0]);
    return true;
  }
  if (v == "wait_connected") {
    if (host.connected()) return true;
    if (timed_out(0, 15)) fail(a, "the lock did not connect");
    return false;
  }
  if (v == "wait_idle") {
    if (host.device_idle()) return true;
    if (timed_out(0, 60)) fail(a, "device I/O still in flight");
    return false;
  }
  if (v == "wait_text") {
    if (host.text_drawn(a.args[0])) return true;
    if (timed_out(1, 30)) fail(a, "'" + a.args[0] + "' never appeared");
    return false;
  }
  if (v == "wait_step") {
    if (host.wizard_has_step(a.args[0])) return true;
    if (timed_out(1, 120)) fail(a, "the wizard never reached step '" + a.args[0] + "'");
    return false;
  }
  if (v == "wait_prompt") {
    if (host.wizard_prompting()) return true;
    if (timed_out(0, 120)) fail(a, "the wizard asked for nothing at the lock");
    return false;
  }
  if (v == "wait_done") {
    if (host.wizard_done()) return true;
    if (timed_out(0, 300)) fail(a, "the wizard did not finish");
    return false;
  }
  if (v == "answer") {
    if (a.args[0] != "yes" && a.args[0] != "no") {
      fail(a, "answer yes or no");
      return true;
    }
    if (host.answer(a.args[0] == "yes")) return true;
    if (timed_out(1, 120)) fail(a, "the wizard asked no question");
    return false;
  }
  if (v == "assist") {
    const std::string mode = a.args.empty() ? "" : a.args[0];
    if (mode != "" && mode != "yes" && mode != "no" && mode != "off") {
      fail(a, "assist takes yes, no or off");
      return true;
    }
    assist_ = mode != "off";
    assist_answer_ = mode == "yes" ? 1 : mode == "no" ? 0 : -1;
    return true;
  }
  if (v == "expect") {
    if (!host.text_drawn(a.args[0])) fail(a, "'" + a.args[0] + "' is not on screen");
    return true;
  }
  if (v == "sleep") return elapsed >= static_cast<int64_t>(timeout_arg(a, 0, 0));
  if (v == "screenshot" || v == "probe") {
    if (!clicking_) {
      if (!(v == "screenshot" ? host.screenshot(a.args[0]) : host.probe(a.args[0]))) {
        fail(a, "cannot write " + a.args[0]);
        return true;
      }
      clicking_ = true;
      return false;
    }
    if (host.capture_pending()) {
      if (timed_out(99, 30)) fail(a, "no frame was drawn for " + a.args[0]);
      return false;
    }
    if (const std::string e = host.capture_error(); !e.empty()) fail(a, e);
    return true;
  }
  if (v == "key") {
    if (!clicking_) {
      if (!host.key(a.args[0])) {
        fail(a, "no key '" + a.args[0] +
                    "' (tab, shift+tab, enter, escape, space, up, down, left, right, pageup, pagedown)");
        return true;
      }
      clicking_ = true;
      return false;
    }
    return !host.key_in_progress();
  }
  if (v == "quit") {
    quit_ = true;
    return true;
  }
  fail(a, "unknown action");
  return true;
}

int ScriptRunner::sleep_hint_ms(const ScriptHost& host) const {
  if (finished()) return -1;
  const ScriptAction& a = actions_[pc_];
  if (a.verb == "sleep" && started_ms_ >= 0) {
    const int64_t left = static_cast<int64_t>(timeout_arg(a, 0, 0)) - (host.now_ms() - started_ms_);
    return left > 0 ? static_cast<int>(left) : 0;
  }
  if (a.verb.rfind("wait_", 0) == 0) return 50;  // poll the model; the worker's notify wakes us sooner
  return 0;
}

}  // namespace lockdiag::gui
