// For virtual locks only: performs what a workflow asks of the person at the lock through
// lockfw-sim's control interface (`lockfw-sim ctl`), so demos, training runs and tests can
// complete a workflow with nobody at a keypad. The codes stay inside lockfw-sim: this only
// ever says "the owner of slot 3 types their code", never the code.
#pragma once

#include <filesystem>
#include <map>
#include <vector>
#include <string>

#include "lockdiag/app/operator.h"

namespace lockdiag::app {

class SimKeypadOperator final : public Operator {
 public:
  // socket: the virtual lock's service-port socket (the ctl socket is found from it).
  // persons: who types for a prompt's `person` (e.g. {"admin", "dana"}); unmapped names are
  // passed through as the scenario's person name.
  SimKeypadOperator(Operator& inner, std::filesystem::path sim_binary, std::filesystem::path socket,
                    std::map<std::string, std::string> persons = {});

  void step(int seq, const std::string& name, const std::string& state) override { inner_.step(seq, name, state); }
  void prompt(const LockPrompt& p) override;
  void progress(const std::string& what, size_t done, size_t total) override { inner_.progress(what, done, total); }
  void plan(int total_steps) override { inner_.plan(total_steps); }
  void countdown(LockPrompt::Action what, int seconds_left, int total_s) override {
    inner_.countdown(what, seconds_left, total_s);
  }
  void note(const std::string& text) override { inner_.note(text); }
  std::optional<bool> confirm(const std::string& key, const std::string& question) override {
    return inner_.confirm(key, question);
  }
  bool cancelled() const override { return inner_.cancelled(); }

  // Runs one control command; the reply line ("ok ..." / "error ...").
  std::string control(const std::vector<std::string>& words) const;
  const std::string& last_reply() const { return last_reply_; }

 private:
  Operator& inner_;
  std::filesystem::path binary_, socket_;
  std::map<std::string, std::string> persons_;
  std::string last_reply_;
};

// The name a virtual lock knows a person by: the label with anything but letters, digits, '.',
// '_' and '-' turned into '-', at most 16 characters ("Anna (tenant)" -> "Anna-tenant").
// A name the scenario does not have is a visitor, who gets a code of their own at the sim.
std::string sim_person_name(const std::string& label);

// The lockfw-sim control arguments that carry out a prompt (empty when there is nothing to do).
std::vector<std::string> sim_actions_for(const LockPrompt& p, const std::map<std::string, std::string>& persons);

}  // namespace lockdiag::app
