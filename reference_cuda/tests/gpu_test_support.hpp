// Shared by the reference_cuda GPU tests: the GPU guard (GTEST_SKIP without a
// device, with cudaGetDeviceCount's reason) and device arrays with NaN guard
// bands around the region a kernel may write; the random layers and error
// bounds are numeric_test_support.hpp's.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "numeric_test_support.hpp"
#include "rnnconf/reference_cpu/rnn_weights.hpp"
#include "rnnconf/reference_cuda/device.hpp"
#include "rnnconf/reference_cuda/device_buffer.hpp"

#define RNNCONF_REQUIRE_GPU()                                            \
  do {                                                                   \
    std::string rnnconf_why_;                                            \
    if (!::rnnconf::cuda::device_present(rnnconf_why_)) GTEST_SKIP() << rnnconf_why_; \
  } while (0)

namespace rnnconf::cuda::testing {

// A device array of `rows` × `stride` elements with `guard` NaN elements
// before and after; everything starts NaN. region() points past the front guard.
template <class T>
struct GuardedDevice {
  static constexpr int64_t guard = 64;
  int64_t rows = 0, stride = 0;
  DeviceBuffer<T> buf;
  GuardedDevice(int64_t r, int64_t s) : rows(r), stride(s), buf(r * s + 2 * guard) {
    buf.fill_nan();
    // The fill runs on the legacy default stream, which the lanes' non-blocking
    // streams do not wait for: finish it before any kernel may write here.
    RNNCONF_CUDA_CHECK(cudaDeviceSynchronize());
  }
  T* region() { return buf.data() + guard; }
  // Host copy of the whole array (guards included).
  std::vector<T> all() const { return buf.download(); }
};

// Checks that the guards and every column outside [offset, offset + width) of
// each row are still NaN, and returns the [rows, width] region values.
template <class T>
std::vector<T> checked_region(const GuardedDevice<T>& d, int64_t offset, int64_t width, const std::string& what) {
  const std::vector<T> v = d.all();
  const int64_t g = GuardedDevice<T>::guard;
  int64_t touched = 0;
  for (int64_t k = 0; k < g; ++k) touched += !std::isnan(v[static_cast<size_t>(k)]) + !std::isnan(v[v.size() - 1 - static_cast<size_t>(k)]);
  std::vector<T> out;
  out.reserve(static_cast<size_t>(d.rows * width));
  for (int64_t r = 0; r < d.rows; ++r)
    for (int64_t c = 0; c < d.stride; ++c) {
      const T e = v[static_cast<size_t>(g + r * d.stride + c)];
      if (c >= offset && c < offset + width) out.push_back(e);
      else touched += !std::isnan(e);
    }
  EXPECT_EQ(touched, 0) << what << ": elements outside the output region were written";
  return out;
}

}  // namespace rnnconf::cuda::testing
