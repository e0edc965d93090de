// Who each slot's code belongs to, as far as this laptop's job store knows: "slot 1: Alice,
// user" in the slot table instead of a bare role. Labels only, never a code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "lockdiag/app/job_store.h"

namespace lockdiag::app {

struct SlotLabel {
  std::string label;   // the person a job enrolled there ("Alice", "admin")
  int64_t job_id = 0;  // the job that enrolled it
};

// The lock's jobs replayed in order, step by step as the store recorded them: a done
// enrollment (enroll_*, rotate_slot_*) names its slot, a done deletion (delete_slot_N)
// forgets it, a done factory reset forgets every slot. Steps that did not finish change
// nothing. A slot a code was enrolled in by hand at the lock, or on another laptop, is absent.
StoreResult<std::map<int, SlotLabel>> known_slot_labels(JobStore& store, const std::string& lock_serial);

// The same from the store at `store_path`. A store that does not exist is not created and knows
// nothing; one that cannot be read knows nothing either: labels help a read, never fail it.
std::map<int, SlotLabel> known_slot_labels(const std::filesystem::path& store_path, const std::string& lock_serial);

}  // namespace lockdiag::app
