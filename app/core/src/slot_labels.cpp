#include "lockdiag/app/slot_labels.h"

#include <nlohmann/json.hpp>

namespace lockdiag::app {

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

StoreResult<std::map<int, SlotLabel>> known_slot_labels(JobStore& store, const std::string& lock_serial) {
  std::map<int, SlotLabel> known;
  if (lock_serial.empty()) return known;  // jobs("") would be every lock's
  auto jobs = store.jobs(lock_serial);
  if (!jobs) return std::unexpected(jobs.error());
  for (const auto& job : *jobs) {  // oldest first: a later job's step wins
    auto steps = store.steps(job.id);
    if (!steps) return std::unexpected(steps.error());
    for (const auto& step : *steps) {
      if (step.state != StepState::kDone) continue;
      if (step.name == "factory_reset") {
        known.clear();
        continue;
      }
      const auto detail = nlohmann::json::parse(step.detail_json, nullptr, false);
      if (detail.is_discarded() || !detail.is_object() || !detail.contains("slot") ||
          !detail.at("slot").is_number_integer())
        continue;
      const int slot = detail.at("slot").get<int>();
      if (starts_with(step.name, "delete_slot_")) {
        known.erase(slot);
      } else if ((starts_with(step.name, "enroll_") || starts_with(step.name, "rotate_slot_")) &&
                 detail.contains("person") && detail.at("person").is_string()) {
        known[slot] = {detail.at("person").get<std::string>(), job.id};
      }
    }
  }
  return known;
}

std::map<int, SlotLabel> known_slot_labels(const std::filesystem::path& store_path, const std::string& lock_serial) {
  std::error_code ec;
  if (lock_serial.empty() || store_path.empty() || !std::filesystem::exists(store_path, ec)) return {};
  auto store = JobStore::open(store_path);
  if (!store) return {};
  return known_slot_labels(*store, lock_serial).value_or(std::map<int, SlotLabel>{});
}

}  // namespace lockdiag::app
