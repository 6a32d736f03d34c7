// Row blocks, sums and unit axes for the per-variant weight extraction.
#include "tensor_pieces.hpp"

#include <cstring>

namespace rnnconf::emitter::detail {

Tensor rows(const Tensor& t, int64_t begin, int64_t count) {
  if (t.rank() < 1 || begin < 0 || count < 0 || begin + count > t.dim(0))
    throw Error("rows [" + std::to_string(begin) + ", " + std::to_string(begin + count) + ") of a tensor of shape " +
                shape_str(t.shape()));
  Shape shape = t.shape();
  shape[0] = count;
  Tensor out(t.dtype(), shape);
  const size_t row_bytes = t.dim(0) == 0 ? 0 : t.nbytes() / static_cast<size_t>(t.dim(0));
  if (out.nbytes() > 0)
    std::memcpy(out.bytes(), t.bytes() + static_cast<size_t>(begin) * row_bytes, out.nbytes());
  return out;
}

namespace {
template <class T>
Tensor typed_sum(const Tensor& a, const Tensor& b) {
  Tensor out(a.dtype(), a.shape());
  auto x = a.span<T>();
  auto y = b.span<T>();
  auto z = out.span<T>();
  for (size_t i = 0; i < z.size(); ++i) z[i] = x[i] + y[i];
  return out;
}
}  // namespace

Tensor sum(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape() || a.dtype() != b.dtype())
    throw Error("sum of tensors " + shape_str(a.shape()) + " " + std::string(dtype_name(a.dtype())) + " and " +
                shape_str(b.shape()) + " " + std::string(dtype_name(b.dtype())));
  if (a.dtype() == DType::f32) return typed_sum<float>(a, b);
  if (a.dtype() == DType::f64) return typed_sum<double>(a, b);
  throw Error("sum of " + std::string(dtype_name(a.dtype())) + " tensors is not supported");
}

Tensor with_leading_ones(const Tensor& t, int n) {
  Shape shape(static_cast<size_t>(n), 1);
  shape.insert(shape.end(), t.shape().begin(), t.shape().end());
  return t.reshaped(shape);
}

}  // namespace rnnconf::emitter::detail
