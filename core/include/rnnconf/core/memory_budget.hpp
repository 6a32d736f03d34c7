// Memory budget for the live tensor data of a model run (`--max-memory`):
//   MemoryMeter          budget, live bytes and peak; charge() refuses BEFORE
//                        anything is allocated when live + asked > budget;
//   MeteredAllocator<T>  a std allocator charging a meter on allocate (the
//                        bytes plus kMeteredBufferOverhead) and returning
//                        them on deallocate; the storage of
//                        every Tensor (MeteredBytes) and of model archive
//                        bytes and members uses it;
//   MemoryBudgetScope    RAII: installs a meter as this thread's current one;
//   ScopedMemoryCharge   RAII: charges a known size held outside Tensors.
//
// Which meter a new buffer charges is taken, when its allocator is default
// constructed, from the thread's current meter. This thread-local is the one
// piece of global state of rnnconf, and deliberately so: every op of the
// executors allocates through Tensor's constructor, so passing a meter through
// every op signature (and every .dat reader, loader and golden reader) would
// touch all of them, and a forgotten parameter would silently bypass the
// budget. Copies and moves keep the meter of their source
// (propagate_on_container_* = true), so a tensor created under a scope
// returns its bytes to that meter wherever it dies. Without a scope
// installed nothing is metered (the allocator holds no meter and costs one
// null check).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <vector>

#include "rnnconf/core/error.hpp"

namespace rnnconf {

// Thrown by MemoryMeter::charge. Its message has no location and no op name:
// the interpreter and the loaders add them ("graph.nnef:12:5: 'tile': ...").
class MemoryBudgetError : public Error {
 public:
  using Error::Error;
};

// What each metered buffer is charged on top of its bytes: the objects that
// own it (a Tensor, its shape, the shared_ptr and executor Value holding it)
// and the heap's bookkeeping: peak RSS grew by 320 bytes per tensor for an
// unstack into 2^20 one-element tensors (`rnnconf dump-graph`, glibc malloc).
// Without it, an op making millions of tiny tensors (unstack, scan "full"
// outputs) would use many times the memory it is charged.
inline constexpr size_t kMeteredBufferOverhead = 320;

class MemoryMeter {
 public:
  explicit MemoryMeter(int64_t budget_bytes);
  MemoryMeter(const MemoryMeter&) = delete;
  MemoryMeter& operator=(const MemoryMeter&) = delete;

  int64_t budget() const noexcept { return budget_; }
  int64_t live() const noexcept { return live_.load(std::memory_order_relaxed); }
  int64_t peak() const noexcept { return peak_.load(std::memory_order_relaxed); }

  // Counts `bytes` as live, or throws MemoryBudgetError ("allocating 2.0 GiB
  // would bring live tensor data to 9.1 GiB, over the memory budget of 8.0 GiB
  // (--max-memory)") and counts nothing.
  void charge(size_t bytes);
  void release(size_t bytes) noexcept {
    live_.fetch_sub(static_cast<int64_t>(bytes), std::memory_order_relaxed);
  }

 private:
  int64_t budget_;
  std::atomic<int64_t> live_{0};
  std::atomic<int64_t> peak_{0};
};

// The meter of the innermost MemoryBudgetScope of this thread, or null.
const std::shared_ptr<MemoryMeter>& current_memory_meter() noexcept;

// Installs `meter` (may be null: nothing metered) for this thread until the
// scope ends, then restores the previous one. Not copyable or movable.
class MemoryBudgetScope {
 public:
  explicit MemoryBudgetScope(std::shared_ptr<MemoryMeter> meter);
  ~MemoryBudgetScope();
  MemoryBudgetScope(const MemoryBudgetScope&) = delete;
  MemoryBudgetScope& operator=(const MemoryBudgetScope&) = delete;

 private:
  std::shared_ptr<MemoryMeter> previous_;
};

// Charges `bytes` to the current meter (none: nothing) until destroyed: memory
// held outside Tensor storage whose size is known in advance, such as a fused
// kernel's workspace. Refused like a Tensor allocation (MemoryBudgetError).
class ScopedMemoryCharge {
 public:
  explicit ScopedMemoryCharge(int64_t bytes);
  ~ScopedMemoryCharge();
  ScopedMemoryCharge(const ScopedMemoryCharge&) = delete;
  ScopedMemoryCharge& operator=(const ScopedMemoryCharge&) = delete;

 private:
  std::shared_ptr<MemoryMeter> meter_;
  size_t bytes_ = 0;
};

template <class T>
class MeteredAllocator {
 public:
  using value_type = T;
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;
  using is_always_equal = std::false_type;

  // Takes the thread's current meter (null outside a MemoryBudgetScope).
  MeteredAllocator() noexcept : meter_(current_memory_meter()) {}
  explicit MeteredAllocator(std::shared_ptr<MemoryMeter> meter) noexcept : meter_(std::move(meter)) {}
  template <class U>
  MeteredAllocator(const MeteredAllocator<U>& other) noexcept : meter_(other.meter()) {}

  T* allocate(size_t n) {
    if (n > (SIZE_MAX - kMeteredBufferOverhead) / sizeof(T)) throw std::bad_array_new_length();
    const size_t bytes = n * sizeof(T) + kMeteredBufferOverhead;
    if (meter_) meter_->charge(bytes);
    try {
      return std::allocator<T>{}.allocate(n);
    } catch (...) {
      if (meter_) meter_->release(bytes);
      throw;
    }
  }
  void deallocate(T* p, size_t n) noexcept {
    std::allocator<T>{}.deallocate(p, n);
    if (meter_) meter_->release(n * sizeof(T) + kMeteredBufferOverhead);
  }

  const std::shared_ptr<MemoryMeter>& meter() const noexcept { return meter_; }

  template <class U>
  friend bool operator==(const MeteredAllocator& a, const MeteredAllocator<U>& b) noexcept {
    return a.meter_ == b.meter();
  }

 private:
  std::shared_ptr<MemoryMeter> meter_;
};

// Bytes held under the budget: Tensor storage, model archive file and members.
using MeteredBytes = std::vector<std::byte, MeteredAllocator<std::byte>>;

}  // namespace rnnconf
