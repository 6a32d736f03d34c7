// The primitive-op registry: op name -> implementation. A function-local
// constant table (no global mutable state). Graph inputs (external,
// tract_core_external), variable and tract_core_scan are not here: they need
// the interpreter (interpreter.cpp, scan_op.cpp).
#include "executor/primitive_ops.hpp"

#include <algorithm>

#include "rnnconf/core/error.hpp"

namespace rnnconf::cpu {

std::shared_ptr<const Tensor> OpCall::tensor(size_t k) const {
  try {
    return literal_tensor(args.at(k), working, "argument '" + names.at(k) + "'");
  } catch (const Error& e) {
    fail(e.message());
  }
}

void OpCall::fail(const std::string& message) const { throw Error(op + ": " + message); }

namespace {
const std::vector<PrimitiveOp>& table() {
  static const std::vector<PrimitiveOp> ops{
      {"copy", op_copy},         {"add", op_binary},       {"sub", op_binary},        {"mul", op_binary},
      {"div", op_binary},        {"pow", op_binary},       {"min", op_binary},        {"max", op_binary},
      {"lt", op_compare},        {"gt", op_compare},       {"le", op_compare},        {"ge", op_compare},
      {"eq", op_compare},        {"ne", op_compare},       {"and", op_logical_binary}, {"or", op_logical_binary},
      {"not", op_not},           {"exp", op_unary},        {"log", op_unary},         {"sin", op_unary},
      {"cos", op_unary},         {"abs", op_unary},        {"sign", op_unary},        {"neg", op_unary},
      {"rcp", op_unary},         {"floor", op_unary},      {"ceil", op_unary},        {"round", op_unary},
      {"sqr", op_unary},         {"sqrt", op_unary},       {"rsqr", op_unary},        {"rsqrt", op_unary},
      {"log2", op_unary},        {"relu", op_unary},       {"sigmoid", op_unary},     {"tanh", op_unary},
      {"softplus", op_unary},    {"select", op_select},    {"clamp", op_clamp},       {"matmul", op_matmul},
      {"linear", op_linear},     {"reshape", op_reshape},  {"transpose", op_transpose}, {"squeeze", op_squeeze},
      {"unsqueeze", op_unsqueeze}, {"concat", op_concat},  {"split", op_split},       {"stack", op_stack},
      {"unstack", op_unstack},   {"slice", op_slice},      {"tile", op_tile},         {"constant", op_constant},
      {"tract_core_shape_of", op_shape_of}, {"tract_core_cast", op_cast},
      // ---- neural-network ops around RNNs (ops_nn_*.cpp) ----
      {"conv", op_conv},         {"batch_normalization", op_batch_normalization},
      {"leaky_relu", op_leaky_relu}, {"tract_core_erf", op_erf},
      {"softmax", op_softmax},   {"tract_core_log_softmax", op_softmax},
      {"sum_reduce", op_reduce}, {"mean_reduce", op_reduce}, {"max_reduce", op_reduce}, {"min_reduce", op_reduce},
      {"argmax_reduce", op_arg_reduce}, {"argmin_reduce", op_arg_reduce},
      // ---- end of neural-network ops ----
      // ---- indexing, padding and dynamic-shape ops (ops_index_*.cpp) ----
      {"pad", op_pad},           {"gather", op_gather},    {"tract_core_gather", op_gather},
      {"tract_core_range", op_range},
      // ---- end of indexing ops ----
  };
  return ops;
}
}  // namespace

const PrimitiveOp* find_primitive(std::string_view name) {
  const auto& ops = table();
  auto it = std::find_if(ops.begin(), ops.end(), [&](const PrimitiveOp& p) { return p.name == name; });
  return it == ops.end() ? nullptr : &*it;
}

std::vector<std::string_view> primitive_names() {
  std::vector<std::string_view> names;
  for (const auto& p : table()) names.push_back(p.name);
  return names;
}

}  // namespace rnnconf::cpu
