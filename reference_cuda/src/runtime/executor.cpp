// CudaExecutor (executor.hpp): a CudaContext, the CudaDevice over its lanes
// and the device-agnostic DeviceSequenceBackend on it; each run is
// run_on_device (executor/device_run.hpp), plus the note on a benchmark math
// mode.
#include "rnnconf/reference_cuda/executor.hpp"

#include "executor/device_run.hpp"
#include "executor/device_sequence_backend.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cuda/device.hpp"
#include "runtime/cuda_device.hpp"

namespace rnnconf::cuda {

struct CudaExecutor::Engine {
  explicit Engine(const CudaExecutorOptions& o)
      : ctx(o.math), dev(ctx), backend(dev, o.use_graphs, o.lanes, o.pair_input_projections) {}
  CudaContext ctx;
  CudaDevice dev;
  DeviceSequenceBackend backend;  // destroyed first: frees its device arrays through dev
};

CudaExecutor::CudaExecutor(const nnef::Model& model, CudaExecutorOptions options) : model_(model), options_(options) {
  std::string why;
  if (!device_present(why)) throw Error("device cuda: " + why);
  if (options.lanes != 1 && options.lanes != CudaContext::kLanes)
    throw Error("CudaExecutor: lanes must be 1 or " + std::to_string(CudaContext::kLanes));
  engine_ = std::make_unique<Engine>(options);
  engine_->backend.set_persistent(variable_keys(model));
}

CudaExecutor::~CudaExecutor() = default;

cpu::RunResult CudaExecutor::run(const std::map<std::string, Tensor>& inputs, bool record) {
  cpu::RunResult r = run_on_device(engine_->backend, model_, inputs, record);
  if (options_.math != MathMode::pedantic)
    r.warnings.push_back("device cuda: GEMMs in " + std::string(math_mode_name(options_.math)) +
                         " mode (benchmark only, not the conformance float32 mode)");
  return r;
}

CudaExecutorStats CudaExecutor::stats() const {
  const DeviceSequenceBackend& b = engine_->backend;
  return {b.weight_uploads(),   b.graph_captures(), b.graph_replays(),    b.variable_uploads(),
          b.host_to_device(),   b.device_to_host(), b.device_layout_ops(), b.paired_projections()};
}

}  // namespace rnnconf::cuda
