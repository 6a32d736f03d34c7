// --max-memory and --timeout (resource_limits.hpp): parsing, the memory
// meter installed for the command's thread, the deadline and its watchdog,
// and the exit code of a command cut by the deadline.
#include "resource_limits.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <charconv>
#include <iostream>

#include "rnnconf/core/byte_size.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/core/system_memory.hpp"
#include "watchdog.hpp"

namespace rnnconf::tools {
namespace {

double parse_timeout(const std::string& text) {
  double seconds = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, seconds);
  if (ec != std::errc() || ptr != end || !(seconds > 0) || seconds > 1e9)
    throw Error(fmt::format(
        "--timeout: bad value '{}' (expected a positive number of seconds, e.g. 30 or 0.5)", text));
  return seconds;
}

int64_t budget_of(const ResourceArgs& args) {
  if (args.max_memory.empty()) return default_memory_budget(detect_memory_limits());
  try {
    return parse_byte_size(args.max_memory);
  } catch (const Error& e) {
    throw Error("--max-memory: " + e.message());
  }
}

}  // namespace

void add_resource_options(CLI::App& command, ResourceArgs& args) {
  command.add_option(
      "--max-memory", args.max_memory,
      "budget for live tensor data: 512M, 2G, 1.5GiB or bytes (default: half of the smallest of "
      "physical RAM, the cgroup limit and the address-space rlimit)");
  command.add_option("--timeout", args.timeout,
                     "seconds before the command is stopped (exit code 124); default: none");
}

CommandLimits::CommandLimits(const ResourceArgs& args)
    : meter_(std::make_shared<MemoryMeter>(budget_of(args))) {
  if (!args.timeout.empty()) {
    deadline_ = Deadline::after(parse_timeout(args.timeout));
    const auto grace = std::chrono::duration_cast<Deadline::Clock::duration>(
        std::chrono::duration<double>(kWatchdogGraceSeconds));
    watchdog_ = std::make_unique<Watchdog>(
        deadline_.at + grace,
        fmt::format(
            "rnnconf: error: --timeout {} s passed (still running {} s later, inside one operation that does "
            "not check the deadline, e.g. a kernel or BLAS call); exit code {}\n",
            args.timeout, kWatchdogGraceSeconds, kExitTimeout),
        kExitTimeout);
  }
  scope_.emplace(meter_);
}

CommandLimits::~CommandLimits() = default;

int run_with_limits(const ResourceArgs& args, const std::function<int(const CommandLimits&)>& body) {
  const CommandLimits limits(args);
  try {
    return body(limits);
  } catch (const Error& e) {
    if (!limits.deadline().passed()) throw;
    std::cout.flush();
    std::cerr << "rnnconf: error: " << e.what() << "\n";
    return kExitTimeout;
  }
}

}  // namespace rnnconf::tools
