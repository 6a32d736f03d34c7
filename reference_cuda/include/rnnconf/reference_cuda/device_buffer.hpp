// rnnconf::cuda::DeviceBuffer<T>: one cudaMalloc'd array of T, owned (freed in
// the destructor, movable, not copyable), with checked host<->device copies
// and a NaN fill for poisoning outputs and guard bands in tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "rnnconf/reference_cuda/cuda_check.hpp"

namespace rnnconf::cuda {

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(int64_t count) { resize(count); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)), count_(std::exchange(o.count_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      release();
      ptr_ = std::exchange(o.ptr_, nullptr);
      count_ = std::exchange(o.count_, 0);
    }
    return *this;
  }
  ~DeviceBuffer() { release(); }

  // Reallocates (contents lost) when `count` differs from the current size.
  void resize(int64_t count) {
    if (count == count_) return;
    release();
    if (count > 0) {
      void* p = nullptr;
      RNNCONF_CUDA_CHECK(cudaMalloc(&p, static_cast<size_t>(count) * sizeof(T)));
      ptr_ = static_cast<T*>(p);
      count_ = count;
    }
  }
  // Grows only (contents lost when it grows).
  void reserve(int64_t count) {
    if (count > count_) resize(count);
  }

  T* data() { return ptr_; }
  const T* data() const { return ptr_; }
  int64_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

  void upload(std::span<const T> host, cudaStream_t stream = nullptr) {
    resize(static_cast<int64_t>(host.size()));
    if (!host.empty())
      RNNCONF_CUDA_CHECK(cudaMemcpyAsync(ptr_, host.data(), host.size_bytes(), cudaMemcpyHostToDevice, stream));
    RNNCONF_CUDA_CHECK(cudaStreamSynchronize(stream));
  }
  std::vector<T> download(cudaStream_t stream = nullptr) const {
    std::vector<T> out(static_cast<size_t>(count_));
    if (count_ > 0)
      RNNCONF_CUDA_CHECK(cudaMemcpyAsync(out.data(), ptr_, out.size() * sizeof(T), cudaMemcpyDeviceToHost, stream));
    RNNCONF_CUDA_CHECK(cudaStreamSynchronize(stream));
    return out;
  }
  // Every element NaN (all bits set: a quiet NaN for float and double).
  void fill_nan(cudaStream_t stream = nullptr) {
    static_assert(std::numeric_limits<T>::has_quiet_NaN);
    if (count_ > 0) RNNCONF_CUDA_CHECK(cudaMemsetAsync(ptr_, 0xFF, static_cast<size_t>(count_) * sizeof(T), stream));
  }

 private:
  void release() noexcept {
    if (ptr_ != nullptr) static_cast<void>(cudaFree(ptr_));  // no throw from a destructor
    ptr_ = nullptr;
    count_ = 0;
  }
  T* ptr_ = nullptr;
  int64_t count_ = 0;
};

}  // namespace rnnconf::cuda
