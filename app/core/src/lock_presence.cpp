#include "lockdiag/app/lock_presence.h"

namespace lockdiag::app {

std::vector<JobRecord> unfinished_jobs(const std::filesystem::path& store_path, const std::string& serial) {
  std::error_code ec;
  if (serial.empty() || store_path.empty() || !std::filesystem::exists(store_path, ec)) return {};
  auto store = JobStore::open(store_path);
  if (!store) return {};
  return unfinished_jobs(*store, serial);
}

std::vector<JobRecord> unfinished_jobs(JobStore& store, const std::string& serial) {
  if (serial.empty()) return {};
  auto jobs = store.jobs(serial);
  if (!jobs) return {};
  std::vector<JobRecord> out;
  for (auto& j : *jobs)
    if (j.state == JobState::kInterrupted || j.state == JobState::kRunning) out.push_back(std::move(j));
  return out;
}

std::string unfinished_advice(const std::vector<JobRecord>& jobs) {
  std::string out;
  for (const auto& j : jobs) {
    if (!out.empty()) out += "; ";
    // A job still marked running lost its process (killed, laptop slept): it resumes the same way.
    out += "job " + std::to_string(j.id) + " (" + j.kind + ", " + j.site + ") " +
           (j.state == JobState::kInterrupted ? "was interrupted" : "did not finish") +
           " on this lock: lockdiag job resume " + std::to_string(j.id);
  }
  return out;
}

PresenceEvent presence_event(const drivers::DeviceEvent& e, const std::filesystem::path& store_path) {
  PresenceEvent p;
  p.type = e.type == drivers::DeviceEvent::Type::kAdded ? PresenceEvent::Type::kArrived : PresenceEvent::Type::kLeft;
  p.device = e.device;
  const std::string who = "lock " + (e.device.serial.empty() ? std::string("(no serial)") : e.device.serial) + " at " +
                          e.device.uri;
  if (p.type == PresenceEvent::Type::kLeft) {
    p.text = who + " went away";
    return p;
  }
  p.unfinished = unfinished_jobs(store_path, e.device.serial);
  p.text = who + " arrived";
  if (!e.device.accessible) p.text += ", but cannot be opened: " + e.device.problem;
  if (const auto advice = unfinished_advice(p.unfinished); !advice.empty()) p.text += "; " + advice;
  return p;
}

LockPresence::LockPresence(Callback callback, std::filesystem::path store_path, drivers::DiscoveryOptions options,
                           int poll_interval_ms)
    : callback_(std::move(callback)), store_path_(std::move(store_path)) {
  watcher_ = std::make_unique<drivers::DeviceWatcher>(
      [this](const drivers::DeviceEvent& e) {
        if (callback_) callback_(presence_event(e, store_path_));
      },
      std::move(options), poll_interval_ms);
}

LockPresence::~LockPresence() { watcher_.reset(); }  // joins the watcher before the callback goes

}  // namespace lockdiag::app
