// What every lockdiag command shares: the global options and how results leave the process.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "exit_codes.h"
#include "lockdiag/drivers/error.h"

namespace lockdiag::cli {

struct GlobalOptions {
  std::string device;  // --device URI
  bool json = false;   // --json: machine-readable stdout
  int timeout_ms = 2000;
};

// Prints "lockdiag: <message>" on stderr (or a JSON error object on stdout with --json)
// and returns the documented exit code for that kind of error.
int report_error(const GlobalOptions& g, const drivers::Error& e);
int report_error(const GlobalOptions& g, ExitCode code, const std::string& message);
ExitCode exit_code_for(drivers::ErrorKind kind);

// Version of the shape of every --json output (docs/cli-json.md); print_json adds it as
// "schema_version" to every object it prints.
inline constexpr int kJsonSchemaVersion = 1;
void print_json(const nlohmann::json& j);

}  // namespace lockdiag::cli
