// run_on_device (device_run.hpp).
#include "executor/device_run.hpp"

namespace rnnconf::cuda {

std::set<const void*> variable_keys(const nnef::Model& model) {
  std::set<const void*> keys;
  for (const auto& [label, t] : model.variables)
    if (t.numel() > 0) keys.insert(t.bytes());
  return keys;
}

cpu::RunResult run_on_device(DeviceSequenceBackend& backend, const nnef::Model& model,
                             const std::map<std::string, Tensor>& inputs, bool record) {
  cpu::RunOptions opt;
  opt.precision = cpu::Precision::f32;
  opt.mode = cpu::FragmentMode::fused;
  opt.record = record;
  opt.backend = &backend;
  cpu::RunResult r;
  try {
    r = cpu::run_model(model, inputs, opt);
    backend.flush();  // a fused call whose outputs nobody read
  } catch (...) {
    backend.end_run();
    throw;
  }
  backend.end_run();
  std::set<std::string> literal;
  for (const auto& c : r.calls)
    if (!c.fused && literal.insert(c.fragment).second)
      r.warnings.push_back("device " + backend.name() + ": fragment '" + c.fragment + "' (identity " + c.identity_hash +
                           ", " + c.where + ") ran literally on the CPU, not on the device");
  return r;
}

}  // namespace rnnconf::cuda
