// Internal: the float activations of activation_math.hpp on 16 lanes of an
// AVX-512 register, for kernels that apply the gate nonlinearities in
// registers (lstm_fused_step.cpp). Same formulas and constants as the scalar
// forms (Cody–Waite exp with the Cephes polynomial, sigmoid = 1 / (1 + e^-x),
// tanh: Cephes polynomial below 0.625, 1 − 2 / (e^{2|x|} + 1) above), with
// IEEE divisions. (A reciprocal estimate + one Newton step, ~1 ulp instead of
// 0.5 per quotient, was tried: no speed difference measurable on this
// project's VM, and it pushed a 3x-weight LSTM fuzz case just past the policy
// bound that the exact division meets; PyTorch's sigmoid divides exactly.)
// Ulp bounds against long double: activation_math_test.cpp. NaN propagates;
// ±inf saturate.
#pragma once

#include "kernels/isa_dispatch.hpp"

#if RNNCONF_HAVE_ISA_CLONES
#include <immintrin.h>

namespace rnnconf::cpu::detail {

#define RNNCONF_AVX512_INLINE RNNCONF_TARGET_AVX512 inline __attribute__((always_inline))

// All lanes. The zero-masked forms of max/min/shift are used below
// because GCC 12's unmasked ones pass an "undefined" vector that trips
// -Wmaybe-uninitialized; the instructions are the same.
inline constexpr __mmask16 kAll16 = 0xFFFF;

// lanes where v is NaN keep v; others take out.
RNNCONF_AVX512_INLINE __m512 keep_nan16(__m512 v, __m512 out) {
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), out, v);
}

// 1 / d, correctly rounded.
RNNCONF_AVX512_INLINE __m512 reciprocal16(__m512 d) { return _mm512_div_ps(_mm512_set1_ps(1.0F), d); }

// e^x, x clamped to [-87, 88] as exp_f32.
RNNCONF_AVX512_INLINE __m512 exp16(__m512 x) {
  __m512 v = _mm512_maskz_max_ps(kAll16, x, _mm512_set1_ps(-87.0F));
  v = _mm512_maskz_min_ps(kAll16, v, _mm512_set1_ps(88.0F));
  const __m512 magic = _mm512_set1_ps(12582912.0F);
  const __m512 t = _mm512_fmadd_ps(v, _mm512_set1_ps(1.44269504088896341F), magic);
  const __m512 n = _mm512_sub_ps(t, magic);
  const __m512i ni = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_castps_si512(magic));
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375F), v);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4F), r);
  const __m512 r2 = _mm512_mul_ps(r, r);
  __m512 p = _mm512_set1_ps(1.9875691500E-4F);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507E-3F));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073E-3F));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894E-2F));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459E-1F));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201E-1F));
  const __m512 er = _mm512_add_ps(_mm512_fmadd_ps(p, r2, r), _mm512_set1_ps(1.0F));
  const __m512 scale = _mm512_castsi512_ps(_mm512_maskz_slli_epi32(kAll16, _mm512_add_epi32(ni, _mm512_set1_epi32(127)), 23));
  return keep_nan16(x, _mm512_mul_ps(er, scale));
}

RNNCONF_AVX512_INLINE __m512 sigmoid16(__m512 x) {
  const __m512 e = exp16(_mm512_sub_ps(_mm512_setzero_ps(), x));
  return keep_nan16(x, reciprocal16(_mm512_add_ps(e, _mm512_set1_ps(1.0F))));
}

RNNCONF_AVX512_INLINE __m512 tanh16(__m512 x) {
  const __m512 sign = _mm512_set1_ps(-0.0F);
  const __m512 a = _mm512_andnot_ps(sign, x);
  const __m512 z = _mm512_mul_ps(x, x);
  __m512 p = _mm512_set1_ps(-5.70498872745E-3F);
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(2.06390887954E-2F));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-5.37397155531E-2F));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.33314422036E-1F));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-3.33332819422E-1F));
  const __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, z), x, x);
  const __m512 e = exp16(_mm512_add_ps(a, a));
  const __m512 q = reciprocal16(_mm512_add_ps(e, _mm512_set1_ps(1.0F)));
  const __m512 big_abs = _mm512_fnmadd_ps(_mm512_set1_ps(2.0F), q, _mm512_set1_ps(1.0F));
  const __m512 big = _mm512_or_ps(big_abs, _mm512_and_ps(sign, x));
  const __m512 out = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, _mm512_set1_ps(0.625F), _CMP_LT_OQ), big, small);
  // tanh is odd: the sign of x (so tanh(−0) = −0, which x + x³·P(x²) rounds to +0).
  const __m512 signed_out = _mm512_or_ps(_mm512_andnot_ps(sign, out), _mm512_and_ps(sign, x));
  return keep_nan16(x, signed_out);
}

}  // namespace rnnconf::cpu::detail

#endif
