// rnnconf::cuda::CudaExecutor: the executor interface on the GPU. Load a
// model once, construct the executor (it owns the streams, cuBLAS handles and
// per-call-site device plans), run it on inputs as often as needed: weights
// are uploaded on the first run and kept; the time loop of every fused
// recurrent call is captured once as a CUDA graph and replayed.
//
// What runs where (see README.md): every fragment call that the CPU
// executor's fused binder accepts (known identity: lstm, lstm_with_projection,
// gru, rnn_tanh, rnn_relu, and the four *_cell fragments) runs on the GPU
// through the cpu::SequenceBackend hook; graph-level orchestration ops
// (transpose, slice, concat, reshape, squeeze/unsqueeze, rnn_bidi_pack) run in
// the CPU interpreter on host tensors between the device calls. A fragment of
// unknown identity runs literally on the CPU, and RunResult::warnings says so.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "rnnconf/core/tensor.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"
#include "rnnconf/reference_cuda/cuda_context.hpp"

namespace rnnconf::cuda {

class CudaSequenceBackend;

struct CudaExecutorOptions {
  MathMode math = MathMode::pedantic;  // tf32 / bf16: benchmarks only
  bool use_graphs = true;              // false: enqueue each step eagerly (for comparison)
};

struct CudaExecutorStats {
  int64_t weight_uploads = 0;
  int64_t graph_captures = 0;
  int64_t graph_replays = 0;
};

class CudaExecutor {
 public:
  // Throws rnnconf::Error ("device cuda: no GPU present (...)") without a device.
  // `model` must outlive the executor.
  explicit CudaExecutor(const nnef::Model& model, CudaExecutorOptions options = {});
  CudaExecutor(const CudaExecutor&) = delete;
  CudaExecutor& operator=(const CudaExecutor&) = delete;
  ~CudaExecutor();

  // Float32, fused mode; `record` fills RunResult::records as the CPU executor does.
  cpu::RunResult run(const std::map<std::string, Tensor>& inputs, bool record = false);

  CudaExecutorStats stats() const;

 private:
  const nnef::Model& model_;
  CudaExecutorOptions options_;
  std::unique_ptr<CudaSequenceBackend> backend_;
};

}  // namespace rnnconf::cuda
