// Register-tiled C = A · Wᵀ over weight panels (see panel_matmul.hpp): for each
// chunk of rows, each panel of 64 columns, each k-block of the panel (kept in
// L1), groups of up to 6 rows accumulate 6 × 4 vectors of 16 floats.
#include "kernels/panel_matmul.hpp"

#include "kernels/isa_dispatch.hpp"
#include "rnnconf/reference_cpu/rnn_weights.hpp"

#if RNNCONF_HAVE_ISA_CLONES
#include <immintrin.h>
#endif

namespace rnnconf::cpu::detail {

namespace {
// Column blocks: the panels of one block (at most this many bytes, at least one panel) stay in L2
// while every row chunk streams them; W is read from memory once per call.
constexpr int64_t kPanelBlockBytes = int64_t{1} << 20;
}  // namespace

#if RNNCONF_HAVE_ISA_CLONES
namespace {

static_assert(kHiddenPanelWidth == 64, "the tile below holds 4 vectors of 16 floats");

// Panel rows per k-block: 96·64 floats (24 KiB) stay in L1 while every group of rows streams them.
constexpr int64_t kKBlock = 96;
// Rows per chunk: a chunk's A slice (kRowChunk·K floats) stays in L1/L2 across the panels of a column block.
constexpr int64_t kRowChunk = 48;
// Rows per register tile: 24 accumulators + 4 weight vectors of the 32 registers.
constexpr int kMaxRows = 6;

RNNCONF_TARGET_AVX512 inline __mmask16 lanes(int64_t left) {
  return left >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1U << (left > 0 ? left : 0)) - 1U);
}

// One k-block of one panel for NB rows: c[b][0 .. valid) (+)= a[b, 0 .. K) · panel.
// accumulate = false starts from zero (first k-block), else adds to c.
template <int NB>
RNNCONF_TARGET_AVX512 inline void tile_rows(int64_t K, const float* a, int64_t lda, const float* panel,
                                            float* const* c, int64_t valid, bool accumulate) {
  // Two accumulator sets (even / odd k) keep 8 independent FMA chains when NB = 1.
  constexpr int kSets = NB == 1 ? 2 : 1;
  __m512 acc[kSets][NB][4];
  for (int s = 0; s < kSets; ++s)
    for (int b = 0; b < NB; ++b)
      for (int v = 0; v < 4; ++v)
        acc[s][b][v] = s == 0 && accumulate ? _mm512_maskz_loadu_ps(lanes(valid - 16 * v), c[b] + 16 * v)
                                            : _mm512_setzero_ps();
  int64_t k = 0;
  for (; k + kSets <= K; k += kSets)
    for (int s = 0; s < kSets; ++s) {
      const float* wrow = panel + (k + s) * 64;
      const __m512 w0 = _mm512_loadu_ps(wrow), w1 = _mm512_loadu_ps(wrow + 16), w2 = _mm512_loadu_ps(wrow + 32),
                   w3 = _mm512_loadu_ps(wrow + 48);
      for (int b = 0; b < NB; ++b) {
        const __m512 ab = _mm512_set1_ps(a[b * lda + k + s]);
        acc[s][b][0] = _mm512_fmadd_ps(ab, w0, acc[s][b][0]);
        acc[s][b][1] = _mm512_fmadd_ps(ab, w1, acc[s][b][1]);
        acc[s][b][2] = _mm512_fmadd_ps(ab, w2, acc[s][b][2]);
        acc[s][b][3] = _mm512_fmadd_ps(ab, w3, acc[s][b][3]);
      }
    }
  for (; k < K; ++k) {  // odd K with two sets
    const float* wrow = panel + k * 64;
    for (int b = 0; b < NB; ++b) {
      const __m512 ab = _mm512_set1_ps(a[b * lda + k]);
      for (int v = 0; v < 4; ++v) acc[0][b][v] = _mm512_fmadd_ps(ab, _mm512_loadu_ps(wrow + 16 * v), acc[0][b][v]);
    }
  }
  for (int b = 0; b < NB; ++b)
    for (int v = 0; v < 4; ++v) {
      __m512 sum = acc[0][b][v];
      if constexpr (kSets == 2) sum = _mm512_add_ps(sum, acc[kSets - 1][b][v]);
      if (valid - 16 * v <= 0) break;
      _mm512_mask_storeu_ps(c[b] + 16 * v, lanes(valid - 16 * v), sum);
    }
}

}  // namespace

bool panel_matmul_available() { return running_isa() == Isa::avx512; }

RNNCONF_TARGET_AVX512 void panel_matmul(int64_t M, int64_t N, int64_t K, const float* a, int64_t lda,
                                        const float* panels, const PanelOutput& out) {
  const int64_t n_panels = (N + 63) / 64;
  const int64_t panel_bytes = K * 64 * static_cast<int64_t>(sizeof(float));
  const int64_t block_cols = 64 * (kPanelBlockBytes / panel_bytes > 1 ? kPanelBlockBytes / panel_bytes : 1);
  const int64_t R = out.rows_per_block;
  float* rows[kMaxRows];
  for (int64_t nb = 0; nb < N; nb += block_cols)
    for (int64_t m0 = 0; m0 < M; m0 += kRowChunk) {
      const int64_t chunk = M - m0 < kRowChunk ? M - m0 : kRowChunk;
      for (int64_t n0 = nb; n0 < N && n0 < nb + block_cols; n0 += 64) {
        const float* panel = panels + (n0 / 64) * K * 64;
        // Blocked output: every panel block is 64 floats wide (its padding columns get the zero weights' 0).
        const int64_t valid = R > 0 ? 64 : (N - n0 < 64 ? N - n0 : 64);
        for (int64_t k0 = 0; k0 < K; k0 += kKBlock) {
          const int64_t kb = K - k0 < kKBlock ? K - k0 : kKBlock;
          const float* block = panel + k0 * 64;
          const bool accumulate = k0 > 0;
          for (int64_t r0 = 0; r0 < chunk; r0 += kMaxRows) {
            const int nr = static_cast<int>(chunk - r0 >= kMaxRows ? kMaxRows : chunk - r0);
            for (int b = 0; b < nr; ++b) {
              const int64_t m = m0 + r0 + b;
              rows[b] = R > 0 ? out.c + ((m / R) * n_panels + n0 / 64) * R * 64 + (m % R) * 64
                              : out.c + m * out.ldc + n0;
            }
            const float* ar = a + (m0 + r0) * lda + k0;
            switch (nr) {
              case 1: tile_rows<1>(kb, ar, lda, block, rows, valid, accumulate); break;
              case 2: tile_rows<2>(kb, ar, lda, block, rows, valid, accumulate); break;
              case 3: tile_rows<3>(kb, ar, lda, block, rows, valid, accumulate); break;
              case 4: tile_rows<4>(kb, ar, lda, block, rows, valid, accumulate); break;
              case 5: tile_rows<5>(kb, ar, lda, block, rows, valid, accumulate); break;
              default: tile_rows<6>(kb, ar, lda, block, rows, valid, accumulate); break;
            }
          }
        }
      }
    }
}

void panel_matmul(int64_t M, int64_t N, int64_t K, const float* a, int64_t lda, const float* panels, float* c,
                  int64_t ldc) {
  panel_matmul(M, N, K, a, lda, panels, PanelOutput{c, ldc, 0});
}
#else
bool panel_matmul_available() { return false; }
void panel_matmul(int64_t, int64_t, int64_t, const float*, int64_t, const float*, const PanelOutput&) {}
void panel_matmul(int64_t, int64_t, int64_t, const float*, int64_t, const float*, float*, int64_t) {}
#endif

bool panel_weights_cache_resident(int64_t N, int64_t K) {
  return (N + 63) / 64 * 64 * K * static_cast<int64_t>(sizeof(float)) <= kPanelBlockBytes;
}

}  // namespace rnnconf::cpu::detail
