// Internal: the fused per-step gate passes of each recurrent variant (one pass
// over memory: nonlinearities, cell update, state write), the activation
// functions they use per element type, and the ISA dispatch of their float
// copies. Defined in lstm_kernel.cpp, gru_kernel.cpp, elman_kernel.cpp;
// called through cpu::gate_pass (step_kernels.hpp).
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/activation_math.hpp"
#include "kernels/isa_dispatch.hpp"
#include "rnnconf/reference_cpu/gate_step.hpp"

namespace rnnconf::cpu::detail {

// sigmoid(v) = 1 / (1 + exp(-v)) and tanh: double uses libm (the float64
// truth); float uses the vectorizable forms of activation_math.hpp (<= 1.3 ulp
// for exp/tanh, like libm's float functions).
template <class T> struct Activations;
template <> struct Activations<double> {
  static RNNCONF_ALWAYS_INLINE double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }
  static RNNCONF_ALWAYS_INLINE double tanh(double v) { return std::tanh(v); }
};
template <> struct Activations<float> {
  static RNNCONF_ALWAYS_INLINE float sigmoid(float v) { return sigmoid_f32(v); }
  static RNNCONF_ALWAYS_INLINE float tanh(float v) { return tanh_f32(v); }
};
// NaN propagates (v < 0 is false for NaN), like torch.relu.
template <class T>
RNNCONF_ALWAYS_INLINE T relu(T v) {
  return v < T(0) ? T(0) : v;
}

// One step for B rows (gate_step.hpp): pre-activation = (gates_x + b_x) +
// gates_h, the fragment's order. GateStep is cpu::GateStep, found from here.
template <class T> void lstm_gate_pass(const GateStep<T>& s);
template <class T> void gru_gate_pass(const GateStep<T>& s);
template <class T> void rnn_tanh_gate_pass(const GateStep<T>& s);
template <class T> void rnn_relu_gate_pass(const GateStep<T>& s);

// Defines `pass<double>` as `rows<double>` and `pass<float>` as `rows<float>`
// compiled three times (baseline, AVX2, AVX-512) and chosen per call.
#if RNNCONF_HAVE_ISA_CLONES
#define RNNCONF_DEFINE_GATE_PASS(pass, rows)                                                    \
  RNNCONF_TARGET_AVX512 static void pass##_avx512(const GateStep<float>& s) { rows<float>(s); } \
  RNNCONF_TARGET_AVX2 static void pass##_avx2(const GateStep<float>& s) { rows<float>(s); }     \
  template <>                                                                                   \
  void pass<float>(const GateStep<float>& s) {                                                  \
    switch (running_isa()) {                                                                    \
      case Isa::avx512: pass##_avx512(s); return;                                               \
      case Isa::avx2: pass##_avx2(s); return;                                                   \
      case Isa::baseline: rows<float>(s); return;                                               \
    }                                                                                           \
  }                                                                                             \
  template <>                                                                                   \
  void pass<double>(const GateStep<double>& s) {                                                \
    rows<double>(s);                                                                            \
  }
#else
#define RNNCONF_DEFINE_GATE_PASS(pass, rows)                                   \
  template <>                                                                  \
  void pass<float>(const GateStep<float>& s) {                                 \
    rows<float>(s);                                                            \
  }                                                                            \
  template <>                                                                  \
  void pass<double>(const GateStep<double>& s) {                               \
    rows<double>(s);                                                           \
  }
#endif

}  // namespace rnnconf::cpu::detail
