#include "lock_waits.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "lockdiag/app/read_session.h"

namespace lockdiag::app {

using Clock = std::chrono::steady_clock;

WorkflowError lock_error(const drivers::Error& e) { return WorkflowError{e.message, 0, true, e.kind}; }

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(100);
// A person at a keypad that misses keys (wet, low battery) tries again: so does the prompt.
constexpr auto kRepromptInterval = std::chrono::seconds(4);

// Polls `probe` until it returns a value, with progress, cancel, timeout and reconnects.
template <typename T, typename Env, typename Probe>
WorkflowResult<T> poll(Env& env, const std::string& what, Probe probe, const LockPrompt* prompt = nullptr) {
  const auto start = Clock::now();
  auto last_prompt = start;
  const auto limit = std::chrono::seconds(env.wait_timeout_s);
  for (;;) {
    if (env.op.cancelled())
      return std::unexpected(WorkflowError{"cancelled while waiting for " + what + "; resume the job to go on", 0, true,
                                           drivers::ErrorKind::kCancelled});
    std::optional<T> got;
    auto r = probe(got);
    if (!r) {
      if (r.error().kind != drivers::ErrorKind::kDisconnected || !env.reconnect_in_waits)
        return std::unexpected(lock_error(r.error()));
      env.op.note("The lock went away (cable?). Waiting for it to come back...");
      if (auto back = env.client.reconnect(env.wait_timeout_s * 1000); !back)
        return std::unexpected(lock_error(back.error()));
      env.op.note("The lock is back.");
      continue;
    }
    if (got) return std::move(*got);
    const auto waited = Clock::now() - start;
    if (waited > limit)
      return std::unexpected(WorkflowError{"nothing happened at the lock within " + std::to_string(env.wait_timeout_s) +
                                               " s while waiting for " + what + "; resume the job to try again",
                                           0, true, drivers::ErrorKind::kTimeout});
    const int waited_s = static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(waited).count());
    if (prompt) env.op.countdown(prompt->action, env.wait_timeout_s - waited_s, env.wait_timeout_s);  // "2:58 left"
    else env.op.progress(what, static_cast<size_t>(waited_s), static_cast<size_t>(env.wait_timeout_s));
    if (prompt && Clock::now() - last_prompt > kRepromptInterval) {
      LockPrompt again = *prompt;
      again.text = "Still waiting. " + again.text;
      env.op.prompt(again);
      last_prompt = Clock::now();
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace

namespace {

// What a wait for the session needs: a workflow's env, or a read command's (no job store).
struct SessionWait {
  drivers::Client& client;
  Operator& op;
  int wait_timeout_s;
  bool reconnect_in_waits;
};

template <typename Env>
WorkflowResult<drivers::SessionInfo> session_wait(Env& env) {
  auto now = env.client.session();
  if (!now) return std::unexpected(lock_error(now.error()));
  if (now->state != drivers::SessionState::kNone) return *now;
  // 1.4: arm this channel first, so the session the admin opens is this program's only
  // (a lock older than 1.4 is not asked). Another program armed first: stop with its words.
  auto arm = env.client.arm_session();
  if (!arm) return std::unexpected(lock_error(arm.error()));
  auto armed_at = Clock::now();
  // (every 10 s at most: after a reconnect the new channel is armed within that)
  const auto rearm = std::chrono::seconds(std::clamp(arm->timeout_s / 2, 1, 10));
  const LockPrompt prompt{LockPrompt::Action::kOpenSession, -1, "admin",
                          std::string(kOpenSessionAtLock) + " to open a service session."};
  env.op.prompt(prompt);
  auto r = poll<drivers::SessionInfo>(
      env, "a service session",
      [&](std::optional<drivers::SessionInfo>& out) -> drivers::Result<void> {
        if (arm->lock_binds && Clock::now() - armed_at > rearm) {  // keep the arm alive while we wait
          auto again = env.client.arm_session();
          if (!again) return std::unexpected(again.error());
          armed_at = Clock::now();
        }
        auto s = env.client.session();
        if (!s) return std::unexpected(s.error());
        if (s->state != drivers::SessionState::kNone) out = *s;
        return {};
      },
      &prompt);
  // Gave up (timeout, cancel): withdraw the arm, so the next lockdiag is not told "another
  // program is waiting" until it lapses (CLOSE_SESSION on an armed channel, docs/protocol.md 11).
  if (!r && arm->lock_binds && r.error().cause != drivers::ErrorKind::kDisconnected) (void)env.client.close_session();
  return r;
}

}  // namespace

WorkflowResult<drivers::SessionInfo> wait_for_session(WorkflowEnv& env) { return session_wait(env); }

WorkflowResult<drivers::SessionInfo> wait_for_read_session(drivers::Client& client, Operator& op, int wait_timeout_s) {
  SessionWait env{client, op, wait_timeout_s, true};
  auto r = session_wait(env);
  if (!r && r.error().cause == drivers::ErrorKind::kTimeout)  // there is no job to resume: say what to do
    r.error().message = "no service session was opened at the lock within " + std::to_string(wait_timeout_s) +
                        " s: run the command again (--wait-timeout gives more time); when it asks: " +
                        kOpenSessionAtLock;
  else if (!r && r.error().cause == drivers::ErrorKind::kCancelled)
    r.error().message = "cancelled while waiting for a service session; nothing was read";
  return r;
}

WorkflowResult<drivers::SessionInfo> wait_for_confirmation(WorkflowEnv& env, int ticket, const LockPrompt& prompt) {
  env.op.prompt(prompt);
  return poll<drivers::SessionInfo>(
      env, "the confirmation at the lock",
      [&](std::optional<drivers::SessionInfo>& out) -> drivers::Result<void> {
        auto s = env.client.session();
        if (!s) return std::unexpected(s.error());
        if (s->confirm_ticket == ticket && s->confirm_state != drivers::ConfirmState::kWaiting) {
          out = *s;  // a factory reset ends the session it was confirmed in: the outcome counts
          return {};
        }
        if (s->state == drivers::SessionState::kNone)
          return std::unexpected(
              drivers::Error{drivers::ErrorKind::kLockRefused, "the service session ended at the lock"});
        return {};
      },
      &prompt);
}

WorkflowResult<drivers::SessionInfo> wait_for_enrollment(WorkflowEnv& env, int slot, const LockPrompt& prompt) {
  env.op.prompt(prompt);
  return poll<drivers::SessionInfo>(
      env, "the new code at the keypad",
      [&](std::optional<drivers::SessionInfo>& out) -> drivers::Result<void> {
        auto s = env.client.session();
        if (!s) return std::unexpected(s.error());
        if (s->enroll_slot == slot &&
            (s->enroll_state == drivers::EnrollState::kCommitted || s->enroll_state == drivers::EnrollState::kAborted))
          out = *s;
        return {};
      },
      &prompt);
}

WorkflowResult<EntryResult> wait_for_entry(WorkflowEnv& env, int slot, uint32_t from_seq, const LockPrompt& prompt) {
  env.op.prompt(prompt);
  EntryResult result;
  uint32_t next = from_seq;
  return poll<EntryResult>(
      env, "the code at the keypad",
      [&](std::optional<EntryResult>& out) -> drivers::Result<void> {
        auto page = env.client.read_events(next);
        if (!page) return std::unexpected(page.error());
        next = page->next_seq;
        for (const auto& e : page->events) {
          if (e.type == drivers::EventType::kWrongCode) ++result.wrong_codes;
          if (!e.slot || *e.slot != slot) continue;
          if (e.type == drivers::EventType::kUnlockCode) {
            result.accepted = result.known = true;
            out = result;
            return {};
          }
          if (e.type == drivers::EventType::kRejected) {
            result.known = true;
            result.reason = e.reason;
            out = result;
            return {};
          }
        }
        if (result.wrong_codes >= 3) out = result;  // three misses: the person does not know this code
        return {};
      },
      &prompt);
}

}  // namespace lockdiag::app
