// Reductions (NNEF §4.10, tract's Reduce): sum_reduce (normalize = true
// divides by the count, as tract's deser does), mean_reduce (tract's stdlib
// fragment: sum_reduce(normalize = true)), max_reduce, min_reduce,
// argmax_reduce and argmin_reduce. Reduced axes stay with extent 1 (torch's
// keepdim=False arrives as a following squeeze). Sums are pairwise in index
// order. max/min propagate NaN (as PyTorch); argmax/argmin return the FIRST
// index of the extreme on ties (PyTorch, tract's ArgMax(false)), the first
// NaN when there is one (PyTorch), as an i64 tensor; over several axes, the
// row-major index within the reduced axes (torch.argmax without dim).
#include <cmath>

#include "executor/ops_nn_support.hpp"

namespace rnnconf::cpu {
namespace {

template <class T>
Tensor reduce_typed(const OpCall& c, const Tensor& x, const ReductionPlan& p) {
  Tensor y = poisoned(x.dtype(), p.out);
  const auto src = x.span<T>();
  auto dst = y.span<T>();
  const bool sum = c.op == "sum_reduce" || c.op == "mean_reduce";
  const bool normalize = c.op == "mean_reduce" || (c.op == "sum_reduce" && as_bool(c.arg(2), c.what(2)));
  const bool is_max = c.op == "max_reduce";
  const auto n = static_cast<int64_t>(p.offset.size());
  for (size_t o = 0; o < p.base.size(); ++o) {
    const T* base = src.data() + p.base[o];
    if (sum) {
      T s = pairwise_sum<T>([&](int64_t q) { return base[p.offset[static_cast<size_t>(q)]]; }, 0, n);
      dst[o] = normalize ? s / static_cast<T>(n) : s;
      continue;
    }
    if (n == 0) c.fail(fmt::format("{} over an empty axis of input {}", c.op, shape_str(x.shape())));
    T best = base[p.offset[0]];
    for (int64_t q = 1; q < n && !std::isnan(best); ++q) {
      const T v = base[p.offset[static_cast<size_t>(q)]];
      if (std::isnan(v) || (is_max ? v > best : v < best)) best = v;
    }
    dst[o] = best;
  }
  return y;
}

template <class T>
Tensor arg_reduce_typed(const OpCall& c, const Tensor& x, const ReductionPlan& p) {
  Tensor y(DType::i64, p.out);
  const auto src = x.span<T>();
  auto dst = y.span<int64_t>();
  const bool is_max = c.op == "argmax_reduce";
  const auto n = static_cast<int64_t>(p.offset.size());
  if (n == 0) c.fail(fmt::format("{} over an empty axis of input {}", c.op, shape_str(x.shape())));
  for (size_t o = 0; o < p.base.size(); ++o) {
    const T* base = src.data() + p.base[o];
    int64_t at = 0;
    T best = base[p.offset[0]];
    for (int64_t q = 1; q < n && !std::isnan(best); ++q) {
      const T v = base[p.offset[static_cast<size_t>(q)]];
      if (std::isnan(v) || (is_max ? v > best : v < best)) best = v, at = q;
    }
    dst[o] = at;
  }
  return y;
}

}  // namespace

Value op_reduce(const OpCall& c) {
  const auto x = c.tensor(0);
  require_float(c, *x, "input");
  const ReductionPlan p = reduction_plan(x->shape(), axes_arg(c, 1, x->shape()));
  return Value::of_tensor(x->dtype() == DType::f32 ? reduce_typed<float>(c, *x, p) : reduce_typed<double>(c, *x, p));
}

Value op_arg_reduce(const OpCall& c) {
  const auto x = c.tensor(0);
  require_float(c, *x, "input");
  const ReductionPlan p = reduction_plan(x->shape(), axes_arg(c, 1, x->shape()));
  return Value::of_tensor(x->dtype() == DType::f32 ? arg_reduce_typed<float>(c, *x, p)
                                                   : arg_reduce_typed<double>(c, *x, p));
}

}  // namespace rnnconf::cpu
