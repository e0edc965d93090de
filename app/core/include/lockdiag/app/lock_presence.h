// Plug and unplug as a service call sees them: which lock came or went, and whether this laptop
// has unfinished work on it (a job interrupted by a pulled cable or a power cut, waiting to be
// resumed). The drivers' DeviceWatcher notices the change; this turns it into something a
// technician can act on, for the CLI (`lockdiag devices --watch`) and the GUI alike.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lockdiag/app/job_store.h"
#include "lockdiag/drivers/discovery.h"

namespace lockdiag::app {

struct PresenceEvent {
  enum class Type { kArrived, kLeft };
  Type type = Type::kArrived;
  drivers::DeviceInfo device;
  std::vector<JobRecord> unfinished;  // this lock's jobs that are interrupted or were running
  std::string text;                   // one line for the technician
};

// The jobs in the store at `store_path` on `serial` that are not finished. A store that does
// not exist yet (or cannot be read) has none; looking never creates or changes it.
std::vector<JobRecord> unfinished_jobs(const std::filesystem::path& store_path, const std::string& serial);
// The same in a store already open (the GUI's).
std::vector<JobRecord> unfinished_jobs(JobStore& store, const std::string& serial);

PresenceEvent presence_event(const drivers::DeviceEvent& e, const std::filesystem::path& store_path);

// What to do about a lock's unfinished jobs: "job 3 (handoff_audit) was interrupted on this
// lock: lockdiag job resume 3"; empty when there are none.
std::string unfinished_advice(const std::vector<JobRecord>& jobs);

// Watches for locks coming and going and reports PresenceEvents on the watcher's thread.
class LockPresence {
 public:
  using Callback = std::function<void(const PresenceEvent&)>;
  LockPresence(Callback callback, std::filesystem::path store_path, drivers::DiscoveryOptions options = {},
               int poll_interval_ms = 250);
  ~LockPresence();
  LockPresence(const LockPresence&) = delete;
  LockPresence& operator=(const LockPresence&) = delete;

 private:
  Callback callback_;
  std::filesystem::path store_path_;
  std::unique_ptr<drivers::DeviceWatcher> watcher_;
};

}  // namespace lockdiag::app
