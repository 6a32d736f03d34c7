// Launching the Python export driver (launch.hpp).
#include "rnnconf/exporter_ci/launch.hpp"

#include <cstdlib>
#include <vector>

#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/process.hpp"

namespace rnnconf::exporter_ci {

std::vector<std::string> driver_argv(const LaunchSpec& s) {
  return {s.python,       s.script.string(),     "--out", s.out.string(),
          "--cases-file", s.cases_file.string(), "-j",    std::to_string(s.jobs),
          "--timeout",    std::to_string(s.timeout_s)};
}

std::vector<std::string> driver_environment(const LaunchSpec& s) {
  std::vector<std::string> env = {"PYTHONHASHSEED=0"};
  std::string path = s.exporter_path.empty() ? "" : std::filesystem::absolute(s.exporter_path).string();
  const char* old = std::getenv("PYTHONPATH");
  if (old && *old) path += (path.empty() ? "" : ":") + std::string(old);
  if (!path.empty()) env.push_back("PYTHONPATH=" + path);
  return env;
}

int run_export_driver(const LaunchSpec& s) {
  try {
    return run_process(driver_argv(s), driver_environment(s), /*capture=*/false).status;
  } catch (const Error& e) {
    throw Error(e.message() + " (the python of the exporter's environment)");
  }
}

}  // namespace rnnconf::exporter_ci
