// rnnconf::cpu::SequenceBackend: another device for the fused recurrent
// fragment calls of the graph executor. When RunOptions::backend is set (and
// the run is float32, fused mode), every call that run_fused binds to a fused
// kernel (the sequence fragments lstm, lstm_with_projection, gru, rnn_tanh,
// rnn_relu and the four *_cell fragments) goes to the backend instead of the
// CPU kernels of rnn_kernels.hpp: same packed weights, same host buffers, same
// contract. Everything else (orchestration ops, unknown fragments run
// literally) stays on the CPU interpreter. reference_cuda implements it.
#pragma once

#include <string>

#include "rnnconf/reference_cpu/rnn_kernels.hpp"

namespace rnnconf::cpu {

class SequenceBackend {
 public:
  SequenceBackend() = default;
  SequenceBackend(const SequenceBackend&) = delete;
  SequenceBackend& operator=(const SequenceBackend&) = delete;
  virtual ~SequenceBackend() = default;

  // Short device name for messages ("cuda").
  virtual std::string name() const = 0;

  // As cpu::run_sequence. `call_site` identifies the fragment call in the
  // model (stable for the model's lifetime): a backend may keep the weights
  // uploaded per call site. A recorder sees h, c, batch, time and step; a
  // backend may leave StepRecord::gates_x / gates_h null.
  virtual void run_sequence(const void* call_site, const RnnWeights<float>& w, const SequenceArgs<float>& args,
                            const StepRecorder<float>& recorder) = 0;

  // As cpu::run_cell.
  virtual void run_cell(const void* call_site, const RnnWeights<float>& w, const CellArgs<float>& args) = 0;
};

}  // namespace rnnconf::cpu
