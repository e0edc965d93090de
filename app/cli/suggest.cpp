#include "suggest.h"

#include <algorithm>
#include <cstring>

namespace lockdiag::cli {

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      // a transposition ("stauts") counts as one edit
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev[j - 1]);
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::optional<std::string> closest_name(const std::string& word, const std::vector<std::string>& names) {
  std::optional<std::string> best;
  size_t best_d = 3;
  for (const auto& n : names) {
    const size_t d = edit_distance(word, n);
    if (d < best_d) best_d = d, best = n;
  }
  if (best) return best;
  std::vector<std::string> prefixed;
  for (const auto& n : names)
    if (word.size() >= 2 && n.rfind(word, 0) == 0) prefixed.push_back(n);
  if (prefixed.size() == 1) return prefixed[0];
  return std::nullopt;
}

std::optional<std::string> unknown_command_message(const CLI::App& app, int argc, const char* const* argv) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") return std::nullopt;
    if (a.size() > 1 && a[0] == '-') {
      // A global option that takes a value in the next word (no '=' given).
      if (a.find('=') == std::string::npos) {
        if (const CLI::Option* o = app.get_option_no_throw(a);
            o && o->get_type_size() != 0 && o->get_expected_min() > 0)
          ++i;
      }
      continue;
    }
    if (std::find(names.begin(), names.end(), a) != names.end()) return std::nullopt;
    std::string msg = "unknown command '" + a + "'";
    if (auto s = closest_name(a, names)) msg += "; did you mean '" + *s + "'?";
    else msg += "; 'lockdiag --help' lists the commands";
    return msg;
  }
  return std::nullopt;
}

}  // namespace lockdiag::cli
