// Activations that are primitives in tract's registry (the others arrive as
// document fragments torch_to_nnef writes: tract_gelu, gelu_fast_approx,
// silu, elu, hard_tanh, whose bodies use exp/tanh/sigmoid/select/min/max):
//   leaky_relu(x, alpha)  x < 0 ? alpha · x : x (tract's LeakyRelu; the NNEF
//                         spec defines it as prelu, same values)
//   tract_core_erf(x)     the error function (libm erf; tract's own float32
//                         erf is a rational approximation, PyTorch uses libm's)
#include <cmath>

#include "executor/ops_nn_support.hpp"

namespace rnnconf::cpu {
namespace {

template <class T, class F>
Tensor map_typed(const Tensor& x, F f) {
  Tensor y = poisoned(x.dtype(), x.shape());
  const auto src = x.span<T>();
  auto dst = y.span<T>();
  for (size_t k = 0; k < src.size(); ++k) dst[k] = f(src[k]);
  return y;
}

}  // namespace

Value op_leaky_relu(const OpCall& c) {
  const auto x = c.tensor(0);
  require_float(c, *x, "x");
  // alpha: a scalar, or a one-value tensor (a variable of shape [], as
  // torch_to_nnef writes some constants), as tract coerces it.
  const auto alpha_t = c.tensor(1);
  if (alpha_t->numel() != 1 || (alpha_t->dtype() != DType::f32 && alpha_t->dtype() != DType::f64))
    c.fail(fmt::format("alpha must be one scalar value, got {}{}", dtype_name(alpha_t->dtype()),
                       shape_str(alpha_t->shape())));
  const double alpha =
      alpha_t->dtype() == DType::f32 ? static_cast<double>(alpha_t->span<float>()[0]) : alpha_t->span<double>()[0];
  if (x->dtype() == DType::f32) {
    const auto a = static_cast<float>(alpha);
    return Value::of_tensor(map_typed<float>(*x, [a](float v) { return v < 0.0f ? a * v : v; }));
  }
  return Value::of_tensor(map_typed<double>(*x, [alpha](double v) { return v < 0.0 ? alpha * v : v; }));
}

Value op_erf(const OpCall& c) {
  const auto x = c.tensor(0);
  require_float(c, *x, "x");
  if (x->dtype() == DType::f32) return Value::of_tensor(map_typed<float>(*x, [](float v) { return std::erf(v); }));
  return Value::of_tensor(map_typed<double>(*x, [](double v) { return std::erf(v); }));
}

}  // namespace rnnconf::cpu
