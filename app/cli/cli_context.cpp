#include "cli_context.h"

#include <cstdio>
#include <iostream>

namespace lockdiag::cli {

// In the library, not in main.cpp: every command file sets it, and a test that links one of
// them (the unity batches hold several) must find it.
int& command_exit_code() {
  static int code = kExitOk;
  return code;
}

ExitCode exit_code_for(drivers::ErrorKind kind) {
  using K = drivers::ErrorKind;
  switch (kind) {
    case K::kBadAddress: return kExitUsage;
    case K::kUnreachable:
    case K::kPermissionDenied:
    case K::kDisconnected: return kExitUnreachable;
    case K::kProtocol: return kExitProtocol;
    case K::kLockRefused: return kExitRefused;
    case K::kTimeout:
    case K::kCancelled: return kExitInterrupted;
    case K::kIo: return kExitFailure;
  }
  return kExitFailure;
}

int report_error(const GlobalOptions& g, ExitCode code, const std::string& message) {
  if (g.json) {
    nlohmann::json j{{"error", {{"message", message}, {"exit_code", static_cast<int>(code)}}},
                     {"schema_version", kJsonSchemaVersion}};
    std::cerr << j.dump() << "\n";
  } else {
    std::cerr << "lockdiag: " << message << "\n";
  }
  return code;
}

int report_error(const GlobalOptions& g, const drivers::Error& e) {
  return report_error(g, exit_code_for(e.kind), e.message);
}

void print_json(const nlohmann::json& j) {
  // Every --json object says which version of its shape it is (docs/cli-json.md).
  if (j.is_object() && !j.contains("schema_version")) {
    nlohmann::json v = j;
    v["schema_version"] = kJsonSchemaVersion;
    std::cout << v.dump(2) << "\n";
    return;
  }
  std::cout << j.dump(2) << "\n";
}

}  // namespace lockdiag::cli
