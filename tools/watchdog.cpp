// The --timeout backstop thread (watchdog.hpp).
#include "watchdog.hpp"

#include <unistd.h>

#include <cstdlib>

namespace rnnconf::tools {

Watchdog::Watchdog(std::chrono::steady_clock::time_point fire_at, std::string message, int exit_code) {
  thread_ = std::thread([this, fire_at, message = std::move(message), exit_code] {
    std::unique_lock<std::mutex> lock(mutex_);
    if (cv_.wait_until(lock, fire_at, [this] { return cancelled_; })) return;
    // write(2), not iostreams: the main thread may hold the stream's lock.
    const ssize_t ignored = ::write(STDERR_FILENO, message.data(), message.size());
    (void)ignored;
    std::_Exit(exit_code);
  });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

}  // namespace rnnconf::tools
