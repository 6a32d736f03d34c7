// tract_core_range(start, end, step): the 1-D sequence start, start+step, ...
// up to end (excluded), as torch.arange; emitted by torch_to_nnef for
// torch.arange over a dynamic length (length masks). Integer arguments (or
// one-element i64 tensors from shape arithmetic) give i64; a scalar argument
// gives the run's float dtype (tract takes the dtype of its inputs).
#include <cmath>

#include <fmt/format.h>

#include "executor/primitive_ops.hpp"
#include "executor/tensor_index.hpp"

namespace rnnconf::cpu {
namespace {

bool is_float_arg(const Value& v) {
  if (v.kind == Value::Kind::scalar) return true;
  return v.is_tensor() && (v.tensor->dtype() == DType::f32 || v.tensor->dtype() == DType::f64);
}

double number(const OpCall& c, size_t k) {
  const Value& v = c.arg(k);
  if (v.is_tensor()) {
    if (v.tensor->numel() != 1)
      c.fail(fmt::format("argument '{}' must be a single number, got tensor{}", c.names.at(k),
                         shape_str(v.tensor->shape())));
    return v.tensor->cast(DType::f64).span<double>()[0];
  }
  return as_scalar(v, c.what(k));
}

}  // namespace

Value op_range(const OpCall& c) {
  const double start = number(c, 0), end = number(c, 1), step = number(c, 2);
  if (step == 0.0) c.fail(fmt::format("step is 0 (start {}, end {})", start, end));
  const bool floats = is_float_arg(c.arg(0)) || is_float_arg(c.arg(1)) || is_float_arg(c.arg(2));
  if (!floats) {
    const auto s = static_cast<int64_t>(start), e = static_cast<int64_t>(end),
               st = static_cast<int64_t>(step);
    const int64_t n = (st > 0 ? e > s : e < s) ? (e - s + st + (st > 0 ? -1 : 1)) / st : 0;
    Tensor y = poisoned(DType::i64, {n});
    auto d = y.span<int64_t>();
    for (int64_t k = 0; k < n; ++k) d[static_cast<size_t>(k)] = s + k * st;
    return Value::of_tensor(std::move(y));
  }
  const double span = (end - start) / step;
  const int64_t n = span > 0 ? static_cast<int64_t>(std::ceil(span)) : 0;
  Tensor y = poisoned(c.working, {n});
  for (int64_t k = 0; k < n; ++k) {
    const double v = start + static_cast<double>(k) * step;
    if (c.working == DType::f32)
      y.span<float>()[static_cast<size_t>(k)] = static_cast<float>(v);
    else
      y.span<double>()[static_cast<size_t>(k)] = v;
  }
  return Value::of_tensor(std::move(y));
}

}  // namespace rnnconf::cpu
