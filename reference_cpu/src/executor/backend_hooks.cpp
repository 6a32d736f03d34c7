// The interpreter's side of device residency (sequence_backend.hpp): offering
// graph ops to a residency backend, copying device-held tensors back to the
// host before host code reads them, and the warning for each op that ran on
// the CPU under such a backend.
#include <fmt/format.h>

#include "executor/interpreter.hpp"
#include "rnnconf/reference_cpu/sequence_backend.hpp"

namespace rnnconf::cpu {
namespace {

// The BackendOp of `call`; false when an argument has a form the device path
// does not take (a non-float tensor, an array mixing tensors and attributes).
bool backend_op(const OpCall& call, BackendOp& op) {
  op.op = call.op;
  for (size_t k = 0; k < call.args.size(); ++k) {
    const Value& v = call.args[k];
    if (v.is_tensor()) {
      if (v.tensor->dtype() != DType::f32) return false;
      op.tensors.push_back(v.tensor);
    } else if (v.kind == Value::Kind::integer) {
      op.attributes[call.names.at(k)] = {v.i};
    } else if (v.kind == Value::Kind::array) {
      size_t tensors = 0, ints = 0;
      for (const auto& item : v.items) {
        tensors += item.is_tensor() ? 1 : 0;
        ints += item.kind == Value::Kind::integer ? 1 : 0;
      }
      if (tensors > 0 && tensors == v.items.size()) {
        for (const auto& item : v.items) {
          if (item.tensor->dtype() != DType::f32) return false;
          op.tensors.push_back(item.tensor);
        }
      } else if (ints == v.items.size()) {
        std::vector<int64_t>& list = op.attributes[call.names.at(k)];
        for (const auto& item : v.items) list.push_back(item.i);
      } else {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

SequenceBackend* residency(const ExecContext& ctx) {
  SequenceBackend* b = ctx.options.backend;
  return b != nullptr && ctx.working == DType::f32 && b->keeps_tensors() ? b : nullptr;
}

void host_values(ExecContext& ctx, const std::vector<Value>& values) {
  SequenceBackend* b = residency(ctx);
  if (b == nullptr) return;
  for (const auto& v : values) {
    if (v.is_tensor()) b->to_host(*v.tensor);
    else if (v.kind == Value::Kind::array || v.kind == Value::Kind::tuple) host_values(ctx, v.items);
  }
}

void prepare_host_op(ExecContext& ctx, const OpCall& call, const std::string& why) {
  SequenceBackend* b = residency(ctx);
  if (b == nullptr) return;
  host_values(ctx, call.args);
  ctx.warn(fmt::format("device {}: op '{}' ran on the CPU ({}): its inputs were copied to the host, its result goes "
                       "to the device when a device op reads it",
                       b->name(), call.op, why));
}

std::optional<Value> offer_to_backend(ExecContext& ctx, const OpCall& call) {
  SequenceBackend* b = residency(ctx);
  if (b == nullptr) return std::nullopt;
  BackendOp op;
  std::string why_not = "an argument is not float32 or mixes tensors and attributes";
  if (backend_op(call, op))
    if (auto t = b->run_op(op, why_not)) return Value::of_shared(std::move(t));
  prepare_host_op(ctx, call, why_not);
  return std::nullopt;
}

}  // namespace rnnconf::cpu
