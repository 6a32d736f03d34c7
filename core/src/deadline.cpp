// Deadline construction and its message (deadline.hpp).
#include "rnnconf/core/deadline.hpp"

#include <cstdio>

#include "rnnconf/core/error.hpp"

namespace rnnconf {

Deadline Deadline::after(double seconds) {
  // Beyond ~30 years the time_point arithmetic could overflow; no run needs that.
  if (!(seconds > 0) || seconds > 1e9)
    throw Error("timeout must be a positive number of seconds up to 1e9, got " + std::to_string(seconds));
  Deadline d;
  d.at = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  d.seconds = seconds;
  return d;
}

std::string Deadline::ran_out() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", seconds);
  return std::string("the --timeout of ") + buf + " s ran out";
}

}  // namespace rnnconf
