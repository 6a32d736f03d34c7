// DeviceSequenceBackend::run_op (device_sequence_backend.hpp): the graph's
// layout ops on the device. The host plans the op (layout_plan.hpp); an
// alias plan shares its input's device array under the new shape; otherwise
// the output is allocated, poisoned NaN, and written by one gather per copy,
// all on lane 0 (after waiting for inputs written on lane 1).
#include <fmt/format.h>

#include "executor/device_sequence_backend.hpp"
#include "rnnconf/reference_cuda/layout_plan.hpp"

namespace rnnconf::cuda {

std::shared_ptr<const Tensor> DeviceSequenceBackend::run_op(const cpu::BackendOp& op, std::string& why_not) {
  constexpr int kLane = 0;
  for (const auto& t : op.tensors)
    if (t && pending_output(t->bytes())) flush();
  std::vector<Shape> shapes;
  for (const auto& t : op.tensors) {
    if (!t || t->dtype() != DType::f32) {
      why_not = op.op + ": the device path takes float32 tensors only";
      return nullptr;
    }
    shapes.push_back(t->shape());
  }
  const std::optional<LayoutPlan> plan = plan_layout_op(op.op, shapes, op.attributes, why_not);
  if (!plan) return nullptr;
  ++layout_ops_;
  if (plan->alias) {
    store_.read(op.tensors.at(0), kLane);
    return store_.new_alias(*op.tensors[0], plan->out_shape, kLane);
  }
  std::vector<const float*> src;
  for (const auto& t : op.tensors) src.push_back(store_.read(t, kLane));
  std::shared_ptr<Tensor> out = store_.new_placeholder(plan->out_shape, kLane);
  if (out->numel() == 0) return out;
  float* dst = store_.write_target(out->bytes(), out->numel(), kLane);
  if (dst == nullptr) throw Error(fmt::format("device {}: no device array for the output of {}", name(), op.op));
  dev_.fill(kLane, dst, 0xFF, static_cast<size_t>(out->numel()) * sizeof(float));
  for (const auto& c : plan->copies) dev_.gather(kLane, c, src.at(static_cast<size_t>(c.input)), dst);
  store_.ready(out->bytes(), kLane);
  return out;
}

}  // namespace rnnconf::cuda
