// The AVX-512 panel GEMM (panel_matmul.hpp) and the fused LSTM step
// (lstm_fused_step.hpp) against double-precision references, over awkward
// sizes: rows that are not multiples of the 6-row tile or of the 48-row chunk,
// columns around the 64-wide panel, K around the 96-deep k-block, weights
// larger than the 1 MiB column block. Outputs are poisoned with NaN; columns
// a call must not write must stay NaN; the blocked layout is checked element
// by element at its documented address.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/lstm_fused_step.hpp"
#include "kernels/panel_matmul.hpp"

namespace rnnconf::cpu::detail {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::vector<float> random_floats(int64_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(-1.0F, 1.0F);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(gen);
  return v;
}

// Wᵀ [K, N] in panels of 64 columns (column order as given), zero-padded.
std::vector<float> natural_panels(const std::vector<float>& w, int64_t N, int64_t K) {
  const int64_t P = (N + 63) / 64;
  std::vector<float> out(static_cast<size_t>(P * K * 64), 0.0F);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t k = 0; k < K; ++k) out[static_cast<size_t>(((n / 64) * K + k) * 64 + n % 64)] = w[static_cast<size_t>(n * K + k)];
  return out;
}

struct Ref {
  double value, magnitude;  // Σ a·w and Σ |a·w|
};
Ref dot(const std::vector<float>& a, int64_t m, const std::vector<float>& w, int64_t n, int64_t K) {
  Ref r{0, 0};
  for (int64_t k = 0; k < K; ++k) {
    const double p = static_cast<double>(a[static_cast<size_t>(m * K + k)]) * w[static_cast<size_t>(n * K + k)];
    r.value += p;
    r.magnitude += std::fabs(p);
  }
  return r;
}
// float accumulation over K terms: |error| <= K·eps·Σ|terms| (a loose, sure bound).
double bound(const Ref& r, int64_t K) { return static_cast<double>(K) * 0x1p-24 * r.magnitude + 1e-30; }

struct Shape {
  int64_t M, N, K;
};

TEST(PanelMatmul, NaturalAndBlockedOutputsMatchDoubleReference) {
  if (!panel_matmul_available()) GTEST_SKIP() << "this CPU has no AVX-512";
  const Shape shapes[] = {{1, 1, 1},    {5, 63, 7},   {6, 64, 95},   {7, 65, 96},  {13, 130, 97},
                          {49, 16, 200}, {50, 200, 3}, {97, 300, 193}, {3, 1100, 300}};
  uint32_t seed = 1;
  for (const Shape& s : shapes) {
    SCOPED_TRACE("M=" + std::to_string(s.M) + " N=" + std::to_string(s.N) + " K=" + std::to_string(s.K));
    const auto a = random_floats(s.M * s.K, seed++);
    const auto w = random_floats(s.N * s.K, seed++);
    const auto panels = natural_panels(w, s.N, s.K);
    // Natural layout with two spare columns on the right that must stay NaN.
    const int64_t ldc = s.N + 2;
    std::vector<float> c(static_cast<size_t>(s.M * ldc), kNaN);
    panel_matmul(s.M, s.N, s.K, a.data(), s.K, panels.data(), c.data(), ldc);
    // Blocked layout, R rows per block (M a multiple of R).
    const int64_t R = s.M % 2 == 0 ? s.M / 2 : s.M, P = (s.N + 63) / 64;
    std::vector<float> blocked(static_cast<size_t>(s.M * P * 64), kNaN);
    panel_matmul(s.M, s.N, s.K, a.data(), s.K, panels.data(), PanelOutput{blocked.data(), 0, R});
    int64_t bad = 0, untouched_bad = 0;
    for (int64_t m = 0; m < s.M; ++m) {
      for (int64_t n = 0; n < s.N; ++n) {
        const Ref r = dot(a, m, w, n, s.K);
        const float got = c[static_cast<size_t>(m * ldc + n)];
        const float got_b = blocked[static_cast<size_t>(((m / R) * P + n / 64) * R * 64 + (m % R) * 64 + n % 64)];
        if (!(std::fabs(got - r.value) <= bound(r, s.K))) ++bad;
        if (!(std::fabs(got_b - r.value) <= bound(r, s.K))) ++bad;
      }
      for (int64_t n = s.N; n < ldc; ++n) untouched_bad += std::isnan(c[static_cast<size_t>(m * ldc + n)]) ? 0 : 1;
    }
    EXPECT_EQ(bad, 0) << "elements outside the float accumulation bound (or NaN)";
    EXPECT_EQ(untouched_bad, 0) << "columns beyond N were written";
    // Every blocked element is written (padding columns get 0 from the zero weights).
    int64_t nan_left = 0;
    for (float v : blocked) nan_left += std::isnan(v) ? 1 : 0;
    EXPECT_EQ(nan_left, 0);
  }
}

// One fused LSTM step against double: 4 gates from (gates_x + b_x) + h·w_hhᵀ,
// both gates_x layouts, H not a multiple of 16, K around the k-block, B around the tile.
TEST(LstmFusedStep, MatchesDoubleCellInBothInputLayouts) {
  if (!lstm_fused_step_available(1)) GTEST_SKIP() << "this CPU has no AVX-512";
  struct Case {
    int64_t B, H, K;
  };
  const Case cases[] = {{1, 1, 1}, {1, 13, 13}, {5, 37, 97}, {7, 16, 96}, {13, 70, 200}, {6, 33, 20}};
  uint32_t seed = 100;
  for (const Case& cs : cases) {
    SCOPED_TRACE("B=" + std::to_string(cs.B) + " H=" + std::to_string(cs.H) + " K=" + std::to_string(cs.K));
    const int64_t B = cs.B, H = cs.H, K = cs.K, P = (H + 15) / 16;
    const auto w_hh = random_floats(4 * H * K, seed++);  // [4H, K], rows gate·H + unit
    const auto h_prev = random_floats(B * K, seed++);
    const auto gx = random_floats(B * 4 * H, seed++);  // natural [B, 4H]
    const auto b_x = random_floats(4 * H, seed++);
    const auto c0 = random_floats(B * H, seed++);
    // Unit-interleaved panels: panel p column 16·gate + u = row gate·H + 16p + u.
    std::vector<float> panels(static_cast<size_t>(P * K * 64), 0.0F);
    std::vector<float> blocked(static_cast<size_t>(P * B * 64), 0.0F);
    for (int64_t gate = 0; gate < 4; ++gate)
      for (int64_t j = 0; j < H; ++j) {
        const int64_t p = j / 16, col = gate * 16 + j % 16;
        for (int64_t k = 0; k < K; ++k)
          panels[static_cast<size_t>((p * K + k) * 64 + col)] = w_hh[static_cast<size_t>((gate * H + j) * K + k)];
        for (int64_t b = 0; b < B; ++b)
          blocked[static_cast<size_t>((p * B + b) * 64 + col)] = gx[static_cast<size_t>(b * 4 * H + gate * H + j)];
      }
    for (bool use_blocked : {false, true}) {
      SCOPED_TRACE(use_blocked ? "blocked gates_x" : "natural gates_x");
      std::vector<float> cell = c0, h_out(static_cast<size_t>(B * (H + 1)), kNaN), partial(static_cast<size_t>(B * 64));
      LstmStepArgs a;
      a.step.batch = B;
      a.step.hidden = H;
      a.step.h_prev = h_prev.data();
      a.step.h_prev_stride = K;
      a.step.gates_x = use_blocked ? blocked.data() : gx.data();
      a.step.b_x = b_x.data();
      a.step.cell = cell.data();
      a.step.h_out = h_out.data();
      a.step.h_out_stride = H + 1;  // one spare column per row that must stay NaN
      a.k = K;
      a.panels = panels.data();
      a.gates_x_blocked = use_blocked;
      a.partial = partial.data();
      lstm_fused_step(a);
      int64_t bad = 0;
      for (int64_t b = 0; b < B; ++b) {
        for (int64_t j = 0; j < H; ++j) {
          double pre[4], mag = 0;
          for (int64_t gate = 0; gate < 4; ++gate) {
            Ref r{0, 0};
            for (int64_t k = 0; k < K; ++k) {
              const double p = static_cast<double>(h_prev[static_cast<size_t>(b * K + k)]) *
                               w_hh[static_cast<size_t>((gate * H + j) * K + k)];
              r.value += p;
              r.magnitude += std::fabs(p);
            }
            pre[gate] = static_cast<double>(gx[static_cast<size_t>(b * 4 * H + gate * H + j)]) +
                        b_x[static_cast<size_t>(gate * H + j)] + r.value;
            mag = std::fmax(mag, r.magnitude + 2.0);
          }
          const auto sig = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
          const double c_new = sig(pre[1]) * c0[static_cast<size_t>(b * H + j)] + sig(pre[0]) * std::tanh(pre[2]);
          const double h_new = sig(pre[3]) * std::tanh(c_new);
          // Pre-activation error <= (K + 2)·eps·magnitude; σ, tanh have slope <= 1 and a few ulp of
          // their own; c, h are sums/products of values <= |c0| + 1 in size.
          const double tol = (static_cast<double>(K) + 2) * 0x1p-24 * mag * 2 + 16 * 0x1p-24 * (1 + std::fabs(c_new));
          bad += std::fabs(cell[static_cast<size_t>(b * H + j)] - c_new) <= tol ? 0 : 1;
          bad += std::fabs(h_out[static_cast<size_t>(b * (H + 1) + j)] - h_new) <= tol ? 0 : 1;
        }
        bad += std::isnan(h_out[static_cast<size_t>(b * (H + 1) + H)]) ? 0 : 1;
      }
      EXPECT_EQ(bad, 0) << "values outside the bound, NaN, or a write to the spare column";
    }
  }
}

}  // namespace
}  // namespace rnnconf::cpu::detail
