#include "support.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "lockdiag/reports/canonical.h"
#include "lockdiag/reports/codec.h"

namespace lockdiag::test {

namespace fs = std::filesystem;
using namespace lockdiag::reports;

namespace {

// Before any test runs, the whole process gets a private XDG_DATA_HOME and HOME, so even a
// test that forgets TempHome cannot read or create keys in the real home.
struct ProcessSandbox {
  fs::path dir;
  ProcessSandbox() {
    std::string tmpl = (fs::temp_directory_path() / "lockdiag-reports-sandbox-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) std::abort();
    dir = tmpl;
    setenv("XDG_DATA_HOME", dir.c_str(), 1);
    setenv("HOME", dir.c_str(), 1);
  }
  ~ProcessSandbox() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};
const ProcessSandbox sandbox;

}  // namespace

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

std::string sample_bytes() { return read_file(LOCKDIAG_SAMPLE_REPORT); }

Report sample_report() {
  auto r = parse_report_body(sample_bytes());
  if (!r) throw std::runtime_error("sample report does not parse: " + r.error().message);
  return *r;
}

TempHome::TempHome() {
  std::string tmpl = (fs::temp_directory_path() / "lockdiag-reports-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  if (const char* x = std::getenv("XDG_DATA_HOME")) had_xdg_ = true, old_xdg_ = x;
  if (const char* h = std::getenv("HOME")) had_home_ = true, old_home_ = h;
  setenv("XDG_DATA_HOME", dir_.c_str(), 1);
  setenv("HOME", dir_.c_str(), 1);
}

TempHome::~TempHome() {
  if (had_xdg_) setenv("XDG_DATA_HOME", old_xdg_.c_str(), 1);
  else unsetenv("XDG_DATA_HOME");
  if (had_home_) setenv("HOME", old_home_.c_str(), 1);
  else unsetenv("HOME");
  std::error_code ec;
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(dir_, ec);
}

SigningKey fixed_key(unsigned char fill) {
  std::array<unsigned char, kSeedBytes> seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<unsigned char>(fill + i);
  auto k = SigningKey::from_seed(seed);
  if (!k) throw std::runtime_error(k.error().message);
  return std::move(*k);
}

void install_fixed_key(const TempHome& home) {
  const SigningKey key = fixed_key();
  std::array<unsigned char, kSeedBytes> seed{};
  key.seed(seed);
  const nlohmann::json doc = {{"format", "lockdiag-secret-key/1"},
                              {"alg", "ed25519"},
                              {"created_at", "2026-11-20T12:00:00Z"},
                              {"key_id", key.public_key().key_id()},
                              {"public_key", key.public_key().hex()},
                              {"secret", {{"kind", "plain"}, {"seed", to_hex(seed)}}}};
  fs::create_directories(home.keys_dir());
  chmod(home.keys_dir().c_str(), 0700);
  const auto path = home.keys_dir() / "technician.key";
  write_file(path, canonical(doc).value() + "\n");
  chmod(path.c_str(), 0600);
}

Run run(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  const fs::path out = fs::temp_directory_path() / ("lockdiag-run-out-" + std::to_string(getpid()));
  const fs::path err = fs::temp_directory_path() / ("lockdiag-run-err-" + std::to_string(getpid()));
  const pid_t pid = fork();
  if (pid == 0) {
    const int in = open("/dev/null", O_RDONLY);
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0), dup2(o, 1), dup2(e, 2);
    for (const auto& kv : env) putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  Run r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out);
  r.err = read_file(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

Run cli(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::vector<std::string> argv{LOCKDIAG_REPORTS_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, env);
}

std::string pdf_text(const std::string& pdf_bytes) {
  const fs::path p = fs::temp_directory_path() / ("lockdiag-pdf-" + std::to_string(getpid()) + ".pdf");
  write_file(p, pdf_bytes);
  Run r = run({"/usr/bin/pdftotext", "-enc", "UTF-8", p.string(), "-"});
  fs::remove(p);
  if (r.exit_code != 0) throw std::runtime_error("pdftotext failed: " + r.err);
  return r.out;
}

const std::vector<std::string>& seeded_codes() {
  static const std::vector<std::string> codes{"5317", "740219", "3916482", "88027713", "6604185293"};
  return codes;
}

std::string first_code_found(const std::string& haystack) {
  // A code shows up as a run of digits of its own: "5317" in "code 5317" counts, the
  // digits of "53172 bytes" or of a timestamp do not (they are another number).
  std::size_t i = 0;
  while (i < haystack.size()) {
    if (haystack[i] < '0' || haystack[i] > '9') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < haystack.size() && haystack[j] >= '0' && haystack[j] <= '9') ++j;
    const std::string_view run(haystack.data() + i, j - i);
    for (const auto& c : seeded_codes())
      if (run == c) return c;
    i = j;
  }
  return {};
}

}  // namespace lockdiag::test
