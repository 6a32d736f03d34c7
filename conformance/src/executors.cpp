// The executors the runner can use: reference_cpu (fused or literal fragment
// calls, float32), and reference_cuda when built with CUDA (RNNCONF_HAVE_CUDA).
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"
#ifdef RNNCONF_HAVE_CUDA
#include "rnnconf/reference_cuda/device.hpp"
#include "rnnconf/reference_cuda/executor.hpp"
#endif

namespace rnnconf::conformance {

bool device_available(const std::string& device, std::string& why) {
  if (device == "cpu") return true;
  if (device == "cuda") {
#ifdef RNNCONF_HAVE_CUDA
    return cuda::device_present(why);
#else
    why = "this rnnconf was built without CUDA (no nvcc, or RNNCONF_ENABLE_CUDA=OFF), so no GPU can be used";
    return false;
#endif
  }
  why = "unknown device '" + device + "' (expected cpu or cuda)";
  return false;
}

ExecOutput execute_default(const std::filesystem::path& model_path, const std::map<std::string, Tensor>& inputs,
                           const std::string& mode, const std::string& device) {
  return execute_until(model_path, inputs, mode, device, Deadline{});
}

ExecOutput execute_until(const std::filesystem::path& model_path, const std::map<std::string, Tensor>& inputs,
                         const std::string& mode, const std::string& device, const Deadline& deadline) {
  if (device == "cuda") {
#ifdef RNNCONF_HAVE_CUDA
    if (mode == "fused") {
      const nnef::Model model = nnef::load_model(model_path);
      cuda::CudaExecutor exec(model);
      cpu::RunResult rr = exec.run(inputs);
      return ExecOutput{std::move(rr.outputs), std::move(rr.warnings)};
    }
    if (mode != "literal") throw Error("unknown mode '" + mode + "' (expected fused or literal)");
    ExecOutput out = execute_until(model_path, inputs, mode, "cpu", deadline);
    out.warnings.push_back("device cuda, mode literal: fragment bodies run literally on the CPU; no GPU kernel is involved");
    return out;
#else
    throw Error("device cuda: this rnnconf was built without CUDA (no nvcc, or RNNCONF_ENABLE_CUDA=OFF)");
#endif
  }
  if (device != "cpu") throw Error("unknown device '" + device + "' (expected cpu or cuda)");
  cpu::RunOptions opt;
  opt.precision = cpu::Precision::f32;
  opt.deadline = deadline;
  if (mode == "fused") opt.mode = cpu::FragmentMode::fused;
  else if (mode == "literal") opt.mode = cpu::FragmentMode::literal;
  else throw Error("unknown mode '" + mode + "' (expected fused or literal)");
  const nnef::Model model = nnef::load_model(model_path);
  cpu::RunResult rr = cpu::run_model(model, inputs, opt);
  return ExecOutput{std::move(rr.outputs), std::move(rr.warnings)};
}

}  // namespace rnnconf::conformance
