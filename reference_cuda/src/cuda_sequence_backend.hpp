// Internal: CudaSequenceBackend, the cpu::SequenceBackend of reference_cuda.
// Per fragment call site it keeps a plan: the packed weights uploaded once
// (re-uploaded only when their fingerprint changes), device buffers sized for
// the call's (T, B), and the whole time loop captured once as a CUDA graph
// (recaptured when T, B, direction or the optional inputs change). A call
// uploads x/h0/c0, replays the graph, downloads y/h_last/c_last.
#pragma once

#include <cstdint>
#include <map>

#include "rnnconf/reference_cpu/sequence_backend.hpp"
#include "rnnconf/reference_cuda/cuda_context.hpp"
#include "rnnconf/reference_cuda/cuda_graph_loop.hpp"
#include "rnnconf/reference_cuda/sequence_runner.hpp"

namespace rnnconf::cuda {

// FNV-1a over the variant, the sizes and up to 1024 evenly spaced elements of
// each weight buffer: cheap, and catches a call site whose weights change.
uint64_t weights_fingerprint(const cpu::RnnWeights<float>& w);

class CudaSequenceBackend final : public cpu::SequenceBackend {
 public:
  CudaSequenceBackend(MathMode math, bool use_graphs) : ctx_(math), use_graphs_(use_graphs) {}

  std::string name() const override { return "cuda"; }
  void run_sequence(const void* call_site, const cpu::RnnWeights<float>& w, const cpu::SequenceArgs<float>& args,
                    const cpu::StepRecorder<float>& recorder) override;
  void run_cell(const void* call_site, const cpu::RnnWeights<float>& w, const cpu::CellArgs<float>& args) override;

  const CudaContext& context() const { return ctx_; }
  int64_t graph_captures() const { return captures_; }
  int64_t graph_replays() const { return replays_; }
  int64_t weight_uploads() const { return uploads_; }

 private:
  struct Plan {
    uint64_t fingerprint = 0;
    bool uploaded = false;
    DeviceRnnWeights<float> w;
    DeviceWorkspace<float> ws;
    DeviceBuffer<float> x, h0, c0, y, h_last, c_last, c_history;
    int64_t steps = -1, batch = -1;
    bool reverse = false, has_h0 = false, has_c0 = false, record = false;
    CapturedLoop loop;
  };

  CudaContext ctx_;
  bool use_graphs_;
  std::map<const void*, Plan> plans_;
  int64_t captures_ = 0, replays_ = 0, uploads_ = 0;
};

}  // namespace rnnconf::cuda
