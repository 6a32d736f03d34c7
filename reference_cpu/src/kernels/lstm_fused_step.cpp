// The fused float LSTM step (see lstm_fused_step.hpp): panel-outer over groups
// of 16 hidden units, k-blocks of the panel kept in L1 while every group of up
// to 6 batch rows streams them, partial sums parked in a [B, 64] scratch
// between k-blocks, and the gate epilogue after the last k-block.
#include "kernels/lstm_fused_step.hpp"

#include "kernels/activation_avx512.hpp"
#include "kernels/isa_dispatch.hpp"

namespace rnnconf::cpu::detail {

#if RNNCONF_HAVE_ISA_CLONES
namespace {

constexpr int64_t kUnits = 16;    // hidden units per panel (one vector)
constexpr int64_t kWidth = 64;    // 4 gates × 16 units
constexpr int64_t kKBlock = 96;   // panel rows per k-block: 96·64 floats = 24 KiB stay in L1
constexpr int kMaxRows = 6;       // batch rows per register tile: 24 accumulators + 4 weights

RNNCONF_TARGET_AVX512 inline __mmask16 unit_mask(int64_t valid) {
  return valid >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1U << valid) - 1U);
}

struct Tile {
  int64_t b0;        // first batch row
  int64_t u0;        // first hidden unit of the panel
  __mmask16 units;   // valid units of the panel
  int64_t k0, kb;    // k-block
  const float* block;// panel rows k0 .. k0+kb
  bool first, last;  // first / last k-block
};

// The LSTM cell for 16 units of one batch row, from the 4 accumulated gates.
RNNCONF_TARGET_AVX512 inline void lstm_epilogue(const LstmStepArgs& a, int64_t row, int64_t u0, __mmask16 m,
                                                const __m512 (&gh)[4]) {
  const int64_t H = a.step.hidden;
  // Gate g of the 16 units: natural layout at g·H, blocked at 16·g.
  const float* gx = a.gates_x_blocked ? a.step.gates_x + ((u0 / kUnits) * a.step.batch + row) * kWidth
                                      : a.step.gates_x + row * 4 * H + u0;
  const int64_t gx_gate = a.gates_x_blocked ? kUnits : H;
  const float* bx = a.step.b_x + u0;
  __m512 pre[4];
  for (int g = 0; g < 4; ++g)
    pre[g] = _mm512_add_ps(
        _mm512_add_ps(_mm512_maskz_loadu_ps(m, gx + g * gx_gate), _mm512_maskz_loadu_ps(m, bx + g * H)), gh[g]);
  const __m512 i = sigmoid16(pre[0]);
  const __m512 f = sigmoid16(pre[1]);
  const __m512 g = tanh16(pre[2]);
  const __m512 o = sigmoid16(pre[3]);
  float* c = a.step.cell + row * H + u0;
  const __m512 c_new = _mm512_fmadd_ps(f, _mm512_maskz_loadu_ps(m, c), _mm512_mul_ps(i, g));
  _mm512_mask_storeu_ps(c, m, c_new);
  _mm512_mask_storeu_ps(a.step.h_out + row * a.step.h_out_stride + u0, m, _mm512_mul_ps(o, tanh16(c_new)));
}

template <int NB>
RNNCONF_TARGET_AVX512 inline void tile_rows(const LstmStepArgs& a, const Tile& t) {
  // Two accumulator sets (even / odd k) keep 8 independent FMA chains when NB = 1.
  constexpr int kSets = NB == 1 ? 2 : 1;
  __m512 acc[kSets][NB][4];
  float* part = a.partial + t.b0 * kWidth;
  for (int s = 0; s < kSets; ++s)
    for (int b = 0; b < NB; ++b)
      for (int v = 0; v < 4; ++v)
        acc[s][b][v] = s == 0 && !t.first ? _mm512_loadu_ps(part + b * kWidth + 16 * v) : _mm512_setzero_ps();
  // Natural layout: gates_x of a step (written by the input GEMM long before)
  // comes from memory in 4 streams per row: fetch the next panel's lines now,
  // a whole panel of FMAs ahead of its epilogue; likewise its cell lines.
  // (The blocked layout is read in address order; the hardware prefetches it.)
  if (!a.gates_x_blocked && t.first && t.u0 + kUnits < a.step.hidden)
    for (int b = 0; b < NB; ++b) {
      const float* gx = a.step.gates_x + (t.b0 + b) * 4 * a.step.hidden + t.u0 + kUnits;
      for (int g = 0; g < 4; ++g) _mm_prefetch(reinterpret_cast<const char*>(gx + g * a.step.hidden), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(a.step.cell + (t.b0 + b) * a.step.hidden + t.u0 + kUnits), _MM_HINT_T0);
    }
  const float* h = a.step.h_prev + t.b0 * a.step.h_prev_stride + t.k0;
  int64_t k = 0;
  for (; k + kSets <= t.kb; k += kSets)
    for (int s = 0; s < kSets; ++s) {
      const float* wrow = t.block + (k + s) * kWidth;
      const __m512 w0 = _mm512_loadu_ps(wrow), w1 = _mm512_loadu_ps(wrow + 16), w2 = _mm512_loadu_ps(wrow + 32),
                   w3 = _mm512_loadu_ps(wrow + 48);
      for (int b = 0; b < NB; ++b) {
        const __m512 hb = _mm512_set1_ps(h[b * a.step.h_prev_stride + k + s]);
        acc[s][b][0] = _mm512_fmadd_ps(hb, w0, acc[s][b][0]);
        acc[s][b][1] = _mm512_fmadd_ps(hb, w1, acc[s][b][1]);
        acc[s][b][2] = _mm512_fmadd_ps(hb, w2, acc[s][b][2]);
        acc[s][b][3] = _mm512_fmadd_ps(hb, w3, acc[s][b][3]);
      }
    }
  for (; k < t.kb; ++k) {  // odd kb with two sets
    const float* wrow = t.block + k * kWidth;
    for (int b = 0; b < NB; ++b) {
      const __m512 hb = _mm512_set1_ps(h[b * a.step.h_prev_stride + k]);
      for (int v = 0; v < 4; ++v) acc[0][b][v] = _mm512_fmadd_ps(hb, _mm512_loadu_ps(wrow + 16 * v), acc[0][b][v]);
    }
  }
  if constexpr (kSets == 2)
    for (int b = 0; b < NB; ++b)
      for (int v = 0; v < 4; ++v) acc[0][b][v] = _mm512_add_ps(acc[0][b][v], acc[1][b][v]);
  if (!t.last) {
    for (int b = 0; b < NB; ++b)
      for (int v = 0; v < 4; ++v) _mm512_storeu_ps(part + b * kWidth + 16 * v, acc[0][b][v]);
    return;
  }
  for (int b = 0; b < NB; ++b) lstm_epilogue(a, t.b0 + b, t.u0, t.units, acc[0][b]);
}

}  // namespace

bool lstm_fused_step_available(int64_t batch) { return batch >= 1 && running_isa() == Isa::avx512; }

RNNCONF_TARGET_AVX512 void lstm_fused_step(const LstmStepArgs& a) {
  const int64_t K = a.k;
  for (int64_t u0 = 0; u0 < a.step.hidden; u0 += kUnits) {
    Tile t{};
    t.u0 = u0;
    t.units = unit_mask(a.step.hidden - u0 < kUnits ? a.step.hidden - u0 : kUnits);
    const float* panel = a.panels + (u0 / kUnits) * K * kWidth;
    for (t.k0 = 0; t.k0 < K; t.k0 += kKBlock) {
      t.kb = K - t.k0 < kKBlock ? K - t.k0 : kKBlock;
      t.block = panel + t.k0 * kWidth;
      t.first = t.k0 == 0;
      t.last = t.k0 + t.kb == K;
      for (t.b0 = 0; t.b0 < a.step.batch; t.b0 += kMaxRows) {
        switch (a.step.batch - t.b0 >= kMaxRows ? kMaxRows : a.step.batch - t.b0) {
          case 1: tile_rows<1>(a, t); break;
          case 2: tile_rows<2>(a, t); break;
          case 3: tile_rows<3>(a, t); break;
          case 4: tile_rows<4>(a, t); break;
          case 5: tile_rows<5>(a, t); break;
          default: tile_rows<6>(a, t); break;
        }
      }
    }
  }
}
#else
bool lstm_fused_step_available(int64_t) { return false; }
void lstm_fused_step(const LstmStepArgs&) {}
#endif

}  // namespace rnnconf::cpu::detail
