// Index helpers shared by the primitive ops: row-major strides, an odometer
// over a shape, NaN-poisoned output allocation, first-axis broadcasting.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "rnnconf/core/tensor.hpp"

namespace rnnconf::cpu {

inline std::vector<int64_t> strides_of(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t k = s.size(); k-- > 1;) st[k - 1] = st[k] * s[k];
  return st;
}

// Calls fn(index) for every multi-index of `shape` in row-major order.
template <class Fn>
void for_each_index(const Shape& shape, Fn&& fn) {
  const int64_t n = shape_volume(shape);
  std::vector<int64_t> idx(shape.size(), 0);
  for (int64_t flat = 0; flat < n; ++flat) {
    fn(idx);
    for (size_t k = shape.size(); k-- > 0;) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
}

// Output tensors start as NaN (floats) so that an element an op forgets to
// write cannot pass a comparison.
inline Tensor poisoned(DType dtype, Shape shape) {
  Tensor t(dtype, std::move(shape));
  if (dtype == DType::f32)
    for (auto& x : t.span<float>()) x = std::numeric_limits<float>::quiet_NaN();
  if (dtype == DType::f64)
    for (auto& x : t.span<double>()) x = std::numeric_limits<double>::quiet_NaN();
  return t;
}

// NNEF broadcasting aligns from the FIRST axis: the lower-rank shape gets
// trailing unit axes. Returns false when an axis differs and neither is 1.
inline bool broadcast_first_axis(const Shape& a, const Shape& b, Shape& out) {
  const size_t r = std::max(a.size(), b.size());
  out.assign(r, 1);
  for (size_t k = 0; k < r; ++k) {
    const int64_t x = k < a.size() ? a[k] : 1, y = k < b.size() ? b[k] : 1;
    if (x != y && x != 1 && y != 1) return false;
    out[k] = x == 1 ? y : x;
  }
  return true;
}

// Strides of `in` read at the indices of `out` (0 on broadcast axes).
inline std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out) {
  const auto st = strides_of(in);
  std::vector<int64_t> r(out.size(), 0);
  for (size_t k = 0; k < in.size(); ++k) r[k] = in[k] == 1 ? 0 : st[k];
  return r;
}

}  // namespace rnnconf::cpu
