// Shared by the reference_cuda tests: the GPU guard (GTEST_SKIP without a
// device, with cudaGetDeviceCount's reason), seeded random weights packed for
// both precisions from the same values, device arrays with NaN guard bands
// around the region a kernel may write, and the error bound used against the
// CPU kernels and the float64 truth.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "rnnconf/reference_cpu/rnn_weights.hpp"
#include "rnnconf/reference_cuda/device.hpp"
#include "rnnconf/reference_cuda/device_buffer.hpp"

#define RNNCONF_REQUIRE_GPU()                                            \
  do {                                                                   \
    std::string rnnconf_why_;                                            \
    if (!::rnnconf::cuda::device_present(rnnconf_why_)) GTEST_SKIP() << rnnconf_why_; \
  } while (0)

namespace rnnconf::cuda::testing {

inline std::vector<double> uniform(int64_t n, double bound, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-bound, bound);
  std::vector<double> v(static_cast<size_t>(n));
  for (auto& e : v) e = u(rng);
  return v;
}

template <class T>
std::vector<T> cast(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

// Stacked PyTorch-layout parameters with the contraction bounds of the CPU
// kernel tests (|w_ih| <= 1/I, |w_hh| <= 1/H_out, |b| <= 0.5, |w_hr| <= 1/H),
// float values first rounded to float so both precisions see the same numbers.
struct RandomLayer {
  cpu::RnnVariant variant;
  int64_t I, H, P;
  std::vector<double> w_ih, w_hh, b_ih, b_hh, w_hr;

  RandomLayer(cpu::RnnVariant v, int64_t i, int64_t h, int64_t p, uint64_t seed) : variant(v), I(i), H(h), P(p) {
    std::mt19937_64 rng(seed);
    const int64_t gh = cpu::gate_count(v) * H, hout = P > 0 ? P : H;
    auto rounded = [](std::vector<double> x) {
      for (auto& e : x) e = static_cast<double>(static_cast<float>(e));
      return x;
    };
    w_ih = rounded(uniform(gh * I, 1.0 / static_cast<double>(I), rng));
    w_hh = rounded(uniform(gh * hout, 1.0 / static_cast<double>(hout), rng));
    b_ih = rounded(uniform(gh, 0.5, rng));
    b_hh = rounded(uniform(gh, 0.5, rng));
    if (P > 0) w_hr = rounded(uniform(P * H, 1.0 / static_cast<double>(H), rng));
  }
  template <class T>
  cpu::RnnWeights<T> pack() const {
    const auto a = cast<T>(w_ih), b = cast<T>(w_hh), c = cast<T>(b_ih), d = cast<T>(b_hh), e = cast<T>(w_hr);
    return cpu::pack_stacked_weights<T>(variant, I, H, P, cpu::StackedWeightsView<T>{a, b, c, d, e});
  }
};

// Values in [-1, 1], rounded to float.
inline std::vector<double> random_input(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto v = uniform(n, 1.0, rng);
  for (auto& e : v) e = static_cast<double>(static_cast<float>(e));
  return v;
}

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

// max over k of |got − want| / (1 + |want|); NaN in `got` counts as infinity.
template <class A, class B>
double max_rel_error(const std::vector<A>& got, const std::vector<B>& want) {
  EXPECT_EQ(got.size(), want.size());
  double worst = 0;
  for (size_t k = 0; k < got.size() && k < want.size(); ++k) {
    const double g = static_cast<double>(got[k]), w = static_cast<double>(want[k]);
    const double e = std::isnan(g) ? INFINITY : std::abs(g - w) / (1.0 + std::abs(w));
    worst = std::max(worst, e);
  }
  return worst;
}

// Float kernels vs the float64 truth (or the CPU float kernel). Per step each
// GEMM adds at most ~K·eps·max|term| with the contraction bounds above
// (≈ eps for |w| <= 1/K), the activations ≤ 2 ulp; a few steps of a
// contraction stay well under 1e-5 relative. The bound keeps a margin of ~50.
inline constexpr double kFloatBound = 2e-5;
// Double kernels: same argument with eps = 2^-53.
inline constexpr double kDoubleBound = 1e-12;

}  // namespace rnnconf::cuda::testing
