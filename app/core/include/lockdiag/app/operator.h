// How a workflow talks to the person running it. The CLI implements it with prompts or an
// answers file, the GUI with a wizard, the demo and the tests with lockfw-sim's control
// interface. Workflows never block on a person without a way out: every wait polls the lock,
// reports progress and honours cancel().
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

namespace lockdiag::app {

// How a service session is opened, in the one wording the CLI, the GUI, the workflows and the
// findings use (a sentence without its full stop, so a caller can go on: "... to open a service session.").
inline constexpr char kOpenSessionAtLock[] = "At the lock: the owner types the admin code, then * 0 #";

// Something that must happen at the lock, by a person. `text` says it in plain words.
struct LockPrompt {
  enum class Action {
    kOpenSession,     // owner types the admin code then * 0 #
    kConfirmAtLock,   // owner types the admin code then # to confirm a pending change
    kTypeCode,        // the holder of `slot` types their code then # (live entry test)
    kEnrollCode,      // the new holder of `slot` types a new code then #, twice
    kNone,            // information only
  };
  Action action = Action::kNone;
  int slot = -1;
  std::string person;  // who, for the enrollment ("admin", a user's label)
  std::string text;
};

// What a wait at the lock is for, to end "2:58 left to ...": "type the code".
inline std::string_view countdown_doing(LockPrompt::Action a) {
  switch (a) {
    case LockPrompt::Action::kOpenSession: return "open the service session";
    case LockPrompt::Action::kConfirmAtLock: return "confirm at the lock";
    case LockPrompt::Action::kTypeCode: return "type the code";
    case LockPrompt::Action::kEnrollCode: return "type the new code";
    case LockPrompt::Action::kNone: break;
  }
  return "act at the lock";
}

// A wait at the lock as a person reads it: "2:58 left to type the code".
inline std::string countdown_words(LockPrompt::Action a, int seconds_left) {
  if (seconds_left < 0) seconds_left = 0;
  const int s = seconds_left % 60;
  return std::to_string(seconds_left / 60) + ":" + (s < 10 ? "0" : "") + std::to_string(s) + " left to " +
         std::string(countdown_doing(a));
}

class Operator {
 public:
  virtual ~Operator() = default;
  // A step starts or ends; for logs and the wizard's step list. `state`: "started", "checking",
  // "done", "failed", "paused: cable out" (the lock went away; the job resumes), "paused" (any
  // other stop a resume can finish).
  virtual void step(int seq, const std::string& name, const std::string& state) = 0;
  // How many steps the job plans in all, for "Step 5 of 14". Said before the first step and
  // again when what the lock holds changes the plan (codes to remove, codes kept by a reset).
  virtual void plan(int total_steps) { (void)total_steps; }
  // A wait at the lock with a deadline: shown as a countdown (countdown_words), not a bar.
  virtual void countdown(LockPrompt::Action what, int seconds_left, int total_s) {
    progress(countdown_words(what, seconds_left), static_cast<size_t>(total_s - seconds_left),
             static_cast<size_t>(total_s));
  }
  // Tell the technician what must happen at the lock now. The workflow then watches the
  // lock until it sees the effect, a timeout, or cancel().
  virtual void prompt(const LockPrompt& p) = 0;
  // Progress of a long read or a wait (total 0: unknown).
  virtual void progress(const std::string& what, size_t done, size_t total) = 0;
  // A line of information for the technician.
  virtual void note(const std::string& text) = 0;
  // A yes/no question with a key for answers files; nullopt when it cannot be answered
  // (no terminal, no answer in the file): the workflow stops and the job stays resumable.
  virtual std::optional<bool> confirm(const std::string& key, const std::string& question) = 0;
  // True once the technician asked to stop; the workflow leaves the job resumable.
  virtual bool cancelled() const = 0;
};

}  // namespace lockdiag::app
