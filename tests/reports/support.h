// Shared helpers of the reports tests: the sample report, a private temporary data dir,
// a fixed signing key, running a program and extracting a PDF's text.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/model.h"

namespace lockdiag::test {

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& bytes);
std::string sample_bytes();
lockdiag::reports::Report sample_report();

// A fresh directory used as XDG_DATA_HOME and HOME while it lives: tests never touch the
// real home. Removed with its contents at the end.
class TempHome {
 public:
  TempHome();
  ~TempHome();
  TempHome(const TempHome&) = delete;
  TempHome& operator=(const TempHome&) = delete;
  const std::filesystem::path& path() const { return dir_; }
  std::filesystem::path keys_dir() const { return dir_ / "lockdiag" / "keys"; }

 private:
  std::filesystem::path dir_;
  std::string old_xdg_, old_home_;
  bool had_xdg_ = false, had_home_ = false;
};

// Always the same key, so signatures and hashes in the outputs are the same on every run.
lockdiag::reports::SigningKey fixed_key(unsigned char fill = 7);
// Installs fixed_key() as the technician key under `home` (unsealed), as the docs describe.
void install_fixed_key(const TempHome& home);

struct Run {
  int exit_code = -1;
  std::string out, err;
};
// Runs argv with stdin from /dev/null and extra environment entries ("NAME=value").
Run run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
Run cli(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

std::string pdf_text(const std::string& pdf_bytes);

// Code values a lock in these tests holds. None may appear in anything the tool produces.
const std::vector<std::string>& seeded_codes();
// The first seeded code found as a whole run of digits in `haystack`, or "".
std::string first_code_found(const std::string& haystack);

}  // namespace lockdiag::test

// The reports tests name these helpers test::..., beside lockdiag::reports they import whole.
namespace test = lockdiag::test;
