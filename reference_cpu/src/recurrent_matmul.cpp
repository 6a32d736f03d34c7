// Register-tiled recurrent product over weight panels (see recurrent_matmul.hpp): for each panel of
// 64 gate columns, NB batch rows × 4 vectors of 16 floats accumulate in
// registers while the k loop streams the panel ([K][64], contiguous).
#include "recurrent_matmul.hpp"

#include "isa_dispatch.hpp"
#include "rnnconf/reference_cpu/rnn_weights.hpp"

#if RNNCONF_HAVE_ISA_CLONES
#include <immintrin.h>
#endif

namespace rnnconf::cpu::detail {

#if RNNCONF_HAVE_ISA_CLONES
namespace {

static_assert(kHiddenPanelWidth == 64, "the tile below holds 4 vectors of 16 floats");

// Rows of a k-block: the panel slice of kKBlock·64 floats (24 KiB) stays in L1
// while every group of batch rows streams it.
constexpr int64_t kKBlock = 96;

RNNCONF_TARGET_AVX512 inline __mmask16 lanes(int64_t left) {
  return left >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1U << (left > 0 ? left : 0)) - 1U);
}

// One k-block of one panel for NB rows: out[:, 0 .. valid) (+)= h[:, 0 .. K) · panel.
// accumulate = false starts from zero (first k-block), else adds to out.
template <int NB>
RNNCONF_TARGET_AVX512 inline void panel_rows(int64_t K, const float* h, int64_t ldh, const float* panel, float* out,
                                             int64_t ldo, int64_t valid, bool accumulate) {
  // Two accumulator sets (even / odd k) keep 8 independent FMA chains when NB = 1.
  constexpr int kSets = NB == 1 ? 2 : 1;
  __m512 acc[kSets][NB][4];
  for (int s = 0; s < kSets; ++s)
    for (int b = 0; b < NB; ++b)
      for (int v = 0; v < 4; ++v)
        acc[s][b][v] = s == 0 && accumulate ? _mm512_maskz_loadu_ps(lanes(valid - 16 * v), out + b * ldo + 16 * v)
                                            : _mm512_setzero_ps();
  int64_t k = 0;
  for (; k + kSets <= K; k += kSets)
    for (int s = 0; s < kSets; ++s) {
      const float* wrow = panel + (k + s) * 64;
      // Stream ahead: the rows 16 k further on (4 KiB), so a panel read from
      // L3 / memory overlaps with the FMAs of the current rows.
      for (int line = 0; line < 4; ++line) _mm_prefetch(reinterpret_cast<const char*>(wrow + 16 * 64 + 16 * line), _MM_HINT_T0);
      const __m512 w0 = _mm512_loadu_ps(wrow), w1 = _mm512_loadu_ps(wrow + 16), w2 = _mm512_loadu_ps(wrow + 32),
                   w3 = _mm512_loadu_ps(wrow + 48);
      for (int b = 0; b < NB; ++b) {
        const __m512 hb = _mm512_set1_ps(h[b * ldh + k + s]);
        acc[s][b][0] = _mm512_fmadd_ps(hb, w0, acc[s][b][0]);
        acc[s][b][1] = _mm512_fmadd_ps(hb, w1, acc[s][b][1]);
        acc[s][b][2] = _mm512_fmadd_ps(hb, w2, acc[s][b][2]);
        acc[s][b][3] = _mm512_fmadd_ps(hb, w3, acc[s][b][3]);
      }
    }
  for (; k < K; ++k) {  // odd K with two sets
    const float* wrow = panel + k * 64;
    for (int b = 0; b < NB; ++b) {
      const __m512 hb = _mm512_set1_ps(h[b * ldh + k]);
      for (int v = 0; v < 4; ++v) acc[0][b][v] = _mm512_fmadd_ps(hb, _mm512_loadu_ps(wrow + 16 * v), acc[0][b][v]);
    }
  }
  for (int b = 0; b < NB; ++b)
    for (int v = 0; v < 4; ++v) {
      __m512 sum = acc[0][b][v];
      if constexpr (kSets == 2) sum = _mm512_add_ps(sum, acc[kSets - 1][b][v]);
      if (valid - 16 * v <= 0) break;
      _mm512_mask_storeu_ps(out + b * ldo + 16 * v, lanes(valid - 16 * v), sum);
    }
}

}  // namespace

bool panel_matmul_available(int64_t batch) { return batch >= 1 && running_isa() == Isa::avx512; }

RNNCONF_TARGET_AVX512 void recurrent_matmul_panels(int64_t B, int64_t N, int64_t K, const float* h, int64_t ldh,
                                                        const float* panels, float* out, int64_t ldo) {
  // Panel-outer, then k-blocks: each panel is read from memory once per step
  // and each k-block of it (24 KiB) serves every group of up to 4 batch rows
  // from L1 (16 accumulators + 4 weight vectors fit the 32 registers).
  for (int64_t n0 = 0; n0 < N; n0 += 64) {
    const float* panel = panels + (n0 / 64) * K * 64;
    const int64_t valid = N - n0 < 64 ? N - n0 : 64;
    for (int64_t k0 = 0; k0 < K; k0 += kKBlock) {
      const int64_t kb = K - k0 < kKBlock ? K - k0 : kKBlock;
      const float* block = panel + k0 * 64;
      const bool accumulate = k0 > 0;
      for (int64_t b0 = 0; b0 < B; b0 += 4) {
        const float* hb = h + b0 * ldh + k0;
        float* ob = out + b0 * ldo + n0;
        switch (B - b0 >= 4 ? 4 : B - b0) {
          case 1: panel_rows<1>(kb, hb, ldh, block, ob, ldo, valid, accumulate); break;
          case 2: panel_rows<2>(kb, hb, ldh, block, ob, ldo, valid, accumulate); break;
          case 3: panel_rows<3>(kb, hb, ldh, block, ob, ldo, valid, accumulate); break;
          default: panel_rows<4>(kb, hb, ldh, block, ob, ldo, valid, accumulate); break;
        }
      }
    }
  }
}
#else
bool panel_matmul_available(int64_t) { return false; }
void recurrent_matmul_panels(int64_t, int64_t, int64_t, const float*, int64_t, const float*, float*, int64_t) {}
#endif

}  // namespace rnnconf::cpu::detail
