// The executors the runner can use: reference_cpu (fused or literal fragment
// calls, float32), and reference_cuda once it exists.
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"

namespace rnnconf::conformance {

bool device_available(const std::string& device, std::string& why) {
  if (device == "cpu") return true;
  if (device == "cuda") {
    why = "no CUDA executor in this build (reference_cuda is not implemented yet), so no GPU can be used";
    return false;
  }
  why = "unknown device '" + device + "' (expected cpu or cuda)";
  return false;
}

ExecOutput execute_default(const std::filesystem::path& model_path, const std::map<std::string, Tensor>& inputs,
                           const std::string& mode, const std::string& device) {
  if (device == "cuda")
    throw Error("device cuda: reference_cuda is not built in this version of rnnconf (no CUDA executor yet)");
  if (device != "cpu") throw Error("unknown device '" + device + "' (expected cpu or cuda)");
  cpu::RunOptions opt;
  opt.precision = cpu::Precision::f32;
  if (mode == "fused") opt.mode = cpu::FragmentMode::fused;
  else if (mode == "literal") opt.mode = cpu::FragmentMode::literal;
  else throw Error("unknown mode '" + mode + "' (expected fused or literal)");
  const nnef::Model model = nnef::load_model(model_path);
  cpu::RunResult rr = cpu::run_model(model, inputs, opt);
  return ExecOutput{std::move(rr.outputs), std::move(rr.warnings)};
}

}  // namespace rnnconf::conformance
