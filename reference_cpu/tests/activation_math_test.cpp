// The float activations of the fused kernels against long double: the scalar
// forms (activation_math.hpp, vectorized by the compiler in the gate passes)
// and the 16-lane AVX-512 forms (activation_avx512.hpp, used by the fused
// LSTM step). Samples: every 9973rd
// float bit pattern with |x| <= 100, plus dense runs around 0, the tanh
// branch point 0.625 and the exp clamps; special values separately.
// Bounds (ulp of the float nearest the true value, where that is >= FLT_MIN):
// exp 1.5, tanh 2, sigmoid 3 — the measured maxima over these samples were
// exp 1.01, tanh 1.33, sigmoid 2.48 (scalar and vector), sigmoid's
// coming from e^{-x}'s error where σ(x) ≈ e^x.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/activation_avx512.hpp"
#include "kernels/activation_math.hpp"

namespace rnnconf::cpu::detail {
namespace {

std::vector<float> samples() {
  std::vector<float> out;
  for (uint64_t bits = 0; bits <= 0xFFFFFFFFULL; bits += 9973) {
    float x = 0;
    const auto b = static_cast<uint32_t>(bits);
    std::memcpy(&x, &b, sizeof x);
    if (std::isfinite(x) && std::fabs(x) <= 100.0F) out.push_back(x);
  }
  for (float c : {0.0F, 0.625F, -0.625F, 87.0F, -87.0F, 88.0F, -88.0F, 44.0F, -44.0F}) {
    float v = c;
    for (int i = 0; i < 2000; ++i) v = std::nextafter(v, -200.0F);
    for (int i = 0; i < 4000; ++i) {
      out.push_back(v);
      v = std::nextafter(v, 200.0F);
    }
  }
  return out;
}

// |v − ref| in units of the spacing of floats at ref (0 when ref is below FLT_MIN: not measured).
double ulps(float v, long double ref) {
  const long double a = std::fabs(ref);
  if (a < std::numeric_limits<float>::min()) return 0;
  const float r = static_cast<float>(a);
  const double spacing = static_cast<double>(std::nextafter(r, std::numeric_limits<float>::infinity()) - r);
  return static_cast<double>(std::fabs(static_cast<long double>(v) - ref)) / spacing;
}

long double sigmoid_ref(float x) { return 1.0L / (1.0L + std::exp(-static_cast<long double>(x))); }
long double tanh_ref(float x) { return std::tanh(static_cast<long double>(x)); }
long double exp_ref(float x) { return std::exp(static_cast<long double>(x)); }

constexpr double kExpUlp = 1.5, kTanhUlp = 2.0, kSigmoidUlp = 3.0;

TEST(ActivationMath, ScalarFormsWithinUlpBounds) {
  double worst_s = 0, worst_t = 0, worst_e = 0;
  for (float x : samples()) {
    worst_s = std::fmax(worst_s, ulps(sigmoid_f32(x), sigmoid_ref(x)));
    worst_t = std::fmax(worst_t, ulps(tanh_f32(x), tanh_ref(x)));
    if (x > -87.0F && x < 88.0F) worst_e = std::fmax(worst_e, ulps(exp_f32(x), exp_ref(x)));
  }
  EXPECT_LE(worst_e, kExpUlp);
  EXPECT_LE(worst_t, kTanhUlp);
  EXPECT_LE(worst_s, kSigmoidUlp);
  EXPECT_GT(worst_s + worst_t + worst_e, 0.0) << "the comparison measured nothing";
}

TEST(ActivationMath, ScalarSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(sigmoid_f32(nan)));
  EXPECT_TRUE(std::isnan(tanh_f32(nan)));
  EXPECT_TRUE(std::isnan(exp_f32(nan)));
  EXPECT_EQ(sigmoid_f32(inf), 1.0F);
  // −∞ is clamped to −88 first: σ = 1 / (1 + e^88) ≈ 6.1e-39, not 0 (below FLT_MIN).
  EXPECT_GE(sigmoid_f32(-inf), 0.0F);
  EXPECT_LT(sigmoid_f32(-inf), std::numeric_limits<float>::min());
  EXPECT_EQ(tanh_f32(inf), 1.0F);
  EXPECT_EQ(tanh_f32(-inf), -1.0F);
  EXPECT_EQ(sigmoid_f32(0.0F), 0.5F);
  EXPECT_EQ(tanh_f32(0.0F), 0.0F);
}

#if RNNCONF_HAVE_ISA_CLONES
// The 16-lane forms, each lane a different sample (so lane mix-ups show).
struct Vec16Results {
  std::vector<float> s, t, e;
};
RNNCONF_TARGET_AVX512 Vec16Results run_vec16(const std::vector<float>& xs) {
  Vec16Results r;
  r.s.resize(xs.size());
  r.t.resize(xs.size());
  r.e.resize(xs.size());
  size_t i = 0;
  for (; i + 16 <= xs.size(); i += 16) {
    const __m512 v = _mm512_loadu_ps(xs.data() + i);
    _mm512_storeu_ps(r.s.data() + i, sigmoid16(v));
    _mm512_storeu_ps(r.t.data() + i, tanh16(v));
    _mm512_storeu_ps(r.e.data() + i, exp16(v));
  }
  r.s.resize(i);
  r.t.resize(i);
  r.e.resize(i);
  return r;
}

// The AVX-512 forms are called directly (not through the dispatcher), so they
// are tested whenever the CPU has AVX-512, whatever RNNCONF_CPU_ISA forces.
bool have_avx512() { return detected_cpu_isa() == CpuIsa::avx512; }

TEST(ActivationMath, Avx512FormsWithinUlpBounds) {
  if (!have_avx512()) GTEST_SKIP() << "this CPU has no AVX-512";
  const std::vector<float> xs = samples();
  const Vec16Results r = run_vec16(xs);
  ASSERT_GT(r.s.size(), 100000U);
  double worst_s = 0, worst_t = 0, worst_e = 0;
  for (size_t i = 0; i < r.s.size(); ++i) {
    const float x = xs[i];
    worst_s = std::fmax(worst_s, ulps(r.s[i], sigmoid_ref(x)));
    worst_t = std::fmax(worst_t, ulps(r.t[i], tanh_ref(x)));
    if (x > -87.0F && x < 88.0F) worst_e = std::fmax(worst_e, ulps(r.e[i], exp_ref(x)));
  }
  EXPECT_LE(worst_e, kExpUlp);
  EXPECT_LE(worst_t, kTanhUlp);
  EXPECT_LE(worst_s, kSigmoidUlp);
  EXPECT_GT(worst_s + worst_t + worst_e, 0.0) << "the comparison measured nothing";
}

TEST(ActivationMath, Avx512SpecialValues) {
  if (!have_avx512()) GTEST_SKIP() << "this CPU has no AVX-512";
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> xs = {nan, inf, -inf, 0.0F, -0.0F, 100.0F, -100.0F, 1e-30F, -1e-30F, 0.625F, -0.625F,
                           88.0F, -88.0F, 3.0F, -3.0F, 0.5F};
  const Vec16Results r = run_vec16(xs);
  ASSERT_EQ(r.s.size(), 16U);
  EXPECT_TRUE(std::isnan(r.s[0]) && std::isnan(r.t[0]) && std::isnan(r.e[0])) << "NaN must propagate";
  EXPECT_EQ(r.s[1], 1.0F);
  EXPECT_GE(r.s[2], 0.0F);
  EXPECT_LT(r.s[2], std::numeric_limits<float>::min());
  EXPECT_EQ(r.t[1], 1.0F);
  EXPECT_EQ(r.t[2], -1.0F);
  EXPECT_EQ(r.s[3], 0.5F);
  EXPECT_EQ(r.t[3], 0.0F);
  EXPECT_TRUE(std::signbit(r.t[4])) << "tanh(-0) = -0";
  EXPECT_EQ(r.s[5], 1.0F);
  EXPECT_LT(r.s[6], 1e-37F);
  EXPECT_EQ(r.t[5], 1.0F);
  EXPECT_EQ(r.t[6], -1.0F);
  EXPECT_EQ(r.t[7], 1e-30F);
  // Same results as the scalar forms within the bounds, lane by lane.
  for (size_t i = 9; i < 16; ++i) {
    EXPECT_LE(ulps(r.s[i], sigmoid_ref(xs[i])), kSigmoidUlp) << xs[i];
    EXPECT_LE(ulps(r.t[i], tanh_ref(xs[i])), kTanhUlp) << xs[i];
  }
}
#endif

}  // namespace
}  // namespace rnnconf::cpu::detail
