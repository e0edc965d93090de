// The Operator of a command-line run: steps and prompts on stderr, a progress bar on a
// terminal, questions asked on a terminal or answered from --answers FILE, never a hang.
#pragma once

#include <nlohmann/json.hpp>

#include "lockdiag/app/operator.h"

namespace lockdiag::cli {

class CliOperator final : public app::Operator {
 public:
  // answers: {"answers": {"keep.3": true, ...}} from --answers, or null.
  explicit CliOperator(nlohmann::json answers = nullptr);
  void step(int seq, const std::string& name, const std::string& state) override;
  void plan(int total_steps) override { total_steps_ = total_steps; }
  void countdown(app::LockPrompt::Action what, int seconds_left, int total_s) override;
  void prompt(const app::LockPrompt& p) override;
  void progress(const std::string& what, size_t done, size_t total) override;
  void note(const std::string& text) override;
  std::optional<bool> confirm(const std::string& key, const std::string& question) override;
  bool cancelled() const override;

 private:
  void end_progress_line();
  nlohmann::json answers_;
  bool tty_err_;
  bool tty_in_;
  bool progress_shown_ = false;
  int total_steps_ = 0;  // 0: not said yet
};

// Installs a SIGINT handler that asks running workflows to stop at the next safe point.
void install_interrupt_handler();

}  // namespace lockdiag::cli
