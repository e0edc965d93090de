#include "lockdiag/app/sim_keypad.h"

#include "lockdiag/app/process.h"

namespace lockdiag::app {

SimKeypadOperator::SimKeypadOperator(Operator& inner, std::filesystem::path sim_binary, std::filesystem::path socket,
                                     std::map<std::string, std::string> persons)
    : inner_(inner), binary_(std::move(sim_binary)), socket_(std::move(socket)), persons_(std::move(persons)) {}

std::string sim_person_name(const std::string& label) {
  std::string out;
  for (char c : label) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (ok) out += c;
    else if (!out.empty() && out.back() != '-') out += '-';
    if (out.size() == 16) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "visitor" : out;
}

std::vector<std::string> sim_actions_for(const LockPrompt& p, const std::map<std::string, std::string>& persons) {
  auto who = [&](const std::string& name) {
    const auto it = persons.find(name);
    return it == persons.end() ? sim_person_name(name) : it->second;
  };
  switch (p.action) {
    case LockPrompt::Action::kOpenSession: return {"open-session"};
    case LockPrompt::Action::kConfirmAtLock: return {"confirm"};
    case LockPrompt::Action::kTypeCode: return {"type-code", std::to_string(p.slot), "#"};
    case LockPrompt::Action::kEnrollCode: return {"enroll-person", who(p.person)};
    case LockPrompt::Action::kNone: return {};
  }
  return {};
}

std::string SimKeypadOperator::control(const std::vector<std::string>& words) const {
  std::vector<std::string> argv{binary_.string(), "ctl", "--socket", socket_.string()};
  argv.insert(argv.end(), words.begin(), words.end());
  const auto r = run_process(argv);
  std::string reply = r.out.empty() ? r.err : r.out;
  while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r')) reply.pop_back();
  return reply;
}

void SimKeypadOperator::prompt(const LockPrompt& p) {
  inner_.prompt(p);
  const auto words = sim_actions_for(p, persons_);
  if (words.empty()) return;
  last_reply_ = control(words);
  inner_.note("[virtual lock] " + last_reply_);
}

}  // namespace lockdiag::app
