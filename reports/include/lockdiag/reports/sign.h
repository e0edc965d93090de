#pragma once
// Signed report file: {"report":{...},"signature":{...}} in canonical form plus "\n".
#include <string>

#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/error.h"
#include "lockdiag/reports/model.h"

namespace lockdiag::reports {

// Validates the report, signs its canonical bytes and returns the file's bytes.
Result<std::string> sign_report(const Report& report, const SigningKey& key);

}  // namespace lockdiag::reports
