// Internal: float sigmoid/tanh written without library calls so the compiler
// can vectorize the fused gate passes (std::exp / std::tanh on float are
// scalar libm calls and cost more than the recurrent GEMV at small batch).
// Formulas:
//   exp(x):  x = n·ln2 + r with |r| <= ln2/2 (Cody–Waite split of ln2 in two
//            parts), e^r by the degree-7 Taylor-like polynomial of Cephes
//            expf (coefficients minimax-fitted by Cephes), scaled by 2^n built
//            in the exponent bits. About 1 ulp over the clamped range.
//   sigmoid: 1 / (1 + exp(-x))  (PyTorch's formula).
//   tanh:    |x| < 0.625: x + x³·P(x²) (Cephes tanhf polynomial, ~2 ulp);
//            otherwise sign(x)·(1 − 2 / (exp(2|x|) + 1)), no cancellation there.
// NaN propagates; ±inf saturate. Measured against long double in
// activation_math_test.cpp. double kernels keep std::exp / std::tanh.
#pragma once

#include <bit>
#include <cstdint>

#include "kernels/isa_dispatch.hpp"

namespace rnnconf::cpu::detail {

// e^x for x clamped to [-87, 88] (2^n stays a normal float); NaN passes through.
RNNCONF_ALWAYS_INLINE float exp_f32(float x) {
  const float lo = -87.0F, hi = 88.0F;
  float v = x < lo ? lo : x;  // NaN compares false: stays NaN
  v = v > hi ? hi : v;
  // n = round(v / ln2) by the 1.5·2^23 trick (exact for |v / ln2| < 2^22).
  const float magic = 12582912.0F;
  const float t = v * 1.44269504088896341F + magic;
  const float n = t - magic;
  const int32_t ni = static_cast<int32_t>(std::bit_cast<uint32_t>(t) - std::bit_cast<uint32_t>(magic));
  float r = v - n * 0.693359375F;  // ln2 = C1 + C2, C1 exact in few bits
  r = r - n * -2.12194440e-4F;
  const float r2 = r * r;
  float p = 1.9875691500E-4F;
  p = p * r + 1.3981999507E-3F;
  p = p * r + 8.3334519073E-3F;
  p = p * r + 4.1665795894E-2F;
  p = p * r + 1.6666665459E-1F;
  p = p * r + 5.0000001201E-1F;
  const float er = p * r2 + r + 1.0F;
  const float scale = std::bit_cast<float>(static_cast<uint32_t>(ni + 127) << 23);
  const float out = er * scale;
  return x != x ? x : out;
}

RNNCONF_ALWAYS_INLINE float sigmoid_f32(float x) { return 1.0F / (1.0F + exp_f32(-x)); }

RNNCONF_ALWAYS_INLINE float tanh_f32(float x) {
  const float a = x < 0.0F ? -x : x;
  const float z = x * x;
  float p = -5.70498872745E-3F;
  p = p * z + 2.06390887954E-2F;
  p = p * z - 5.37397155531E-2F;
  p = p * z + 1.33314422036E-1F;
  p = p * z - 3.33332819422E-1F;
  const float small = p * z * x + x;
  const float e = exp_f32(2.0F * a);
  const float big_abs = 1.0F - 2.0F / (e + 1.0F);
  const float big = x < 0.0F ? -big_abs : big_abs;
  const float out = a < 0.625F ? small : big;
  return x != x ? x : out;
}

}  // namespace rnnconf::cpu::detail
