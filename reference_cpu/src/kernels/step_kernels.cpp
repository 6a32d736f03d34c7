// The host step kernels of step_kernels.hpp: the gate pass dispatch on the
// variant and BLAS GEMM, shared by the CPU step backend and emulated devices.
#include "rnnconf/reference_cpu/step_kernels.hpp"

#include "kernels/blas_calls.hpp"
#include "kernels/gate_passes.hpp"

namespace rnnconf::cpu {

template <class T>
void gate_pass(RnnVariant variant, const GateStep<T>& step) {
  switch (variant) {
    case RnnVariant::lstm: detail::lstm_gate_pass(step); return;
    case RnnVariant::gru: detail::gru_gate_pass(step); return;
    case RnnVariant::rnn_tanh: detail::rnn_tanh_gate_pass(step); return;
    case RnnVariant::rnn_relu: detail::rnn_relu_gate_pass(step); return;
  }
}

template <class T>
void blas_gemm_abt(int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, const T* B, int64_t ldb, T* C,
                   int64_t ldc) {
  if (M == 0 || N == 0) return;
  detail::gemm_abt(M, N, K, A, lda, B, ldb, T(0), C, ldc);
}

template void gate_pass<float>(RnnVariant, const GateStep<float>&);
template void gate_pass<double>(RnnVariant, const GateStep<double>&);
template void blas_gemm_abt<float>(int64_t, int64_t, int64_t, const float*, int64_t, const float*, int64_t, float*,
                                   int64_t);
template void blas_gemm_abt<double>(int64_t, int64_t, int64_t, const double*, int64_t, const double*, int64_t,
                                    double*, int64_t);

}  // namespace rnnconf::cpu
