// Running the helper programs of exporter-ci (the exporter's python, pip, git,
// tar): posix_spawnp with our environment plus a few variables, its output
// either passed through to our stdout or captured.
#pragma once

#include <string>
#include <vector>

namespace rnnconf::exporter_ci {

struct ProcessResult {
  int status = 0;      // exit status; 128 + signal when killed
  std::string output;  // stdout and stderr together, when captured
};

// ARGV[0] is looked up on PATH. SET_ENV holds "NAME=value" pairs that replace
// (or add to) our environment. Throws Error when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& set_env = {},
                          bool capture = true);

// The command line as a shell would read it (for messages and repro lines).
std::string shell_quote(const std::string& s);
std::string command_text(const std::vector<std::string>& argv);

}  // namespace rnnconf::exporter_ci
