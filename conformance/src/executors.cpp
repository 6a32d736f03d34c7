// The executors behind the engines (engines.hpp): reference_cpu in process
// for `cpu` (fused) and `cpu-literal`, the CUDA module for `cuda`
// (cuda_engine_client.hpp); and the (device, mode) spelling of the same
// dispatch that ExecuteFn callers use.
#include "cuda_engine_client.hpp"
#include "rnnconf/conformance/engines.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"

namespace rnnconf::conformance {

ExecOutput execute_engine(const EngineSpec& engine, const std::filesystem::path& model_path,
                          const std::map<std::string, Tensor>& inputs, const Deadline& deadline) {
  if (engine.device == "cuda") {
    if (deadline.passed()) throw Error("engine cuda: " + deadline.ran_out() + " before the run started");
    return run_cuda_engine(model_path, inputs);
  }
  cpu::RunOptions opt;
  opt.precision = cpu::Precision::f32;
  opt.deadline = deadline;
  opt.mode = engine.mode == "literal" ? cpu::FragmentMode::literal : cpu::FragmentMode::fused;
  const nnef::Model model = nnef::load_model(model_path);
  cpu::RunResult rr = cpu::run_model(model, inputs, opt);
  return ExecOutput{std::move(rr.outputs), std::move(rr.warnings)};
}

ExecOutput execute_default(const std::filesystem::path& model_path, const std::map<std::string, Tensor>& inputs,
                           const std::string& mode, const std::string& device) {
  return execute_until(model_path, inputs, mode, device, Deadline{});
}

ExecOutput execute_until(const std::filesystem::path& model_path, const std::map<std::string, Tensor>& inputs,
                         const std::string& mode, const std::string& device, const Deadline& deadline) {
  return execute_engine(engine_of(device, mode), model_path, inputs, deadline);
}

}  // namespace rnnconf::conformance
