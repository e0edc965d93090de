// --json may be given on the command itself or on any parent (lockdiag --json report verify).
#pragma once

#include <CLI/CLI.hpp>

namespace lockdiag::cli {

inline bool json_requested(const CLI::App& sub, bool local) {
  if (local) return true;
  for (const CLI::App* app = sub.get_parent(); app != nullptr; app = app->get_parent())
    if (const CLI::Option* o = app->get_option_no_throw("--json"); o != nullptr && o->count() > 0) return true;
  return false;
}

}  // namespace lockdiag::cli
