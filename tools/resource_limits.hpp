// The resource limits of one rnnconf command (`check`, `run`, `triage`,
// `validate`, `dump-graph`): `--max-memory SIZE`, the budget of live tensor
// data (MemoryBudgetScope; default: half of the smallest of physical RAM,
// the cgroup limit and the address-space rlimit), and `--timeout SECONDS`, a
// deadline the executor checks at every statement, backed by a watchdog
// thread that ends the process (exit code 124, as timeout(1)) when the
// command is still running kWatchdogGraceSeconds after the deadline.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "rnnconf/core/deadline.hpp"
#include "rnnconf/core/memory_budget.hpp"

namespace CLI {
class App;
}

namespace rnnconf::tools {

// Exit code of a command cut by --timeout (the cooperative check or the watchdog).
inline constexpr int kExitTimeout = 124;
// The watchdog fires this long after the deadline.
inline constexpr double kWatchdogGraceSeconds = 2.0;

struct ResourceArgs {
  std::string max_memory;  // "" = the default budget
  std::string timeout;     // "" = none; seconds (may be fractional)
};

// Declares --max-memory and --timeout on a subcommand.
void add_resource_options(CLI::App& command, ResourceArgs& args);

class Watchdog;

// The limits in force while a command runs: this thread's memory meter and
// the deadline; the watchdog runs while the object lives.
class CommandLimits {
 public:
  explicit CommandLimits(const ResourceArgs& args);  // Error on a bad --max-memory or --timeout
  ~CommandLimits();
  CommandLimits(const CommandLimits&) = delete;
  CommandLimits& operator=(const CommandLimits&) = delete;

  const Deadline& deadline() const { return deadline_; }
  const MemoryMeter& meter() const { return *meter_; }

 private:
  std::shared_ptr<MemoryMeter> meter_;
  std::optional<MemoryBudgetScope> scope_;
  Deadline deadline_;
  std::unique_ptr<Watchdog> watchdog_;
};

// Runs `body` under the limits of `args`. An rnnconf::Error that leaves `body`
// after the deadline has passed is the timeout: printed as
// "rnnconf: error: ..." and turned into kExitTimeout. Other errors propagate
// (main prints them, exit 2).
int run_with_limits(const ResourceArgs& args, const std::function<int(const CommandLimits&)>& body);

}  // namespace rnnconf::tools
