// How the wizards reach the core's workflows, and how "simulate at the lock" reaches a virtual
// lock. Kept apart so the views and the model do not depend on which of them this build has.
#pragma once

#include <functional>
#include <string>

#include "lockdiag/app/operator.h"
#include "wizard_model.h"

namespace lockdiag::gui {

// The core's run_job / resume_job behind the wizard; empty when this build has no workflows.
WorkflowRunner default_workflow_runner();

// Performs a prompted keypad action at a virtual lock (lockfw-sim's control interface);
// empty when this build's lockfw-sim has none.
std::function<bool(const app::LockPrompt&, const std::string& uri, std::string& message)> default_simulator();

}  // namespace lockdiag::gui
