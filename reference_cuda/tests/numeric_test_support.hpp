// Shared by the reference_cuda tests, host code only (the host tests on the
// emulated device use it too): seeded random weights packed for both
// precisions from the same values, random inputs, and the error measure and
// bounds used against the CPU kernels and the float64 truth.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "rnnconf/reference_cpu/rnn_weights.hpp"

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
