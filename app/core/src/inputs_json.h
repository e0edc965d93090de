// JobInputs <-> the job's params_json: what the technician asked for, kept so a resumed job
// does exactly what the interrupted one set out to do. Names and choices only, never a code.
#pragma once

#include <nlohmann/json.hpp>

#include "lockdiag/app/workflow.h"

namespace lockdiag::app {

nlohmann::json inputs_to_json(const JobInputs& in);
JobInputs inputs_from_json(const nlohmann::json& j);

nlohmann::json schedule_to_json(const drivers::Schedule& s);
drivers::Schedule schedule_from_json(const nlohmann::json& j);

}  // namespace lockdiag::app
