// How a workflow talks to the person running it. The CLI implements it with prompts or an
// answers file, the GUI with a wizard, the demo and the tests with lockfw-sim's control
// interface. Workflows never block on a person without a way out: every wait polls the lock,
// reports progress and honours cancel().
#pragma once

#include <atomic>
#include <optional>
#include <string>

namespace lockdiag::app {

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

class Operator {
 public:
  virtual ~Operator() = default;
  // A step starts or ends; for logs and the wizard's step list.
  virtual void step(int seq, const std::string& name, const std::string& state) = 0;
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
