// matmul (batched, transposeA/B, batch axes broadcast) and linear
// (input · filterᵀ + bias; on rank > 2 as tract, see op_linear). Plain loops
// in the tensors' dtype: the literal path is the clear reference, not a fast
// one. Each dot product is summed pairwise (pairwise_sum, ops_nn_support.hpp:
// runs of 8 in index order, then halves): float error grows with log k
// instead of k, as in blocked BLAS kernels (tract, OpenBLAS), where a
// sequential float sum over a long dot (I = 73) was measured outside the
// policy bound that PyTorch itself meets (rnnconf fuzz --engine cpu-literal).
#include <fmt/format.h>

#include "executor/ops_nn_support.hpp"
#include "executor/primitive_ops.hpp"
#include "executor/tensor_index.hpp"

namespace rnnconf::cpu {
namespace {

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

// linear(input, filter, bias): the NNEF spec defines it for rank 2 only
// ([N, C_in] · [C_out, C_in]ᵀ + [1, C_out]). tract's stdlib defines it as
// matmul(input, filter, transposeB = true) + bias, so it follows matmul on
// any rank >= 2: leading (batch) axes broadcast, and the lower-rank operand
// gets leading unit axes (numpy matmul, as tract). torch_to_nnef writes
// nn.Linear on [B, T, C_in] as linear(x, unsqueeze(w, [0]), bias [1, 1, C_out]).
// The bias is added with NNEF first-axis broadcasting, as `add`.
Value op_linear(const OpCall& c) {
  const auto x = c.tensor(0), w = c.tensor(1), bias = c.tensor(2);
  if (x->rank() < 2 || w->rank() < 2)
    c.fail(fmt::format("input {} and filter {} must have rank >= 2", shape_str(x->shape()), shape_str(w->shape())));
  auto lead = [](const Tensor& t, int64_t rank) {
    Shape s(static_cast<size_t>(rank - t.rank()), 1);
    s.insert(s.end(), t.shape().begin(), t.shape().end());
    return t.reshaped(s);
  };
  const int64_t r = std::max(x->rank(), w->rank());
  const Tensor xr = x->rank() == r ? *x : lead(*x, r), wr = w->rank() == r ? *w : lead(*w, r);
  if (xr.shape()[static_cast<size_t>(r - 1)] != wr.shape()[static_cast<size_t>(r - 1)])
    c.fail(fmt::format("input {} and filter {} differ in the input-feature (last) axis", shape_str(x->shape()),
                       shape_str(w->shape())));
  const Tensor xw = matmul_any(c, xr, wr, false, true);
  OpCall add{"add", {Value::of_tensor(xw), Value::of_shared(bias)}, {"x", "y"}, c.working, ""};
  try {
    return op_binary(add);
  } catch (const Error& e) {
    c.fail(fmt::format("bias {} does not fit output {}: {}", shape_str(bias->shape()), shape_str(xw.shape()),
                       e.message()));
  }
}

}  // namespace rnnconf::cpu
