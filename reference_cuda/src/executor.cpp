// CudaExecutor (executor.hpp): the CPU interpreter with the CUDA sequence
// backend plugged in, plus the notes on what did not run on the GPU.
#include "rnnconf/reference_cuda/executor.hpp"

#include <set>

#include "cuda_sequence_backend.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cuda/device.hpp"

namespace rnnconf::cuda {

CudaExecutor::CudaExecutor(const nnef::Model& model, CudaExecutorOptions options) : model_(model), options_(options) {
  std::string why;
  if (!device_present(why)) throw Error("device cuda: " + why);
  backend_ = std::make_unique<CudaSequenceBackend>(options.math, options.use_graphs);
}

CudaExecutor::~CudaExecutor() = default;

cpu::RunResult CudaExecutor::run(const std::map<std::string, Tensor>& inputs, bool record) {
  cpu::RunOptions opt;
  opt.precision = cpu::Precision::f32;
  opt.mode = cpu::FragmentMode::fused;
  opt.record = record;
  opt.backend = backend_.get();
  cpu::RunResult r = cpu::run_model(model_, inputs, opt);
  std::set<std::string> literal;
  for (const auto& c : r.calls)
    if (!c.fused && literal.insert(c.fragment).second)
      r.warnings.push_back("device cuda: fragment '" + c.fragment + "' (identity " + c.identity_hash + ", " + c.where +
                           ") ran literally on the CPU, not on the GPU");
  if (options_.math != MathMode::pedantic)
    r.warnings.push_back("device cuda: GEMMs in " + std::string(math_mode_name(options_.math)) +
                         " mode (benchmark only, not the conformance float32 mode)");
  return r;
}

CudaExecutorStats CudaExecutor::stats() const {
  return {backend_->weight_uploads(), backend_->graph_captures(), backend_->graph_replays()};
}

}  // namespace rnnconf::cuda
