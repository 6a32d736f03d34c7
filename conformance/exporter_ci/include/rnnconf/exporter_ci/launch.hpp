// The export half of exporter-ci: conformance/exporter_ci_export.py run in the
// interpreter of the environment under test, with the exporter's folder first
// on PYTHONPATH and PYTHONHASHSEED=0 (torch_to_nnef orders fragment
// definitions by iterating a set of strings). Its progress lines go straight
// to our stdout.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rnnconf::exporter_ci {

struct LaunchSpec {
  std::string python;
  std::filesystem::path exporter_path;  // may be empty
  std::filesystem::path script;         // conformance/exporter_ci_export.py
  std::filesystem::path out;            // exports folder
  std::filesystem::path cases_file;
  int jobs = 2, timeout_s = 600;
};

// The driver's command line and its environment additions (PYTHONHASHSEED,
// PYTHONPATH with EXPORTER_PATH first, then ours).
std::vector<std::string> driver_argv(const LaunchSpec& s);
std::vector<std::string> driver_environment(const LaunchSpec& s);

// Runs the driver; returns its exit status (128 + signal when killed).
// Throws Error when PYTHON cannot be started.
int run_export_driver(const LaunchSpec& s);

}  // namespace rnnconf::exporter_ci
