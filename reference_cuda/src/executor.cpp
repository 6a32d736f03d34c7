// CudaExecutor (executor.hpp): the CPU interpreter with the CUDA backend
// (device residency) plugged in, the end of each run (lanes joined, the run's
// device tensors freed, also after a failure), and the notes on what did not
// run on the GPU.
#include "rnnconf/reference_cuda/executor.hpp"

#include <set>

#include "cuda_sequence_backend.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cuda/device.hpp"

namespace rnnconf::cuda {

CudaExecutor::CudaExecutor(const nnef::Model& model, CudaExecutorOptions options) : model_(model), options_(options) {
  std::string why;
  if (!device_present(why)) throw Error("device cuda: " + why);
  if (options.lanes != 1 && options.lanes != CudaContext::kLanes)
    throw Error("CudaExecutor: lanes must be 1 or " + std::to_string(CudaContext::kLanes));
  backend_ = std::make_unique<CudaSequenceBackend>(options.math, options.use_graphs, options.lanes,
                                                   options.pair_input_projections);
  std::set<const void*> variables;
  for (const auto& [label, t] : model.variables)
    if (t.numel() > 0) variables.insert(t.bytes());
  backend_->set_persistent(std::move(variables));
}

CudaExecutor::~CudaExecutor() = default;

cpu::RunResult CudaExecutor::run(const std::map<std::string, Tensor>& inputs, bool record) {
  cpu::RunOptions opt;
  opt.precision = cpu::Precision::f32;
  opt.mode = cpu::FragmentMode::fused;
  opt.record = record;
  opt.backend = backend_.get();
  cpu::RunResult r;
  try {
    r = cpu::run_model(model_, inputs, opt);
    backend_->flush();  // a fused call whose outputs nobody read
  } catch (...) {
    backend_->end_run();
    throw;
  }
  backend_->end_run();
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
  const CudaSequenceBackend& b = *backend_;
  return {b.weight_uploads(),   b.graph_captures(), b.graph_replays(),    b.variable_uploads(),
          b.host_to_device(),   b.device_to_host(), b.device_layout_ops(), b.paired_projections()};
}

}  // namespace rnnconf::cuda
