// LSTM gate pass (gate order i, f, g, o), as the lstm_scan_loop fragment body:
//   i = σ(xW_i + hW_hiᵀ), f = σ(..), g = tanh(..), o = σ(..)
//   c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
#include "kernels/gate_passes.hpp"

namespace rnnconf::cpu::detail {

namespace {
template <class T>
RNNCONF_ALWAYS_INLINE void lstm_rows(const GateStep<T>& s) {
  using A = Activations<T>;
  const int64_t H = s.hidden;
  for (int64_t b = 0; b < s.batch; ++b) {
    // Per-gate rows of the pre-activations (separate restrict pointers keep the loop affine for the vectorizer).
    const T* __restrict xi = s.gates_x + b * 4 * H;
    const T* __restrict xf = xi + H;
    const T* __restrict xg = xi + 2 * H;
    const T* __restrict xo = xi + 3 * H;
    const T* __restrict bi = s.b_x;
    const T* __restrict bf = bi + H;
    const T* __restrict bg = bi + 2 * H;
    const T* __restrict bo = bi + 3 * H;
    const T* __restrict hi = s.gates_h + b * 4 * H;
    const T* __restrict hf = hi + H;
    const T* __restrict hg = hi + 2 * H;
    const T* __restrict ho = hi + 3 * H;
    T* __restrict c = s.cell + b * H;
    T* __restrict out = s.h_out + b * s.h_out_stride;
    RNNCONF_INDEPENDENT_ITERATIONS
    for (int64_t j = 0; j < H; ++j) {
      const T i = A::sigmoid((xi[j] + bi[j]) + hi[j]);
      const T f = A::sigmoid((xf[j] + bf[j]) + hf[j]);
      const T g = A::tanh((xg[j] + bg[j]) + hg[j]);
      const T o = A::sigmoid((xo[j] + bo[j]) + ho[j]);
      const T c_new = f * c[j] + i * g;
      c[j] = c_new;
      out[j] = o * A::tanh(c_new);
    }
  }
}
}  // namespace

RNNCONF_DEFINE_GATE_PASS(lstm_gate_pass, lstm_rows)

}  // namespace rnnconf::cpu::detail
