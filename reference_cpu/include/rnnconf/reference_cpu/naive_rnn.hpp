// rnnconf::cpu naive reference: the recurrent layers and cells written as
// plain loops straight from PyTorch's equations (no BLAS, no packing, no
// folding of biases), accumulating in long double. It is the oracle the fused
// kernels of rnn_kernels.hpp are tested against, so it favours clarity over
// speed and shares no code with them.
#pragma once

#include <cstdint>
#include <vector>

#include "rnnconf/reference_cpu/rnn_weights.hpp"

namespace rnnconf::cpu {

// PyTorch-layout parameters of one (layer, direction): w_ih [G·H, I],
// w_hh [G·H, H_out], b_ih and b_hh [G·H] (both empty = no bias), w_hr [P, H].
template <class T>
struct NaiveRnnParams {
  RnnVariant variant = RnnVariant::lstm;
  int64_t input_size = 0, hidden_size = 0, proj_size = 0;
  std::vector<T> w_ih, w_hh, b_ih, b_hh, w_hr;
  int64_t output_size() const { return proj_size > 0 ? proj_size : hidden_size; }
};

template <class T>
struct NaiveSequenceResult {
  std::vector<T> y;       // [steps, batch, H_out], time order
  std::vector<T> h_last;  // [batch, H_out]
  std::vector<T> c_last;  // [batch, H] (LSTM), empty otherwise
  // Per processed step (processing order), for triage tests: the cell state.
  std::vector<std::vector<T>> c_per_step;
};

// x [steps, batch, I]; h0 [batch, H_out] and c0 [batch, H] may be empty (= zeros).
template <class T>
NaiveSequenceResult<T> naive_sequence(const NaiveRnnParams<T>& p, const std::vector<T>& x, int64_t steps,
                                      int64_t batch, const std::vector<T>& h0, const std::vector<T>& c0,
                                      bool reverse);

}  // namespace rnnconf::cpu
