// `rnnconf exporter-ci`: runs the export driver (conformance/exporter_ci_export.py)
// in the interpreter of the environment under test, with the exporter's source
// checkout first on PYTHONPATH and PYTHONHASHSEED=0 (torch_to_nnef orders
// fragment definitions by iterating a set of strings). Its progress lines go
// straight to our stdout.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "exporter_ci.hpp"
#include "rnnconf/core/error.hpp"

extern char** environ;

namespace rnnconf::tools::xci {

namespace {

// The child's environment: ours, with PYTHONHASHSEED and PYTHONPATH set.
std::vector<std::string> child_environment(const LaunchSpec& s) {
  std::vector<std::string> env;
  std::string old_path;
  for (char** e = environ; e && *e; ++e) {
    const std::string kv = *e;
    if (kv.rfind("PYTHONHASHSEED=", 0) == 0) continue;
    if (kv.rfind("PYTHONPATH=", 0) == 0) {
      old_path = kv.substr(11);
      continue;
    }
    env.push_back(kv);
  }
  env.push_back("PYTHONHASHSEED=0");
  std::string path = s.exporter_path.empty() ? "" : std::filesystem::absolute(s.exporter_path).string();
  if (!old_path.empty()) path += (path.empty() ? "" : ":") + old_path;
  if (!path.empty()) env.push_back("PYTHONPATH=" + path);
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

int run_export_driver(const LaunchSpec& s) {
  std::vector<std::string> args = {
      s.python,       s.script.string(),          "--out", s.out.string(),
      "--cases-file", s.cases_file.string(),      "-j",    std::to_string(s.jobs),
      "--timeout",    std::to_string(s.timeout_s)};
  std::vector<std::string> env = child_environment(s);
  auto argv = pointers(args);
  auto envp = pointers(env);
  std::cout << std::flush;
  pid_t pid = 0;
  // posix_spawnp: PYTHON may be a bare name looked up on PATH ("python3").
  const int rc = posix_spawnp(&pid, s.python.c_str(), nullptr, nullptr, argv.data(), envp.data());
  if (rc != 0) throw Error("cannot start the exporter's python '" + s.python + "': " + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(std::string("waiting for the export driver: ") + std::strerror(errno));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace rnnconf::tools::xci
