#include "cli_operator.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "lockdiag/reports/visit.h"

namespace lockdiag::cli {

namespace {
volatile std::sig_atomic_t g_interrupted = 0;
void on_sigint(int) { g_interrupted = 1; }
}  // namespace

void install_interrupt_handler() { std::signal(SIGINT, on_sigint); }

CliOperator::CliOperator(nlohmann::json answers)
    : answers_(std::move(answers)), tty_err_(isatty(STDERR_FILENO)), tty_in_(isatty(STDIN_FILENO)) {}

void CliOperator::end_progress_line() {
  if (progress_shown_) std::cerr << "\r\033[K";
  progress_shown_ = false;
}

void CliOperator::step(int seq, const std::string& name, const std::string& state) {
  if (state == "checking") return;
  end_progress_line();
  // Plain words from core (reports/visit.h): "Step 5 of 14: Test the admin code", its purpose
  // on the next line when it starts, and how it ended: "Step 5 of 14: Test the admin code: done".
  std::string head = "  Step " + std::to_string(seq);
  if (total_steps_ >= seq) head += " of " + std::to_string(total_steps_);
  head += ": " + reports::step_title(name);
  if (state == "started") {
    const std::string purpose = reports::step_purpose(name);
    std::cerr << head << "\n";
    if (!purpose.empty()) std::cerr << "      (" << purpose << ")\n";
    return;
  }
  std::cerr << head << ": " << state << "\n";
}

void CliOperator::prompt(const app::LockPrompt& p) {
  end_progress_line();
  if (p.action == app::LockPrompt::Action::kNone) std::cerr << p.text << "\n";
  else std::cerr << "\n  >>> AT THE LOCK: " << p.text << "\n\n";
}

void CliOperator::progress(const std::string& what, size_t done, size_t total) {
  if (!tty_err_) return;  // a bar is for people; logs get the step lines
  constexpr int kWidth = 30;
  const int filled = total ? static_cast<int>(kWidth * std::min(done, total) / total) : 0;
  std::cerr << "\r\033[K  " << what << " [" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] "
            << done;
  if (total) std::cerr << "/" << total;
  std::cerr << std::flush;
  progress_shown_ = true;
}

void CliOperator::countdown(app::LockPrompt::Action what, int seconds_left, int total_s) {
  (void)total_s;
  if (!tty_err_) return;  // a countdown is for people; logs get the prompt and the step lines
  std::cerr << "\r\033[K  " << app::countdown_words(what, seconds_left) << std::flush;  // "2:58 left to ..."
  progress_shown_ = true;
}

void CliOperator::note(const std::string& text) {
  end_progress_line();
  std::cerr << "  " << text << "\n";
}

std::optional<bool> CliOperator::confirm(const std::string& key, const std::string& question) {
  end_progress_line();
  if (answers_.is_object() && answers_.contains("answers") && answers_["answers"].contains(key)) {
    const auto& a = answers_["answers"][key];
    if (a.is_boolean()) {
      std::cerr << "  " << question << " " << (a.get<bool>() ? "yes" : "no") << " (answers file)\n";
      return a.get<bool>();
    }
  }
  if (!tty_in_) return std::nullopt;  // no terminal to ask on: the caller says what is missing
  for (;;) {
    std::cerr << "  " << question << " [y/n] " << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    if (line == "y" || line == "yes" || line == "Y") return true;
    if (line == "n" || line == "no" || line == "N") return false;
  }
}

bool CliOperator::cancelled() const { return g_interrupted != 0; }

}  // namespace lockdiag::cli
