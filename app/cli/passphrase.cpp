#include "passphrase.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace lockdiag::cli {
namespace {

std::optional<std::string> read_hidden(const char* prompt) {
  std::cerr << prompt << std::flush;
  termios old{};
  const bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  std::cerr << "\n";
  if (!got) return std::nullopt;
  return line;
}

}  // namespace

std::optional<std::string> obtain_passphrase(bool choose, std::string* error) {
  if (const char* env = std::getenv("LOCKDIAG_KEY_PASSPHRASE")) return std::string(env);
  if (!isatty(STDIN_FILENO)) return std::nullopt;
  if (!choose) return read_hidden("Passphrase for the technician key: ");
  auto first = read_hidden("New passphrase for the technician key (empty for none): ");
  if (!first || first->empty()) return first;
  auto again = read_hidden("Repeat the passphrase: ");
  if (!again || *again != *first) {
    *error = "the two passphrases differ; nothing was created";
    return std::nullopt;
  }
  return first;
}

}  // namespace lockdiag::cli
