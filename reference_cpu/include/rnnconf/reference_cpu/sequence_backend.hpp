// rnnconf::cpu::SequenceBackend: another device for the fused recurrent
// fragment calls of the graph executor. When RunOptions::backend is set (and
// the run is float32, fused mode), every call that run_fused binds to a fused
// kernel (the sequence fragments lstm, lstm_with_projection, gru, rnn_tanh,
// rnn_relu and the four *_cell fragments) goes to the backend instead of the
// CPU kernels of rnn_kernels.hpp: same packed weights, same host buffers, same
// contract. Unknown fragments always run literally on the CPU.
//
// Device residency (optional; a backend whose keeps_tensors() is false keeps
// every tensor on the host). A residency backend also receives the graph's
// layout ops (run_op) and hands out placeholder host tensors (right shape,
// elements not yet valid) for the results it keeps on its device: the fused
// calls' outputs come from new_output(), their x/h0/c0 are announced by
// will_read() before run_sequence/run_cell. The interpreter calls to_host()
// on every tensor before host code reads its elements (a CPU op, weight
// packing, records, the graph outputs): the backend then fills the
// placeholder. Each primitive op that runs on the CPU under such a backend
// adds a warning naming the op. reference_cuda implements it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rnnconf/reference_cpu/rnn_kernels.hpp"

namespace rnnconf::cpu {

// A layout op offered to a residency backend: the op's name ("transpose",
// "slice", "concat", ..., or the fragment "rnn_bidi_pack"), its tensor
// arguments in declared order (an array argument's items in order), and its
// integer / integer-list attributes by parameter name.
struct BackendOp {
  std::string op;
  std::vector<std::shared_ptr<const Tensor>> tensors;
  std::map<std::string, std::vector<int64_t>> attributes;
};

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

  // ---- device residency (see the header comment) ----
  virtual bool keeps_tensors() const { return false; }
  // The result (a placeholder) or nullptr with `why_not` when the backend does not run this op.
  virtual std::shared_ptr<const Tensor> run_op(const BackendOp& op, std::string& why_not) {
    why_not = "backend keeps no tensors (" + op.op + ")";
    return nullptr;
  }
  // A float32 output of a fused call, kept on the device (nullptr: a plain host tensor).
  virtual std::shared_ptr<Tensor> new_output(const Shape& /*shape*/) { return nullptr; }
  // The tensors a fused call is about to read through its raw pointers (x, h0, c0).
  virtual void will_read(const std::vector<std::shared_ptr<const Tensor>>& /*tensors*/) {}
  // Makes `t`'s host elements valid (a no-op for tensors the backend does not hold).
  virtual void to_host(const Tensor& /*t*/) {}
};

}  // namespace rnnconf::cpu
