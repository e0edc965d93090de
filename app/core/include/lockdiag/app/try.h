// LOCKDIAG_TRY(var, expr): the one early return of app/core. expr yields a std::expected; when it
// holds an error, the enclosing function returns that error (as std::unexpected, which converts to
// any std::expected with the same error type); otherwise var is that expected, holding its value.
#pragma once

#include <expected>
#include <utility>

// NOLINTBEGIN(bugprone-macro-parentheses): var is a name being declared, it cannot be parenthesized
#define LOCKDIAG_TRY(var, expr) \
  auto var = (expr);            \
  if (!var) return std::unexpected(std::move(var.error()))
// NOLINTEND(bugprone-macro-parentheses)
