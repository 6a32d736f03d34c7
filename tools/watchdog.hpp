// Watchdog: the backstop of --timeout. A thread that, unless cancelled (by
// its destructor) before `fire_at`, prints `message` to stderr and ends the
// process at once with `exit_code` (std::_Exit: no destructors, no flushing
// of stdout, which is what a process stuck inside a kernel or a BLAS call
// needs). The executor's own deadline checks normally end the command first,
// with an Error naming the statement.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace rnnconf::tools {

class Watchdog {
 public:
  Watchdog(std::chrono::steady_clock::time_point fire_at, std::string message, int exit_code);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool cancelled_ = false;
  std::thread thread_;
};

}  // namespace rnnconf::tools
