// matmul (batched, transposeA/B, batch axes broadcast) and linear
// (input · filterᵀ + bias). Plain loops in the tensors' dtype: the literal
// path is the clear reference, not a fast one. Each dot product is summed
// pairwise (runs of 8 in index order, then halves): float error grows with
// log k instead of k, as in blocked BLAS kernels (tract, OpenBLAS), where a
// sequential float sum over a long dot (I = 73) was measured outside the
// policy bound that PyTorch itself meets (rnnconf fuzz --engine cpu-literal).
#include <fmt/format.h>

#include "executor/primitive_ops.hpp"
#include "executor/tensor_index.hpp"

namespace rnnconf::cpu {
namespace {

// Σ term(q) for q in [lo, hi): runs of up to 8 in index order, halves combined pairwise.
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

template <class T>
Tensor matmul_typed(const OpCall& c, const Tensor& a, const Tensor& b, bool ta, bool tb) {
  const size_t r = a.shape().size();
  auto fail_shapes = [&](const char* why) {
    c.fail(fmt::format("{}: A {} B {} (transposeA = {}, transposeB = {})", why, shape_str(a.shape()),
                       shape_str(b.shape()), ta, tb));
  };
  if (r < 2 || b.shape().size() != r) fail_shapes("operands must have equal rank >= 2");
  const int64_t m = a.shape()[r - (ta ? 1 : 2)], k = a.shape()[r - (ta ? 2 : 1)];
  const int64_t kb = b.shape()[r - (tb ? 1 : 2)], n = b.shape()[r - (tb ? 2 : 1)];
  if (k != kb) fail_shapes("inner dimensions differ");
  Shape batch(r - 2), out(r);
  for (size_t d = 0; d + 2 < r; ++d) {
    const int64_t x = a.shape()[d], y = b.shape()[d];
    if (x != y && x != 1 && y != 1) fail_shapes("batch axes do not broadcast");
    batch[d] = x == 1 ? y : x;
    out[d] = batch[d];
  }
  out[r - 2] = m;
  out[r - 1] = n;
  Tensor y = poisoned(a.dtype(), out);
  const auto sa = strides_of(a.shape()), sb = strides_of(b.shape());
  // Element strides of the matrix axes (row/col of the logical, transposed view).
  const int64_t a_row = ta ? 1 : sa[r - 2], a_col = ta ? sa[r - 2] : 1;
  const int64_t b_row = tb ? 1 : sb[r - 2], b_col = tb ? sb[r - 2] : 1;
  auto pa = a.span<T>();
  auto pb = b.span<T>();
  auto py = y.span<T>();
  size_t flat = 0;
  for_each_index(batch, [&](const std::vector<int64_t>& idx) {
    int64_t oa = 0, ob = 0;
    for (size_t d = 0; d < idx.size(); ++d) {
      oa += (a.shape()[d] == 1 ? 0 : idx[d]) * sa[d];
      ob += (b.shape()[d] == 1 ? 0 : idx[d]) * sb[d];
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        const auto term = [&](int64_t q) {
          return pa[static_cast<size_t>(oa + i * a_row + q * a_col)] * pb[static_cast<size_t>(ob + q * b_row + j * b_col)];
        };
        py[flat++] = pairwise_sum<T>(term, 0, k);
      }
  });
  return y;
}

Tensor matmul_any(const OpCall& c, const Tensor& a, const Tensor& b, bool ta, bool tb) {
  if (a.dtype() != b.dtype() || (a.dtype() != DType::f32 && a.dtype() != DType::f64))
    c.fail(fmt::format("operands must be float tensors of one dtype, got {}{} and {}{}", dtype_name(a.dtype()),
                       shape_str(a.shape()), dtype_name(b.dtype()), shape_str(b.shape())));
  return a.dtype() == DType::f32 ? matmul_typed<float>(c, a, b, ta, tb) : matmul_typed<double>(c, a, b, ta, tb);
}

}  // namespace

Value op_matmul(const OpCall& c) {
  const auto a = c.tensor(0), b = c.tensor(1);
  return Value::of_tensor(matmul_any(c, *a, *b, as_bool(c.arg(2), c.what(2)), as_bool(c.arg(3), c.what(3))));
}

Value op_linear(const OpCall& c) {
  const auto x = c.tensor(0), w = c.tensor(1), bias = c.tensor(2);
  if (x->rank() != 2 || w->rank() != 2)
    c.fail(fmt::format("input {} and filter {} must be rank 2", shape_str(x->shape()), shape_str(w->shape())));
  const Tensor xw = matmul_any(c, *x, *w, false, true);
  OpCall add{"linear", {Value::of_tensor(xw), Value::of_shared(bias)}, {"x", "bias"}, c.working, ""};
  add.op = "add";
  try {
    return op_binary(add);
  } catch (const Error& e) {
    c.fail(fmt::format("bias {} does not fit output {}: {}", shape_str(bias->shape()), shape_str(xw.shape()),
                       e.message()));
  }
}

}  // namespace rnnconf::cpu
