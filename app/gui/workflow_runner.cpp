#include "workflow_runner.h"

namespace lockdiag::gui {

// The core's workflows (app/core workflow.h: run_job / resume_job) are wired here once they are
// in the build; until then the wizard says so instead of pretending.
WorkflowRunner default_workflow_runner() { return {}; }

std::function<bool(const app::LockPrompt&, const std::string&, std::string&)> default_simulator() { return {}; }

}  // namespace lockdiag::gui
