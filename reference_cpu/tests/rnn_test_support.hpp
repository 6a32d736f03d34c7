// Shared by the reference_cpu kernel tests: seeded random parameters in
// PyTorch layout, output buffers poisoned with NaN and followed by a guard
// band of sentinels (out-of-bounds writes fail loudly), the float/double
// tolerance of "fused kernel vs naive reference" with its derivation, and a
// max-error comparison in which NaN never passes.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "rnnconf/reference_cpu/naive_rnn.hpp"
#include "rnnconf/reference_cpu/rnn_weights.hpp"

namespace rnnconf::cpu::testing {

// Parameters drawn so that every step is a contraction of the state error:
// |w_ih| <= 1/I and |x| <= 1 bound the input part of a pre-activation by 1,
// |w_hh| <= 1/H_out and |h| <= 1 bound the recurrent part by 1 (row sums of
// |w_hh| <= 1), |b_ih + b_hh| <= 1, |w_hr| <= 1/H. So |pre-activation| <= 3
// (tanh/sigmoid/LSTM/GRU keep |h| <= 1; relu is discussed at kernel_tolerance).
template <class T>
NaiveRnnParams<T> random_params(RnnVariant v, int64_t I, int64_t H, int64_t P, bool bias, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto fill = [&rng](std::vector<T>& out, int64_t n, double bound) {
    std::uniform_real_distribution<double> u(-bound, bound);
    out.resize(static_cast<size_t>(n));
    for (auto& e : out) e = static_cast<T>(u(rng));
  };
  NaiveRnnParams<T> p;
  p.variant = v;
  p.input_size = I;
  p.hidden_size = H;
  p.proj_size = P;
  const int64_t gh = gate_count(v) * H;
  fill(p.w_ih, gh * I, 1.0 / static_cast<double>(I));
  fill(p.w_hh, gh * p.output_size(), 1.0 / static_cast<double>(p.output_size()));
  if (bias) {
    fill(p.b_ih, gh, 0.5);
    fill(p.b_hh, gh, 0.5);
  }
  if (P > 0) fill(p.w_hr, P * H, 1.0 / static_cast<double>(H));
  return p;
}

template <class T>
std::vector<T> random_values(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<T> out(static_cast<size_t>(n));
  for (auto& e : out) e = static_cast<T>(u(rng));
  return out;
}

template <class T>
RnnWeights<T> pack(const NaiveRnnParams<T>& p) {
  return pack_stacked_weights<T>(p.variant, p.input_size, p.hidden_size, p.proj_size,
                                 StackedWeightsView<T>{p.w_ih, p.w_hh, p.b_ih, p.b_hh, p.w_hr});
}

// An output buffer of n elements poisoned with NaN, followed by kGuard sentinel
// elements; guard_intact() says whether anything wrote past the end.
template <class T>
class GuardedBuffer {
 public:
  static constexpr int64_t kGuard = 64;
  explicit GuardedBuffer(int64_t n) : n_(n), data_(static_cast<size_t>(n + kGuard)) {
    for (int64_t i = 0; i < n; ++i) data_[static_cast<size_t>(i)] = std::numeric_limits<T>::quiet_NaN();
    for (int64_t i = 0; i < kGuard; ++i) data_[static_cast<size_t>(n + i)] = sentinel(i);
  }
  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  int64_t size() const { return n_; }
  T operator[](int64_t i) const { return data_[static_cast<size_t>(i)]; }
  bool guard_intact() const {
    for (int64_t i = 0; i < kGuard; ++i) {
      const T got = data_[static_cast<size_t>(n_ + i)], want = sentinel(i);
      if (std::memcmp(&got, &want, sizeof(T)) != 0) return false;
    }
    return true;
  }

 private:
  static T sentinel(int64_t i) { return static_cast<T>(-12345.0 - static_cast<double>(i)); }
  int64_t n_;
  std::vector<T> data_;
};

// Tolerance of "fused kernel (element type T) vs long-double naive reference",
// absolute, on values of magnitude up to `scale` (max(1, max |reference|)).
// Derivation: a pre-activation is a sum of K = I + H_out + 2 products (input
// part, recurrent part, two biases); in precision T its rounding error is at
// most γ_K · Σ|terms| ≈ K · eps_T · Σ|terms| (Higham, worst case of all
// roundings aligned), and Σ|terms| <= 3 · scale with random_params. The gate
// nonlinearities and the cell/state update add a few ulps: we allow 16 more
// eps_T. With random_params each step shrinks an incoming state error (row
// sums of |w_hh| <= 1, activation slopes <= 1, forget gate < 1), so the fresh
// errors of the steps add at most linearly: × steps. Worst-case alignment of
// every rounding is far above the realistic sqrt(K) growth, which leaves
// room for the second-order growth through an LSTM cell state, yet a wrong
// index or gate (errors of order 1e-2 .. 1) stays orders of magnitude above
// the bound. relu: |h| may exceed 1 and grows at most linearly over the
// steps; `scale` carries that magnitude and the relu slope (<= 1) keeps each
// step non-expanding. For double this is ~1e-12 at the sizes tested (K + 18 <= 532, T <= 20).
template <class T>
double kernel_tolerance(int64_t I, int64_t H_out, int64_t steps, double scale) {
  const double K = static_cast<double>(I + H_out + 2);
  const double eps = static_cast<double>(std::numeric_limits<T>::epsilon());
  return (K + 16.0) * eps * 3.0 * scale * static_cast<double>(steps < 1 ? 1 : steps);
}

// Max |got - want| over n elements read with strides; NaN/Inf in got counts as +inf.
struct Comparison {
  double max_error = 0;
  int64_t worst_index = -1;
  int64_t non_finite = 0;
};
template <class T, class Getter>
Comparison compare(int64_t n, Getter got, const std::vector<T>& want) {
  Comparison c;
  for (int64_t i = 0; i < n; ++i) {
    const double g = static_cast<double>(got(i)), w = static_cast<double>(want[static_cast<size_t>(i)]);
    const double e = std::isfinite(g) ? std::fabs(g - w) : std::numeric_limits<double>::infinity();
    if (!std::isfinite(g)) ++c.non_finite;
    if (!(e <= c.max_error)) {
      c.max_error = e;
      c.worst_index = i;
    }
  }
  return c;
}

template <class T>
double max_abs(const std::vector<T>& v) {
  double m = 1.0;
  for (T e : v) m = std::fmax(m, std::fabs(static_cast<double>(e)));
  return m;
}

}  // namespace rnnconf::cpu::testing
