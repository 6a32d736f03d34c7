// Small tensor manipulations the per-variant extraction needs: a block of
// rows (one gate of a stacked weight), an element-wise sum (b_ih + b_hh in
// the weights' own precision, as torch adds them), leading unit axes.
#pragma once

#include <cstdint>

#include "rnnconf/core/tensor.hpp"

namespace rnnconf::emitter::detail {

// Rows [begin, begin + count) along axis 0, any rank, any dtype.
Tensor rows(const Tensor& t, int64_t begin, int64_t count);

// a + b element-wise, same shape, f32 or f64, computed in that dtype.
Tensor sum(const Tensor& a, const Tensor& b);

// The same data with `n` leading axes of extent 1.
Tensor with_leading_ones(const Tensor& t, int n);

}  // namespace rnnconf::emitter::detail
