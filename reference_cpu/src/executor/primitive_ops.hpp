// The primitive-op registry of the graph executor (tract's habit: one small
// entry per op name). An op receives its arguments already bound to the
// declared parameter order of the standard-operation signature (defaults
// applied) and returns one Value (a tensor, or an array for split/unstack).
// Ops throw rnnconf::Error "op: what is wrong, with shapes"; the interpreter
// adds the graph.nnef line:col of the call.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "executor/value.hpp"

namespace rnnconf::cpu {

struct OpCall {
  std::string op;
  std::vector<Value> args;       // declared parameter order
  std::vector<std::string> names;  // declared parameter names, same order
  DType working = DType::f32;    // dtype of literal constants and `constant`
  std::string generic;           // op<type>: "scalar", "integer", "logical" or ""

  // The k-th argument as a tensor; a literal scalar/integer/logical becomes a
  // rank-0 tensor (scalar in `working` dtype).
  std::shared_ptr<const Tensor> tensor(size_t k) const;
  const Value& arg(size_t k) const { return args.at(k); }
  std::string what(size_t k) const { return op + ": argument '" + names.at(k) + "'"; }
  [[noreturn]] void fail(const std::string& message) const;
};

using OpFn = Value (*)(const OpCall&);

struct PrimitiveOp {
  std::string_view name;
  OpFn run;
};

// nullptr when `name` is not a primitive op of this executor.
const PrimitiveOp* find_primitive(std::string_view name);
std::vector<std::string_view> primitive_names();

// Op implementations, grouped by file (ops_elementwise.cpp, ops_layout.cpp, ops_linalg.cpp).
Value op_unary(const OpCall& c);
Value op_binary(const OpCall& c);
Value op_compare(const OpCall& c);
Value op_logical_binary(const OpCall& c);
Value op_not(const OpCall& c);
Value op_select(const OpCall& c);
Value op_clamp(const OpCall& c);
Value op_copy(const OpCall& c);
Value op_reshape(const OpCall& c);
Value op_transpose(const OpCall& c);
Value op_squeeze(const OpCall& c);
Value op_unsqueeze(const OpCall& c);
Value op_concat(const OpCall& c);
Value op_split(const OpCall& c);
Value op_stack(const OpCall& c);
Value op_unstack(const OpCall& c);
Value op_slice(const OpCall& c);
Value op_tile(const OpCall& c);
Value op_constant(const OpCall& c);
Value op_matmul(const OpCall& c);
Value op_linear(const OpCall& c);
Value op_shape_of(const OpCall& c);
Value op_cast(const OpCall& c);

// ---- neural-network ops around RNNs (ops_nn_*.cpp) ----
Value op_conv(const OpCall& c);                 // ops_nn_conv.cpp
Value op_batch_normalization(const OpCall& c);  // ops_nn_norm.cpp
Value op_leaky_relu(const OpCall& c);           // ops_nn_activation.cpp
Value op_erf(const OpCall& c);                  // ops_nn_activation.cpp (tract_core_erf)
Value op_softmax(const OpCall& c);              // ops_nn_softmax.cpp (softmax, tract_core_log_softmax)
Value op_reduce(const OpCall& c);               // ops_nn_reduce.cpp (sum/mean/max/min_reduce)
Value op_arg_reduce(const OpCall& c);           // ops_nn_reduce.cpp (argmax/argmin_reduce)
// ---- end of neural-network ops ----

// ---- indexing, padding and dynamic-shape ops (ops_index_*.cpp) ----
Value op_pad(const OpCall& c);     // ops_index_pad.cpp
Value op_gather(const OpCall& c);  // ops_index_gather.cpp
Value op_range(const OpCall& c);   // ops_index_range.cpp
// ---- end of indexing ops ----

}  // namespace rnnconf::cpu
