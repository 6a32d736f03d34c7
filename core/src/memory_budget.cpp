// MemoryMeter accounting and refusal, and the thread's current meter
// (the MemoryBudgetScope stack; see memory_budget.hpp for why it is thread-local).
#include "rnnconf/core/memory_budget.hpp"

#include "rnnconf/core/byte_size.hpp"

namespace rnnconf {
namespace {

// The one thread-local of rnnconf (memory_budget.hpp says why).
thread_local std::shared_ptr<MemoryMeter> t_current_meter;

}  // namespace

MemoryMeter::MemoryMeter(int64_t budget_bytes) : budget_(budget_bytes) {
  if (budget_bytes <= 0)
    throw Error("memory budget must be positive, got " + std::to_string(budget_bytes) + " bytes");
}

void MemoryMeter::charge(size_t bytes) {
  const auto asked = bytes > static_cast<size_t>(INT64_MAX / 2) ? INT64_MAX / 2 : static_cast<int64_t>(bytes);
  const int64_t now = live_.fetch_add(asked, std::memory_order_relaxed) + asked;
  if (now > budget_) {
    live_.fetch_sub(asked, std::memory_order_relaxed);
    std::string to = format_bytes(now), budget = format_bytes(budget_);
    if (to == budget) {  // "256.0 MiB, over ... 256.0 MiB": say by how much
      to += " (" + std::to_string(now) + " bytes)";
      budget += " (" + std::to_string(budget_) + " bytes)";
    }
    throw MemoryBudgetError("allocating " + format_bytes(asked) + " would bring live tensor data to " + to +
                            ", over the memory budget of " + budget + " (--max-memory)");
  }
  int64_t seen = peak_.load(std::memory_order_relaxed);
  while (now > seen && !peak_.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
  }
}

const std::shared_ptr<MemoryMeter>& current_memory_meter() noexcept { return t_current_meter; }

MemoryBudgetScope::MemoryBudgetScope(std::shared_ptr<MemoryMeter> meter)
    : previous_(std::move(t_current_meter)) {
  t_current_meter = std::move(meter);
}

MemoryBudgetScope::~MemoryBudgetScope() { t_current_meter = std::move(previous_); }

ScopedMemoryCharge::ScopedMemoryCharge(int64_t bytes) : meter_(current_memory_meter()) {
  if (!meter_ || bytes <= 0) return;
  meter_->charge(static_cast<size_t>(bytes));
  bytes_ = static_cast<size_t>(bytes);
}

ScopedMemoryCharge::~ScopedMemoryCharge() {
  if (meter_) meter_->release(bytes_);
}

}  // namespace rnnconf
