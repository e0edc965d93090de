#pragma once
// Report model <-> JSON, with the schema checks of docs/report-format.md.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lockdiag/reports/error.h"
#include "lockdiag/reports/model.h"

namespace lockdiag::reports {

// Checks every rule of the schema that a model can break (formats, ranges, consistency,
// destructive steps confirmed at the lock). Messages name the field ("before.slots[2].count").
Result<void> validate(const Report& report);

// Model -> JSON value. Does not validate; canonical_report() does.
nlohmann::json to_json(const Report& report);

// JSON value -> model. Strict: unknown keys, missing keys and wrong types are errors.
Result<Report> from_json(const nlohmann::json& value);

// validate() + the canonical bytes of the report body (what the signature covers).
Result<std::string> canonical_report(const Report& report);

// Parse an unsigned report body from a file's bytes (any whitespace and key order).
Result<Report> parse_report_body(std::string_view bytes);

}  // namespace lockdiag::reports
