// batch_normalization(input, mean, variance, offset, scale, epsilon) (NNEF
// §4.9, same in tract's stdlib.nnef): offset + scale · (input - mean) /
// sqrt(variance + epsilon), evaluated in exactly the fragment's order with
// the element-wise ops (first-axis broadcasting: torch_to_nnef writes the
// statistics as [1, C, 1...], the input's rank). LayerNorm arrives as
// torch_to_nnef's layer_norm fragments (sum_reduce, sqr, rsqrt, ...), run
// literally. epsilon may be a variable of shape [] (torch_to_nnef writes
// the default 1e-05 so).
#include "executor/ops_nn_support.hpp"

namespace rnnconf::cpu {
namespace {

Value elementwise(const OpCall& outer, const char* op, Value a, Value b) {
  OpCall c{op, {std::move(a), std::move(b)}, {"x", "y"}, outer.working, ""};
  return op_binary(c);
}

}  // namespace

Value op_batch_normalization(const OpCall& c) {
  const auto x = c.tensor(0), mean = c.tensor(1), var = c.tensor(2), offset = c.tensor(3), scale = c.tensor(4);
  require_float(c, *x, "input");
  // epsilon: a scalar, or a variable of shape [] (torch_to_nnef writes
  // BatchNorm's default 1e-05 so), which tract reads as a scalar.
  const auto eps_t = c.tensor(5);
  if (eps_t->numel() != 1) c.fail(fmt::format("epsilon must be one value, got {}", shape_str(eps_t->shape())));
  const Value eps = Value::of_shared(eps_t);
  try {
    const Value centered = elementwise(c, "sub", Value::of_shared(x), Value::of_shared(mean));
    const Value scaled = elementwise(c, "mul", Value::of_shared(scale), centered);
    const Value shifted_var = elementwise(c, "add", Value::of_shared(var), eps);
    OpCall root{"sqrt", {shifted_var}, {"x"}, c.working, ""};
    const Value denom = op_unary(root);
    const Value normalized = elementwise(c, "div", scaled, denom);
    return elementwise(c, "add", Value::of_shared(offset), normalized);
  } catch (const Error& e) {
    c.fail(fmt::format("input {}, mean {}, variance {}, offset {}, scale {} do not broadcast: {}",
                       shape_str(x->shape()), shape_str(mean->shape()), shape_str(var->shape()),
                       shape_str(offset->shape()), shape_str(scale->shape()), e.message()));
  }
}

}  // namespace rnnconf::cpu
