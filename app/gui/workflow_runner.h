// How the wizards reach the core's workflows, and how "simulate at the lock" and the scenario
// list reach lockfw-sim. Kept apart so the views and the model do not depend on which of them
// this build has.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "lockdiag/app/operator.h"
#include "wizard_model.h"

namespace lockdiag::gui {

// The core's run_job / resume_job behind the wizard; empty when this build has no workflows.
WorkflowRunner default_workflow_runner();

// Performs a prompted keypad action at a virtual lock through lockfw-sim's control interface
// (`lockfw-sim ctl --socket PATH open-session|confirm|type-code N|enroll-person NAME`).
// Blocks for the action: call it off the UI thread.
std::function<bool(const app::LockPrompt&, const std::string& uri, std::string& message)> default_simulator();

// lockfw-sim next to this program (or in $LOCKDIAG_BIN_DIR).
std::filesystem::path sim_binary();
// `lockfw-sim --list-scenarios`: the names, or none when this lockfw-sim has no scenarios.
std::vector<std::string> list_scenarios(const std::filesystem::path& binary);

// Runs a program and captures its standard output (the GUI's only child processes are

}  // namespace lockdiag::gui
