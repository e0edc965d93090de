// End-to-end harness: a private virtual lock, a private job store, key and report directory,
// and the lockdiag CLI run against them as a technician would. Collects every byte the tool
// prints so the leak scan sees it all.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lockdiag/app/sim_process.h"
#include "run_process.h"

namespace lockdiag::test {

class Visit {
 public:
  explicit Visit(const std::string& scenario);
  ~Visit();

  // lockdiag --device <this lock> ARGS...; env adds to the private XDG environment.
  ProcessResult lockdiag(const std::vector<std::string>& args, const std::vector<std::string>& env = {});
  // A workflow command with the usual technician, site and customer, keypad played by the sim.
  ProcessResult workflow(const std::string& command, std::vector<std::string> args,
                         const std::vector<std::string>& env = {});
  std::string ctl(const std::vector<std::string>& words);

  nlohmann::json slots();  // the session opened at the (virtual) keypad for this read
  nlohmann::json job(int64_t id);
  std::vector<std::string> finding_codes(int64_t id);

  const std::string& scenario() const { return scenario_; }
  std::string store_path() const;
  std::string report_dir() const;
  std::string all_output() const { return output_; }
  const app::SimProcess& sim() const { return *sim_; }
  void restart_lock();  // power off and on again from the same state file

 private:
  std::string scenario_;
  TempDir dir_;
  std::unique_ptr<app::SimProcess> sim_;
  std::string output_;
};

bool has(const std::vector<std::string>& v, const std::string& x);
// The job id a `--json` workflow run printed.
int64_t job_id_of(const ProcessResult& r);
// Invariant 1: no code value of the scenario in anything the tool wrote or printed, nor in the
// virtual lock's flash.
// visitors: persons the scenario does not have who enrolled at the virtual lock (their codes too).
void check_no_code_leaks(Visit& v, const std::vector<std::string>& visitors = {});
void check_report_verifies(Visit& v, const nlohmann::json& outcome);
std::vector<int> slots_where(const nlohmann::json& slots, const std::function<bool(const nlohmann::json&)>& pred);

}  // namespace lockdiag::test
