// Deadline: a wall-clock limit on a command (`--timeout SECONDS`), a value
// passed down to whatever runs long (the executor checks it at every
// statement and tract_core_scan iteration). Default-constructed: no limit,
// and passed() costs one comparison.
#pragma once

#include <chrono>
#include <string>

namespace rnnconf {

struct Deadline {
  using Clock = std::chrono::steady_clock;

  Clock::time_point at = Clock::time_point::max();
  double seconds = 0;  // the timeout it was made from, for messages

  // A deadline `seconds` from now (seconds > 0).
  static Deadline after(double seconds);

  bool is_set() const noexcept { return at != Clock::time_point::max(); }
  bool passed() const noexcept { return is_set() && Clock::now() >= at; }
  // "the --timeout of 1 s ran out"
  std::string ran_out() const;
};

}  // namespace rnnconf
