// The CLI's --enroll and --rotate syntax is the core's (lockdiag/app/enroll_spec.h), which the
// GUI's enroll form shares.
#pragma once

#include "lockdiag/app/enroll_spec.h"

namespace lockdiag::cli {

using app::parse_enroll_spec;
using app::parse_local_time;
using app::parse_rotate_spec;
using app::parse_schedule;

}  // namespace lockdiag::cli
