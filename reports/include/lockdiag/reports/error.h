#pragma once
// Errors are values at the reports module boundary: no exception crosses it.
#include <expected>
#include <string>

namespace lockdiag::reports {

// A message a technician can act on: what went wrong and, where we know it, what to do.
struct Error {
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) { return std::unexpected<Error>(Error{std::move(message)}); }

}  // namespace lockdiag::reports
