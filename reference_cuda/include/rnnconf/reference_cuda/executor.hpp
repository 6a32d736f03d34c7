// rnnconf::cuda::CudaExecutor: the executor interface on the GPU. Load a
// model once, construct the executor (it owns the streams, cuBLAS handles and
// per-call-site device plans), run it on inputs as often as needed: weights
// and model variables are uploaded on the first run and kept; the time loop
// of every fused recurrent call is captured once as a CUDA graph and replayed.
//
// What runs where (see README.md): the CPU interpreter walks the graph, but
// the tensors stay on the GPU (device residency, sequence_backend.hpp): the
// graph inputs are uploaded once per run when a device op first reads them,
// the layout ops (transpose, slice, concat, tile, reshape, squeeze, unsqueeze,
// rnn_bidi_pack) run as device gathers, every fragment call that the CPU
// executor's fused binder accepts (known identity: lstm, lstm_with_projection,
// gru, rnn_tanh, rnn_relu, and the four *_cell fragments) runs on the GPU
// reading and writing device buffers, call sites alternating between two
// streams, and the graph outputs are downloaded once at the end. Any other
// op runs on the CPU (inputs downloaded, result uploaded when read) and
// RunResult::warnings names it; a fragment of unknown identity runs literally
// on the CPU, and RunResult::warnings says so.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "rnnconf/core/tensor.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"
#include "rnnconf/reference_cuda/cuda_context.hpp"

namespace rnnconf::cuda {

struct CudaExecutorOptions {
  MathMode math = MathMode::pedantic;  // tf32 / bf16: benchmarks only
  bool use_graphs = true;              // false: enqueue each step eagerly (for comparison)
  int lanes = 2;                       // 1: every device call on one stream (for comparison); 1 or 2
  bool pair_input_projections = true; // both directions' x·w_ihᵀ in one batched GEMM (false: one GEMM each)
};

// Cumulative over the executor's runs.
struct CudaExecutorStats {
  int64_t weight_uploads = 0;    // packed weights of a fused call site
  int64_t graph_captures = 0;
  int64_t graph_replays = 0;
  int64_t variable_uploads = 0;  // model variables read by device ops (once per executor)
  int64_t host_to_device = 0;    // tensors uploaded during runs (graph inputs, CPU-fallback results)
  int64_t device_to_host = 0;    // tensors downloaded during runs (graph outputs, CPU-fallback inputs, records)
  int64_t device_layout_ops = 0; // layout ops run on the device
  int64_t paired_projections = 0; // pairs of fused calls whose input projections ran as one batched GEMM
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
  struct Engine;  // the context, its CudaDevice and the device backend (src/runtime/executor.cpp)
  const nnef::Model& model_;
  CudaExecutorOptions options_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace rnnconf::cuda
