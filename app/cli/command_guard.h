// Runs a command body so that nothing it throws escapes into CLI11's parse loop: an
// unexpected exception becomes a message on stderr and exit code 1.
#pragma once

#include <exception>
#include <iostream>

#include "exit_codes.h"

namespace lockdiag::cli {

template <class F>
int guarded(F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << "lockdiag: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace lockdiag::cli
