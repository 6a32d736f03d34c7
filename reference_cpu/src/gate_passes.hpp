// Internal: the fused per-step gate passes of each recurrent variant (one pass
// over memory: nonlinearities, cell update, state write), the activation
// functions they use per element type, and the ISA dispatch of their float
// copies. Defined in lstm_kernel.cpp, gru_kernel.cpp, elman_kernel.cpp;
// driven by run_sequence.cpp.
#pragma once

#include <cmath>
#include <cstdint>

#include "activation_math.hpp"
#include "isa_dispatch.hpp"

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

// One step for B rows: pre-activation = (gates_x + b_x) + gates_h, the fragment's order.
template <class T>
struct GateStep {
  int64_t batch = 0;
  int64_t hidden = 0;               // H
  const T* gates_x = nullptr;       // [B, G·H]
  const T* gates_h = nullptr;       // [B, G·H]
  const T* b_x = nullptr;           // [G·H]
  const T* h_prev = nullptr;        // [B, H] row stride h_prev_stride (GRU reads it)
  int64_t h_prev_stride = 0;
  const T* b_hn = nullptr;          // [H] GRU
  T* cell = nullptr;                // [B, H] LSTM, updated in place
  T* h_out = nullptr;               // [B, H] row stride h_out_stride (LSTM with projection: m = o ⊙ tanh(c))
  int64_t h_out_stride = 0;
};

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
