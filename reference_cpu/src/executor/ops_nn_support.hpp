// Helpers shared by the neural-network ops (ops_nn_*.cpp) and matmul/linear
// (ops_linalg.cpp): the pairwise sum every dot product and reduction uses,
// reading an `axes` argument, and the index plan of a reduction.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "executor/primitive_ops.hpp"
#include "executor/tensor_index.hpp"

namespace rnnconf::cpu {

// Σ term(q) for q in [lo, hi): runs of up to 8 in index order, halves
// combined pairwise: float error grows with log n instead of n, as in blocked
// BLAS kernels (tract, OpenBLAS) and PyTorch's cascade sum.
template <class T, class Term>
T pairwise_sum(const Term& term, int64_t lo, int64_t hi) {
  if (hi - lo <= 8) {
    T acc = T(0);
    for (int64_t q = lo; q < hi; ++q) acc += term(q);
    return acc;
  }
  const int64_t mid = lo + (hi - lo) / 2;
  return pairwise_sum<T>(term, lo, mid) + pairwise_sum<T>(term, mid, hi);
}

// The axes argument k of `c` for a tensor of `shape`: an integer, an array of
// integers or an integer tensor of rank <= 1 (tract coerces a single value
// into a one-item list: torch_to_nnef writes `softmax(x, 1)`). Sorted, each
// in [0, rank), no repeats, at least one.
inline std::vector<int64_t> axes_arg(const OpCall& c, size_t k, const Shape& shape) {
  const Value& v = c.arg(k);
  std::vector<int64_t> axes;
  try {
    axes = v.kind == Value::Kind::integer ? std::vector<int64_t>{v.i} : as_int_list(v, c.what(k));
  } catch (const Error& e) {
    c.fail(e.message());
  }
  std::sort(axes.begin(), axes.end());
  const auto rank = static_cast<int64_t>(shape.size());
  const bool repeated = std::adjacent_find(axes.begin(), axes.end()) != axes.end();
  if (axes.empty() || repeated || axes.front() < 0 || axes.back() >= rank)
    c.fail(fmt::format("axes [{}] do not name distinct axes of input {}", fmt::join(axes, ", "), shape_str(shape)));
  return axes;
}

// A reduction of `in` over `axes`: the output shape keeps the reduced axes
// with extent 1 (NNEF); element (o, q) of the reduction is
// x[base[o] + offset[q]], q running over the reduced axes in row-major order.
struct ReductionPlan {
  Shape out;
  std::vector<int64_t> base;    // per output element
  std::vector<int64_t> offset;  // per reduced element
};

inline ReductionPlan reduction_plan(const Shape& in, const std::vector<int64_t>& axes) {
  ReductionPlan p;
  const auto st = strides_of(in);
  p.out = in;
  Shape reduced;
  for (int64_t a : axes) {
    p.out[static_cast<size_t>(a)] = 1;
    reduced.push_back(in[static_cast<size_t>(a)]);
  }
  for_each_index(p.out, [&](const std::vector<int64_t>& idx) {
    int64_t o = 0;
    for (size_t d = 0; d < idx.size(); ++d) o += idx[d] * st[d];
    p.base.push_back(o);
  });
  for_each_index(reduced, [&](const std::vector<int64_t>& idx) {
    int64_t o = 0;
    for (size_t j = 0; j < idx.size(); ++j) o += idx[j] * st[static_cast<size_t>(axes[j])];
    p.offset.push_back(o);
  });
  return p;
}

// Fails unless `t` is a float tensor (f32 or f64).
inline void require_float(const OpCall& c, const Tensor& t, const std::string& what) {
  if (t.dtype() != DType::f32 && t.dtype() != DType::f64)
    c.fail(fmt::format("{} must be a float tensor, got {}{}", what, dtype_name(t.dtype()), shape_str(t.shape())));
}

}  // namespace rnnconf::cpu
