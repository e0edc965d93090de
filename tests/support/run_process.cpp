#include "run_process.h"

#include <cstdlib>
#include <stdexcept>

namespace lockdiag::test {

std::filesystem::path bin_dir() {
  const char* d = std::getenv("LOCKDIAG_BIN_DIR");
  if (!d) throw std::runtime_error("LOCKDIAG_BIN_DIR is not set (run the tests through ctest)");
  return d;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "lockdiag-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace lockdiag::test
