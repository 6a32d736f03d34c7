// Elman RNN gate passes, as the rnn_tanh_scan_loop / rnn_relu_scan_loop bodies:
//   h' = tanh((xW + b) + hW_hhᵀ)  or  relu((xW + b) + hW_hhᵀ)
#include "kernels/gate_passes.hpp"

namespace rnnconf::cpu::detail {

namespace {
template <class T>
RNNCONF_ALWAYS_INLINE void rnn_tanh_rows(const GateStep<T>& s) {
  for (int64_t b = 0; b < s.batch; ++b) {
    const T* __restrict gx = s.gates_x + b * s.hidden;
    const T* __restrict gh = s.gates_h + b * s.hidden;
    const T* __restrict bias = s.b_x;
    T* __restrict out = s.h_out + b * s.h_out_stride;
    RNNCONF_INDEPENDENT_ITERATIONS
    for (int64_t j = 0; j < s.hidden; ++j) out[j] = Activations<T>::tanh((gx[j] + bias[j]) + gh[j]);
  }
}
template <class T>
RNNCONF_ALWAYS_INLINE void rnn_relu_rows(const GateStep<T>& s) {
  for (int64_t b = 0; b < s.batch; ++b) {
    const T* __restrict gx = s.gates_x + b * s.hidden;
    const T* __restrict gh = s.gates_h + b * s.hidden;
    const T* __restrict bias = s.b_x;
    T* __restrict out = s.h_out + b * s.h_out_stride;
    RNNCONF_INDEPENDENT_ITERATIONS
    for (int64_t j = 0; j < s.hidden; ++j) out[j] = relu((gx[j] + bias[j]) + gh[j]);
  }
}
}  // namespace

RNNCONF_DEFINE_GATE_PASS(rnn_tanh_gate_pass, rnn_tanh_rows)
RNNCONF_DEFINE_GATE_PASS(rnn_relu_gate_pass, rnn_relu_rows)

}  // namespace rnnconf::cpu::detail
