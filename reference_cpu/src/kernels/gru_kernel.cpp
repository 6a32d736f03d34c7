// GRU gate pass (gate order r, z, n), as the gru_scan_loop fragment body:
//   r = σ(xW_r + hW_hrᵀ), z = σ(xW_z + hW_hzᵀ)
//   n = tanh(xW_n + r ⊙ (hW_hnᵀ + b_hn)),   h' = (1 − z) ⊙ n + z ⊙ h
#include "kernels/gate_passes.hpp"

namespace rnnconf::cpu::detail {

namespace {
template <class T>
RNNCONF_ALWAYS_INLINE void gru_rows(const GateStep<T>& s) {
  using A = Activations<T>;
  const int64_t H = s.hidden;
  const T* __restrict b_hn = s.b_hn;
  const T* __restrict br = s.b_x;
  const T* __restrict bz = br + H;
  const T* __restrict bn = br + 2 * H;
  for (int64_t b = 0; b < s.batch; ++b) {
    const T* __restrict gx = s.gates_x + b * 3 * H;
    const T* __restrict gh = s.gates_h + b * 3 * H;
    const T* __restrict h = s.h_prev + b * s.h_prev_stride;
    T* __restrict out = s.h_out + b * s.h_out_stride;
    RNNCONF_INDEPENDENT_ITERATIONS
    for (int64_t j = 0; j < H; ++j) {
      const T r = A::sigmoid((gx[j] + br[j]) + gh[j]);
      const T z = A::sigmoid((gx[H + j] + bz[j]) + gh[H + j]);
      const T n = A::tanh((gx[2 * H + j] + bn[j]) + r * (gh[2 * H + j] + b_hn[j]));
      out[j] = (T(1) - z) * n + z * h[j];
    }
  }
}
}  // namespace

RNNCONF_DEFINE_GATE_PASS(gru_gate_pass, gru_rows)

}  // namespace rnnconf::cpu::detail
